package auth_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fake/auth"
	"github.com/coupa-kit/coupa-users/spec"
)

// testKey is a fixed signing key so tests can forge tokens with and
// without it.
var testKey = []byte("0123456789abcdef0123456789abcdef-test-signing-key")

// allScopes is what a client holding every scope is granted without a scope
// parameter: Coupa's whole catalogue, space-separated in its order.
var allScopes = strings.Join(spec.Scopes(), " ")

// readerScopes is what the default reader holds: all of it but core.user.write.
var readerScopes = strings.Replace(allScopes, " "+auth.ScopeWrite+" ", " ", 1)

// epoch is the fake clock's starting time.
var epoch = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock { return &testClock{t: epoch} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newService builds a Service from DefaultConfig with testKey and a fake
// clock; mod may adjust the config first.
func newService(t testing.TB, mod func(*auth.Config)) (*auth.Service, *testClock) {
	t.Helper()
	clk := newClock()
	cfg := auth.DefaultConfig()
	cfg.SigningKey = testKey
	cfg.Clock = clk.Now
	if mod != nil {
		mod(&cfg)
	}
	s, err := auth.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s, clk
}

// postToken sends a form to the token endpoint; mods may change the request.
func postToken(t testing.TB, s *auth.Service, form url.Values, mods ...func(*http.Request)) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, m := range mods {
		m(r)
	}
	w := httptest.NewRecorder()
	s.TokenHandler().ServeHTTP(w, r)
	return w
}

func clientForm(id, secret string, extra ...string) url.Values {
	f := url.Values{"grant_type": {"client_credentials"}}
	if id != "" {
		f.Set("client_id", id)
	}
	if secret != "" {
		f.Set("client_secret", secret)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return f
}

// basic sets RFC 6749 §2.3.1 HTTP Basic credentials.
func basic(id, secret string) func(*http.Request) {
	return func(r *http.Request) {
		raw := url.QueryEscape(id) + ":" + url.QueryEscape(secret)
		r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(raw)))
	}
}

func decodeToken(t testing.TB, w *httptest.ResponseRecorder) auth.Token {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("status %d, body %s", w.Code, w.Body)
	}
	var tok auth.Token
	if err := json.Unmarshal(w.Body.Bytes(), &tok); err != nil {
		t.Fatalf("decode token: %v (%s)", err, w.Body)
	}
	return tok
}

type oauthErr struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// expectOAuthError checks an RFC 6749 §5.2 error response.
func expectOAuthError(t testing.TB, w *httptest.ResponseRecorder, status int, code string) oauthErr {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d; body %s", w.Code, status, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	if p := w.Header().Get("Pragma"); p != "no-cache" {
		t.Errorf("Pragma %q", p)
	}
	var e oauthErr
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("decode error body: %v (%s)", err, w.Body)
	}
	if e.Error != code {
		t.Fatalf("error %q, want %q (%s)", e.Error, code, e.Description)
	}
	if e.Description == "" {
		t.Errorf("no error_description")
	}
	if strings.ContainsAny(e.Description, "\"\\") {
		t.Errorf("error_description has characters RFC 6749 forbids: %q", e.Description)
	}
	return e
}

func bearer(tok string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/api/users/1", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	return r
}

func withHeader(k, v string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/api/users/1", nil)
	r.Header.Set(k, v)
	return r
}

// mintToken gets a token through the HTTP endpoint.
func mintToken(t testing.TB, s *auth.Service, id, secret string, extra ...string) auth.Token {
	t.Helper()
	return decodeToken(t, postToken(t, s, clientForm(id, secret, extra...)))
}

// forge builds an HS256-style JWT from arbitrary header and claims, signed
// with key (or unsigned when key is nil).
func forge(key []byte, header, claims any) string {
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := enc(header) + "." + enc(claims)
	if key == nil {
		return input + "."
	}
	return input + "." + forgeSignature(key, input)
}

// forgeSignature is the base64url HMAC-SHA256 of input.
func forgeSignature(key []byte, input string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(input))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// claimsOf decodes a token's payload.
func claimsOf(t testing.TB, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// validClaims are claims the default test service accepts.
func validClaims(sub, scope string) map[string]any {
	return map[string]any{
		"iss": auth.DefaultIssuer, "sub": sub, "aud": auth.DefaultAudience, "scope": scope,
		"iat": epoch.Unix(), "exp": epoch.Add(time.Hour).Unix(), "jti": "test-jti",
	}
}

var hs256 = map[string]any{"alg": "HS256", "typ": "JWT"}

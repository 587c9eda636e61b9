package auth

import (
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/internal/fuzzcount"
)

// The cache is bounded: when it would exceed MaxCachedTokens it is emptied,
// and tokens that were dropped still authenticate (they are re-verified).
func TestTokenCacheBound(t *testing.T) {
	now := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	cfg := DefaultConfig()
	cfg.MaxCachedTokens = 3
	cfg.Clock = func() time.Time { return now }
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var toks []string
	for i := 0; i < 7; i++ {
		tok, err := s.Issue(DefaultClientID)
		if err != nil {
			t.Fatal(err)
		}
		toks = append(toks, tok.AccessToken)
	}
	auth := func(tok string) {
		t.Helper()
		r := httptest.NewRequest("GET", "/api/users/1", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		if _, err := s.Authenticate(r); err != nil {
			t.Fatal(err)
		}
	}
	for i, tok := range toks {
		auth(tok)
		auth(tok) // a hit must not grow the cache
		if n := s.cache.len(); n > 3 || n < 1 {
			t.Fatalf("after %d tokens the cache holds %d", i+1, n)
		}
	}
	if n := s.cache.len(); n != 1 { // 7 = 3 + 3 + 1
		t.Errorf("cache holds %d, want 1", n)
	}
	for _, tok := range toks {
		auth(tok)
	}
	s.Reset()
	if n := s.cache.len(); n != 0 {
		t.Errorf("after Reset the cache holds %d", n)
	}
	// An expired hit is removed from the cache.
	auth(toks[0])
	now = now.Add(DefaultTokenTTL)
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer "+toks[0])
	if _, err := s.Authenticate(r); err == nil {
		t.Fatal("expired token accepted")
	}
	if n := s.cache.len(); n != 0 {
		t.Errorf("expired entry kept: cache holds %d", n)
	}
}

// Failed verifications are never cached, so a forged token cannot fill the
// cache or become valid later.
func TestFailuresNotCached(t *testing.T) {
	s, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", "Bearer a.b.c")
		if _, err := s.Authenticate(r); err == nil {
			t.Fatal("accepted")
		}
	}
	if n := s.cache.len(); n != 0 {
		t.Errorf("cache holds %d after failures", n)
	}
}

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"plain text":  "plain text",
		`a"b\c`:       `a'b/c`,
		"tab\tx\né":   "tab?x???",
		"0123456789":  "0123456789",
		"01234567890": "0123456789...",
	} {
		if got := sanitize(in, 10); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

// The cache is keyed by signature, but a hit must be the whole token: a
// token whose payload was changed under a cached token's signature is
// verified, and refused, not served the cached principal.
func TestTokenCacheComparesWholeToken(t *testing.T) {
	cfg := DefaultConfig()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	two, err := s.Issue(DefaultReaderID, ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.Issue(DefaultClientID)
	if err != nil {
		t.Fatal(err)
	}
	authn := func(tok string) (Principal, error) {
		r := httptest.NewRequest("GET", "/api/users/1", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		return s.Authenticate(r)
	}
	if _, err := authn(two.AccessToken); err != nil {
		t.Fatal(err)
	}
	// The whole-catalogue token's payload under the cached token's signature.
	dot := strings.LastIndexByte(two.AccessToken, '.')
	spliced := all.AccessToken[:strings.LastIndexByte(all.AccessToken, '.')] + two.AccessToken[dot:]
	for i := 0; i < 2; i++ {
		if p, err := authn(spliced); err == nil {
			t.Fatalf("spliced token accepted as %s with %q", p.ClientID, p.ScopeList())
		}
	}
	if p, err := authn(two.AccessToken); err != nil || p.ClientID != DefaultReaderID || p.Has(ScopeWrite) {
		t.Fatalf("cached token after the splice: %v %v", p.ScopeList(), err)
	}
	if n := s.cache.len(); n != 1 {
		t.Errorf("cache holds %d, want 1", n)
	}
}

func TestTokenChars(t *testing.T) {
	const want = "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
	var got []byte
	for c, ok := range newTokenChars() {
		if ok {
			got = append(got, byte(c))
		}
	}
	if string(got) != want {
		t.Errorf("token bytes %q, want %q", got, want)
	}
}

// parseIssued is a shortcut past encoding/json for the payloads issue
// writes: whatever it accepts, encoding/json must decode to the same claims.
func FuzzParseIssued(f *testing.F) {
	s, err := New(DefaultConfig())
	if err != nil {
		f.Fatal(err)
	}
	for _, scopes := range [][]string{nil, {ScopeRead, ScopeWrite}} {
		tok, err := s.Issue(DefaultClientID, scopes...)
		if err != nil {
			f.Fatal(err)
		}
		payload := strings.Split(tok.AccessToken, ".")[1]
		raw, err := base64.RawURLEncoding.DecodeString(payload)
		if err != nil {
			f.Fatal(err)
		}
		if _, ok := parseIssued(raw); !ok {
			f.Fatalf("an issued payload takes the slow path: %s", raw)
		}
		f.Add(raw)
	}
	const good = `{"iss":"i","sub":"s","aud":"a","scope":"x y","iat":1,"exp":2,"jti":"j"}`
	for _, seed := range []string{
		good,
		`{"iss":"i","sub":"s","aud":"a","scope":"","iat":0,"exp":2,"jti":""}`,
		`{"iss":"i\u0041","sub":"s","aud":"a","scope":"x","iat":1,"exp":2,"jti":"j"}`,
		`{"iss":"i","sub":"s","aud":["a"],"scope":"x","iat":1,"exp":2,"jti":"j"}`,
		`{"iss":"i","sub":"s","aud":"a","scope":"x","iat":01,"exp":2,"jti":"j"}`,
		`{"iss":"i","sub":"s","aud":"a","scope":"x","iat":1.5,"exp":2e3,"jti":"j"}`,
		`{"iss":"i","sub":"s","aud":"a","scope":"x","iat":-1,"exp":2,"jti":"j"}`,
		`{"iss":"é","sub":"s","aud":"a","scope":"x","iat":1,"exp":2,"jti":"j"}`,
		`{"iss":"i","sub":"s","aud":"a","scope":"x","iat":1,"exp":2,"jti":"j","nbf":3}`,
		`{"iss":"i","sub":"s","aud":"a","scope":"x","iat":1,"exp":2,"jti":"j"} `,
		`{"iss":"i","sub":"s","aud":"a","scope":"x","iat":1,"exp":2,"jti":"j"}}`,
		`{"iss":"i","sub":"s","aud":"a","scope":"x","iat":1,"exp":2,"jti":"j`,
		`{"iss":"i","sub":"s","aud":"a","scope":"x\ty","iat":1,"exp":2,"jti":"j"}`,
		`{"iss":null,"sub":"s","aud":"a","scope":"x","iat":1,"exp":2,"jti":"j"}`,
		`{"iss":"i","sub":"s","aud":"a","scope":"x","iat":99999999999999999999,"exp":2,"jti":"j"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		fuzzcount.Inc()
		got, ok := parseIssued(raw)
		if !ok {
			return
		}
		var want claims
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("parseIssued accepted what encoding/json refuses (%v): %s", err, raw)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("parseIssued(%s) = %+v, encoding/json %+v", raw, got, want)
		}
	})
}

// Redirect URIs: a client without any takes loopback ones; a registered loopback URI matches on any port; any
// other registered URI only exactly; a URI with a fragment or without a scheme never.
func TestRedirectTo(t *testing.T) {
	open := &client{id: "open"}
	reg := &client{id: "reg", redirectURIs: []string{"https://app.example/cb", "http://127.0.0.1/oauth"}}
	for _, c := range []struct {
		cl   *client
		sent string
		ok   bool
	}{
		{open, "http://127.0.0.1:5000/x", true},
		{open, "http://[::1]:1/x", true},
		{open, "http://localhost/cb?a=1", true},
		{open, "https://app.example/cb", false},
		{open, "http://127.0.0.1.evil.example/x", false},
		{open, "", false},
		{reg, "https://app.example/cb", true},
		{reg, "https://app.example/cb/", false},
		{reg, "https://app.example/cb?x=1", false},
		{reg, "http://127.0.0.1:49152/oauth", true},
		{reg, "http://127.0.0.1:49152/other", false},
		{reg, "http://localhost:5000/x", false},
		{reg, "https://app.example/cb#frag", false},
		{reg, "/cb", false},
	} {
		_, err := c.cl.redirectTo(c.sent)
		if (err == nil) != c.ok {
			t.Errorf("%s: %q: err %v, want ok %v", c.cl.id, c.sent, err, c.ok)
		}
	}
	one := &client{id: "one", redirectURIs: []string{"https://app.example/cb"}}
	if u, err := one.redirectTo(""); err != nil || u.String() != "https://app.example/cb" {
		t.Errorf("a client's one URI when none is sent: %v, %v", u, err)
	}
}

func TestPKCE(t *testing.T) {
	v := "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" // RFC 7636 appendix B
	s256 := &grant{challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", method: "S256"}
	plain := &grant{challenge: v, method: "plain"}
	none := &grant{}
	for _, c := range []struct {
		g        *grant
		verifier string
		ok       bool
	}{
		{s256, v, true}, {s256, v[:len(v)-1] + "l", false}, {s256, "", false},
		{plain, v, true}, {plain, strings.ToUpper(v), false},
		{none, "", true}, {none, v, false},
	} {
		if got := pkceMatches(c.g, c.verifier); got != c.ok {
			t.Errorf("%+v with %q: %v, want %v", c.g, c.verifier, got, c.ok)
		}
	}
}

package auth_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fake/auth"
	"github.com/coupa-kit/coupa-users/spec"
)

func TestTokenFormClientAuth(t *testing.T) {
	s, _ := newService(t, nil)
	w := postToken(t, s, clientForm(auth.DefaultClientID, auth.DefaultClientSecret))
	tok := decodeToken(t, w)
	for k, want := range map[string]string{
		"Content-Type": "application/json", "Cache-Control": "no-store", "Pragma": "no-cache",
	} {
		if got := w.Header().Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	// No scope parameter: every scope the client holds, here Coupa's whole catalogue.
	if tok.TokenType != "bearer" || tok.ExpiresIn != 86399 || tok.Scope != allScopes {
		t.Errorf("token response %+v", tok)
	}
	// Field names and order as Coupa sends them.
	if !strings.HasPrefix(w.Body.String(), `{"access_token":"`) ||
		!strings.HasSuffix(w.Body.String(), `","token_type":"bearer","expires_in":86399,"scope":"`+allScopes+`"}`) {
		t.Errorf("body %s", w.Body)
	}
	c := claimsOf(t, tok.AccessToken)
	if c["iss"] != auth.DefaultIssuer || c["sub"] != auth.DefaultClientID || c["aud"] != auth.DefaultAudience ||
		c["scope"] != allScopes || c["jti"] == "" || c["jti"] == nil {
		t.Errorf("claims %v", c)
	}
	if c["iat"] != float64(epoch.Unix()) || c["exp"] != float64(epoch.Add(24*time.Hour).Unix()) {
		t.Errorf("iat/exp %v/%v", c["iat"], c["exp"])
	}
	p, err := s.Authenticate(bearer(tok.AccessToken))
	if err != nil {
		t.Fatal(err)
	}
	if p.ClientID != auth.DefaultClientID || p.Via != auth.ViaOAuth2 || !p.Has(auth.ScopeRead) || !p.Has(auth.ScopeWrite) {
		t.Errorf("principal %+v", p)
	}
	// Every token is distinct (random jti), even within one second.
	tok2 := mintToken(t, s, auth.DefaultClientID, auth.DefaultClientSecret)
	if tok2.AccessToken == tok.AccessToken {
		t.Error("two tokens are identical")
	}
}

func TestTokenBasicClientAuth(t *testing.T) {
	const id, secret = "svc:1 é", "p@ss word:+%/&=é"
	s, _ := newService(t, func(c *auth.Config) {
		c.Clients = append(c.Clients, auth.Client{ID: id, Secret: secret, Scopes: []string{auth.ScopeRead}},
			auth.Client{ID: "plus", Secret: "a+b"})
	})
	form := url.Values{"grant_type": {"client_credentials"}}

	t.Run("percent-encoded", func(t *testing.T) {
		tok := decodeToken(t, postToken(t, s, form, basic(id, secret)))
		p, err := s.Authenticate(bearer(tok.AccessToken))
		if err != nil || p.ClientID != id {
			t.Fatalf("principal %+v, %v", p, err)
		}
	})
	t.Run("default client", func(t *testing.T) {
		decodeToken(t, postToken(t, s, form, basic(auth.DefaultClientID, auth.DefaultClientSecret)))
	})
	t.Run("scheme case and unpadded base64", func(t *testing.T) {
		raw := base64.RawStdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret)))
		decodeToken(t, postToken(t, s, form, func(r *http.Request) { r.Header.Set("Authorization", "bAsIc "+raw) }))
	})
	t.Run("not percent-encoded fails", func(t *testing.T) {
		// In RFC 6749 §2.3.1 form encoding '+' is a space, so a client
		// that sends the secret "a+b" raw is sending "a b".
		raw := func(s string) func(*http.Request) {
			return func(r *http.Request) {
				r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("plus:"+s)))
			}
		}
		expectOAuthError(t, postToken(t, s, form, raw("a+b")), 400, "invalid_client")
		decodeToken(t, postToken(t, s, form, raw("a%2Bb")))
		decodeToken(t, postToken(t, s, form, basic("plus", "a+b")))
	})
	t.Run("form-encoded body secret", func(t *testing.T) {
		decodeToken(t, postToken(t, s, clientForm(id, secret)))
	})
	t.Run("basic and agreeing form id", func(t *testing.T) {
		f := clientForm(id, "")
		decodeToken(t, postToken(t, s, f, basic(id, secret)))
	})
	t.Run("wrong secret", func(t *testing.T) {
		// Coupa's 400, with no challenge.
		w := postToken(t, s, form, basic(id, secret+"x"))
		expectOAuthError(t, w, 400, "invalid_client")
		if got := w.Header().Get("WWW-Authenticate"); got != "" {
			t.Errorf("WWW-Authenticate %q", got)
		}
	})
}

func TestTokenScopes(t *testing.T) {
	s, _ := newService(t, nil)
	for _, tc := range []struct {
		name, id, secret, scope string // scope "-" means absent
		want                    string
	}{
		{"absent gives all held", auth.DefaultClientID, auth.DefaultClientSecret, "-", allScopes},
		{"empty gives all held", auth.DefaultClientID, auth.DefaultClientSecret, "", allScopes},
		{"only spaces gives all held", auth.DefaultClientID, auth.DefaultClientSecret, "   ", allScopes},
		{"subset read", auth.DefaultClientID, auth.DefaultClientSecret, "core.user.read", "core.user.read"},
		{"subset write", auth.DefaultClientID, auth.DefaultClientSecret, "core.user.write", "core.user.write"},
		{"canonical order", auth.DefaultClientID, auth.DefaultClientSecret, "core.user.write core.user.read", "core.user.read core.user.write"},
		{"duplicates and spaces", auth.DefaultClientID, auth.DefaultClientSecret, "  core.user.read  core.user.read ", "core.user.read"},
		{"reader default", auth.DefaultReaderID, auth.DefaultReaderSecret, "-", readerScopes},
		{"reader read", auth.DefaultReaderID, auth.DefaultReaderSecret, "core.user.read", "core.user.read"},
		{"not about users", auth.DefaultClientID, auth.DefaultClientSecret, "core.invoice.read", "core.invoice.read"},
		{"oidc scopes only", auth.DefaultReaderID, auth.DefaultReaderSecret, "openid profile email login offline_access", "email login offline_access openid profile"},
		// baton-coupa's read-only and read-write sets (its "email login" element joins to two names).
		{"baton read-only", auth.DefaultReaderID, auth.DefaultReaderSecret,
			"core.business_entity.read core.common.read core.user_group.read core.user.read email login openid profile",
			"core.business_entity.read core.common.read core.user.read core.user_group.read email login openid profile"},
		{"baton read-write", auth.DefaultClientID, auth.DefaultClientSecret,
			"core.business_entity.read core.common.read core.user_group.read core.user.read email login openid profile core.user_group.write core.user.write",
			"core.business_entity.read core.common.read core.user.read core.user.write core.user_group.read core.user_group.write email login openid profile"},
		{"whole catalogue", auth.DefaultClientID, auth.DefaultClientSecret, allScopes, allScopes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := clientForm(tc.id, tc.secret)
			if tc.scope != "-" {
				f.Set("scope", tc.scope)
			}
			tok := decodeToken(t, postToken(t, s, f))
			if tok.Scope != tc.want {
				t.Errorf("scope %q, want %q", tok.Scope, tc.want)
			}
			p, err := s.Authenticate(bearer(tok.AccessToken))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(p.ScopeList(), " "); got != tc.want {
				t.Errorf("principal scopes %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTokenInvalidScope(t *testing.T) {
	s, _ := newService(t, nil)
	for _, tc := range []struct{ name, id, secret, scope string }{
		{"reader asks write", auth.DefaultReaderID, auth.DefaultReaderSecret, "core.user.write"},
		{"reader asks both", auth.DefaultReaderID, auth.DefaultReaderSecret, "core.user.read core.user.write"},
		{"reader asks the catalogue", auth.DefaultReaderID, auth.DefaultReaderSecret, allScopes},
		{"unknown scope", auth.DefaultClientID, auth.DefaultClientSecret, "core.user.delete"},
		{"known plus unknown", auth.DefaultClientID, auth.DefaultClientSecret, "core.user.read core.invoice.ct-unknown"},
		{"case differs", auth.DefaultClientID, auth.DefaultClientSecret, "Core.User.Read"},
		{"comma separated", auth.DefaultClientID, auth.DefaultClientSecret, "core.user.read,core.user.write"},
		{"quote in scope", auth.DefaultClientID, auth.DefaultClientSecret, `core"user`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := postToken(t, s, clientForm(tc.id, tc.secret, "scope", tc.scope))
			expectOAuthError(t, w, http.StatusBadRequest, "invalid_scope")
		})
	}
}

func TestTokenErrors(t *testing.T) {
	s, _ := newService(t, nil)
	rfc, _ := newService(t, func(c *auth.Config) { c.InvalidClientStatus = http.StatusUnauthorized })
	good := func() url.Values { return clientForm(auth.DefaultClientID, auth.DefaultClientSecret) }
	setHeader := func(k, v string) func(*http.Request) { return func(r *http.Request) { r.Header.Set(k, v) } }
	for _, tc := range []struct {
		name      string
		form      url.Values
		mods      []func(*http.Request)
		status    int
		code      string
		challenge bool // expect WWW-Authenticate: Basic (by default never: Coupa answers 400 invalid_client)
	}{
		{"grant_type missing", func() url.Values { f := good(); f.Del("grant_type"); return f }(), nil, 400, "invalid_request", false},
		{"grant_type empty", func() url.Values { f := good(); f.Set("grant_type", ""); return f }(), nil, 400, "invalid_request", false},
		{"grant_type password", func() url.Values { f := good(); f.Set("grant_type", "password"); return f }(), nil, 400, "unsupported_grant_type", false},
		{"grant_type password", func() url.Values { f := good(); f.Set("grant_type", "password"); return f }(), nil, 400, "unsupported_grant_type", false},
		{"authorization_code without a code", func() url.Values { f := good(); f.Set("grant_type", "authorization_code"); return f }(), nil, 400, "invalid_request", false},
		{"refresh_token without a token", func() url.Values { f := good(); f.Set("grant_type", "refresh_token"); return f }(), nil, 400, "invalid_request", false},
		{"grant_type repeated", func() url.Values { f := good(); f.Add("grant_type", "client_credentials"); return f }(), nil, 400, "invalid_request", false},
		{"scope repeated", func() url.Values {
			f := good()
			f.Add("scope", "core.user.read")
			f.Add("scope", "core.user.read")
			return f
		}(), nil, 400, "invalid_request", false},
		{"wrong secret", clientForm(auth.DefaultClientID, "nope"), nil, 400, "invalid_client", false},
		{"unknown client", clientForm("nobody", auth.DefaultClientSecret), nil, 400, "invalid_client", false},
		{"other client's secret", clientForm(auth.DefaultClientID, auth.DefaultReaderSecret), nil, 400, "invalid_client", false},
		{"no credentials", clientForm("", ""), nil, 400, "invalid_client", false},
		{"id without secret", clientForm(auth.DefaultClientID, ""), nil, 400, "invalid_client", false},
		{"secret without id", clientForm("", auth.DefaultClientSecret), nil, 400, "invalid_client", false},
		{"basic wrong secret", clientForm("", ""), []func(*http.Request){basic(auth.DefaultClientID, "nope")}, 400, "invalid_client", false},
		{"basic not base64", clientForm("", ""), []func(*http.Request){setHeader("Authorization", "Basic !!!")}, 400, "invalid_client", false},
		{"basic without colon", clientForm("", ""), []func(*http.Request){setHeader("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("abc")))}, 400, "invalid_client", false},
		{"basic empty secret", clientForm("", ""), []func(*http.Request){setHeader("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(auth.DefaultClientID+":")))}, 400, "invalid_client", false},
		{"basic bad percent", clientForm("", ""), []func(*http.Request){setHeader("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("a%zz:b")))}, 400, "invalid_client", false},
		{"bearer at token endpoint", clientForm("", ""), []func(*http.Request){setHeader("Authorization", "Bearer abc")}, 400, "invalid_client", false},
		{"basic and form ids differ", clientForm(auth.DefaultReaderID, ""), []func(*http.Request){basic(auth.DefaultClientID, auth.DefaultClientSecret)}, 400, "invalid_request", false},
		{"basic and form secrets differ", clientForm(auth.DefaultClientID, "other"), []func(*http.Request){basic(auth.DefaultClientID, auth.DefaultClientSecret)}, 400, "invalid_request", false},
		{"json content type", good(), []func(*http.Request){setHeader("Content-Type", "application/json")}, 400, "invalid_request", false},
		{"bad content type", good(), []func(*http.Request){setHeader("Content-Type", ";;;")}, 400, "invalid_request", false},
		{"two Authorization headers", clientForm("", ""), []func(*http.Request){basic(auth.DefaultClientID, auth.DefaultClientSecret), func(r *http.Request) { r.Header.Add("Authorization", "Basic eDp5") }}, 400, "invalid_request", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := postToken(t, s, tc.form, tc.mods...)
			expectOAuthError(t, w, tc.status, tc.code)
			got := w.Header().Get("WWW-Authenticate")
			if tc.challenge && got != `Basic realm="coupa"` {
				t.Errorf("WWW-Authenticate %q", got)
			}
			if !tc.challenge && got != "" {
				t.Errorf("unexpected WWW-Authenticate %q", got)
			}
			// RFC 6749 §5.2's variant: every invalid_client is 401 with a Basic challenge; the rest is unchanged.
			w = postToken(t, rfc, tc.form, tc.mods...)
			status, challenge := tc.status, tc.challenge
			if tc.code == "invalid_client" {
				status, challenge = http.StatusUnauthorized, true
			}
			expectOAuthError(t, w, status, tc.code)
			if got := w.Header().Get("WWW-Authenticate"); challenge != (got == `Basic realm="coupa"`) {
				t.Errorf("RFC variant: WWW-Authenticate %q", got)
			}
		})
	}
}

func TestTokenBody(t *testing.T) {
	s, _ := newService(t, nil)
	send := func(body string, ct string) *http.Request {
		r, _ := http.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader(body))
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		return r
	}
	do := func(r *http.Request) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		s.TokenHandler().ServeHTTP(w, r)
		return w
	}
	good := clientForm(auth.DefaultClientID, auth.DefaultClientSecret).Encode()

	t.Run("charset parameter", func(t *testing.T) {
		decodeToken(t, do(send(good, "application/x-www-form-urlencoded; charset=UTF-8")))
	})
	t.Run("no content type", func(t *testing.T) {
		decodeToken(t, do(send(good, "")))
	})
	t.Run("too large", func(t *testing.T) {
		body := good + "&pad=" + strings.Repeat("x", auth.MaxTokenRequestBytes)
		expectOAuthError(t, do(send(body, "application/x-www-form-urlencoded")), http.StatusRequestEntityTooLarge, "invalid_request")
	})
	t.Run("bad escape", func(t *testing.T) {
		expectOAuthError(t, do(send(good+"&x=%zz", "application/x-www-form-urlencoded")), 400, "invalid_request")
	})
	// Coupa's own examples put the parameters in the URL, and Rails reads query and body alike.
	t.Run("query parameters read", func(t *testing.T) {
		r := send("", "application/x-www-form-urlencoded")
		r.URL.RawQuery = good
		if w := do(r); w.Code != http.StatusOK {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
	})
	t.Run("the body wins over the query", func(t *testing.T) {
		r := send(good, "application/x-www-form-urlencoded")
		r.URL.RawQuery = "grant_type=password"
		if w := do(r); w.Code != http.StatusOK {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
	})
}

func TestTokenMethodNotAllowed(t *testing.T) {
	s, _ := newService(t, nil)
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions, http.MethodPatch} {
		t.Run(m, func(t *testing.T) {
			r, _ := http.NewRequest(m, "/oauth2/token?"+clientForm(auth.DefaultClientID, auth.DefaultClientSecret).Encode(), nil)
			w := httptest.NewRecorder()
			s.TokenHandler().ServeHTTP(w, r)
			if w.Code != http.StatusMethodNotAllowed {
				t.Fatalf("status %d", w.Code)
			}
			if got := w.Header().Get("Allow"); got != "POST" {
				t.Errorf("Allow %q", got)
			}
			if m != http.MethodHead {
				expectOAuthError(t, w, http.StatusMethodNotAllowed, "invalid_request")
			}
		})
	}
}

func TestTokenTTL(t *testing.T) {
	s, clk := newService(t, func(c *auth.Config) { c.TokenTTL = 90 * time.Second })
	tok := mintToken(t, s, auth.DefaultClientID, auth.DefaultClientSecret)
	if tok.ExpiresIn != 89 {
		t.Errorf("expires_in %d, want 89", tok.ExpiresIn)
	}
	clk.Advance(89 * time.Second)
	if _, err := s.Authenticate(bearer(tok.AccessToken)); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	if _, err := s.Authenticate(bearer(tok.AccessToken)); err == nil {
		t.Fatal("token valid after its TTL")
	}

	s1, _ := newService(t, func(c *auth.Config) { c.TokenTTL = time.Second })
	if tok := mintToken(t, s1, auth.DefaultClientID, auth.DefaultClientSecret); tok.ExpiresIn != 1 {
		t.Errorf("1s TTL: expires_in %d, want 1", tok.ExpiresIn)
	}
}

func TestIssue(t *testing.T) {
	s, _ := newService(t, nil)
	tok, err := s.Issue(auth.DefaultReaderID)
	if err != nil || tok.Scope != readerScopes || tok.ExpiresIn != 86399 || tok.TokenType != "bearer" {
		t.Fatalf("Issue: %+v, %v", tok, err)
	}
	if _, err := s.Authenticate(bearer(tok.AccessToken)); err != nil {
		t.Fatal(err)
	}
	if tok, err := s.Issue(auth.DefaultClientID, auth.ScopeWrite); err != nil || tok.Scope != auth.ScopeWrite {
		t.Errorf("Issue write: %+v, %v", tok, err)
	}
	if _, err := s.Issue("nobody"); err == nil {
		t.Error("Issue for unknown client succeeded")
	}
	if _, err := s.Issue(auth.DefaultReaderID, auth.ScopeWrite); err == nil || !strings.Contains(err.Error(), "invalid_scope") {
		t.Errorf("Issue beyond held scopes: %v", err)
	}
}

// A scope that exists but was not granted and a scope that does not exist are both invalid_scope (RFC 6749 §5.2),
// and the description tells them apart.
func TestTokenInvalidScopeSaysWhy(t *testing.T) {
	s, _ := newService(t, func(c *auth.Config) {
		c.Clients = append(c.Clients, auth.Client{ID: "narrow", Secret: "s", Scopes: []string{auth.ScopeRead, "core.common.read"}})
	})
	for _, tc := range []struct{ scope, want string }{
		{"core.common.read core.user.write", `client 'narrow' is not granted scope 'core.user.write'`},
		{"core.business_entity.read", `client 'narrow' is not granted scope 'core.business_entity.read'`},
		{"core.user.read core.ct-unknown.read", `unknown scope 'core.ct-unknown.read'`},
	} {
		e := expectOAuthError(t, postToken(t, s, clientForm("narrow", "s", "scope", tc.scope)), http.StatusBadRequest, "invalid_scope")
		if e.Description != tc.want {
			t.Errorf("scope %q: error_description %q, want %q", tc.scope, e.Description, tc.want)
		}
	}
	decodeToken(t, postToken(t, s, clientForm("narrow", "s", "scope", "core.common.read")))
}

// toolGuardScopes is what IBM tool_guard's Coupa client asks for in one token request: the catalogue but the four
// spellings only Coupa's R34.3.0 table has.
func toolGuardScopes() []string {
	only := []string{"core.inventory.receiveing.read", "core.payables.expenses.write",
		"core.sourcing_information_sites.read", "core.sourcing_information_sites.write"}
	return slices.DeleteFunc(spec.Scopes(), func(s string) bool { return slices.Contains(only, s) })
}

// Real clients ask for many scopes in one request: the scope parameter of tool_guard's (148 names, about 4 KB) and
// of the whole catalogue must get a token however the client encodes it and authenticates.
func TestTokenLongScopeParameter(t *testing.T) {
	s, _ := newService(t, nil)
	tg := strings.Join(toolGuardScopes(), " ")
	if n := len(strings.Fields(tg)); n != 148 {
		t.Fatalf("tool_guard asks for 148 scopes, the list has %d", n)
	}
	// The body bound leaves room: the whole catalogue, percent-encoded at its longest (%20 for each space), is well
	// under it.
	worst := "grant_type=client_credentials&client_id=" + auth.DefaultClientID + "&client_secret=" + auth.DefaultClientSecret +
		"&scope=" + strings.ReplaceAll(allScopes, " ", "%20")
	if len(worst) > auth.MaxTokenRequestBytes/2 {
		t.Errorf("a request for the whole catalogue is %d bytes, too close to the %d-byte bound", len(worst), auth.MaxTokenRequestBytes)
	}
	send := func(body string, mods ...func(*http.Request)) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for _, m := range mods {
			m(r)
		}
		w := httptest.NewRecorder()
		s.TokenHandler().ServeHTTP(w, r)
		return w
	}
	for _, tc := range []struct {
		name, body string
		mods       []func(*http.Request)
		want       string
	}{
		{"tool_guard, form, plus-encoded", clientForm(auth.DefaultClientID, auth.DefaultClientSecret, "scope", tg).Encode(), nil, tg},
		{"tool_guard, basic, %20-encoded", "grant_type=client_credentials&scope=" + strings.ReplaceAll(tg, " ", "%20"),
			[]func(*http.Request){basic(auth.DefaultClientID, auth.DefaultClientSecret)}, tg},
		{"whole catalogue, %20-encoded", worst, nil, allScopes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := decodeToken(t, send(tc.body, tc.mods...))
			if tok.Scope != tc.want {
				t.Errorf("granted %d scopes, want %d", len(strings.Fields(tok.Scope)), len(strings.Fields(tc.want)))
			}
			p, err := s.Authenticate(bearer(tok.AccessToken))
			if err != nil || auth.Authorize(p, auth.ScopeRead) != nil || auth.Authorize(p, auth.ScopeWrite) != nil {
				t.Fatalf("the long token does not authorize users: %+v %v", p.ClientID, err)
			}
		})
	}
}

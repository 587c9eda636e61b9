package auth_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fake/auth"
)

func TestExpiryUsesClock(t *testing.T) {
	for _, cache := range []int{0, -1} {
		t.Run(fmt.Sprintf("MaxCachedTokens=%d", cache), func(t *testing.T) {
			s, clk := newService(t, func(c *auth.Config) { c.MaxCachedTokens = cache })
			tok := mintToken(t, s, auth.DefaultClientID, auth.DefaultClientSecret)
			if _, err := s.Authenticate(bearer(tok.AccessToken)); err != nil {
				t.Fatal(err)
			}
			clk.Advance(24*time.Hour - time.Second)
			if _, err := s.Authenticate(bearer(tok.AccessToken)); err != nil {
				t.Fatalf("one second before expiry: %v", err)
			}
			clk.Advance(time.Second)
			_, err := s.Authenticate(bearer(tok.AccessToken))
			if !errors.Is(err, auth.ErrExpiredToken) {
				t.Fatalf("at expiry: %v, want ErrExpiredToken", err)
			}
			if errors.Is(err, auth.ErrInvalidToken) {
				t.Error("expired token also reported as invalid")
			}
			if !strings.Contains(err.Error(), "2024-03-02T12:00:00Z") {
				t.Errorf("error does not say when: %v", err)
			}
			// Still expired on the next call (the cache must not revive it).
			if _, err := s.Authenticate(bearer(tok.AccessToken)); !errors.Is(err, auth.ErrExpiredToken) {
				t.Fatalf("second call after expiry: %v", err)
			}
			if got := s.StatusCode(err); got != http.StatusUnauthorized {
				t.Errorf("status %d", got)
			}
			if ch := auth.Challenge(err); !strings.Contains(ch, `error="invalid_token"`) || !strings.Contains(ch, "expired") {
				t.Errorf("challenge %q", ch)
			}
			// A fresh token works at the new time.
			tok2 := mintToken(t, s, auth.DefaultClientID, auth.DefaultClientSecret)
			if _, err := s.Authenticate(bearer(tok2.AccessToken)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestTamperedTokens(t *testing.T) {
	s, _ := newService(t, nil)
	tok := mintToken(t, s, auth.DefaultReaderID, auth.DefaultReaderSecret).AccessToken
	parts := strings.Split(tok, ".")
	other, _ := newService(t, func(c *auth.Config) { c.SigningKey = []byte("another key, another key, another key!!") })
	otherTok := mintToken(t, other, auth.DefaultClientID, auth.DefaultClientSecret).AccessToken

	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	escalated := forge([]byte("not the key"), hs256, validClaims(auth.DefaultReaderID, "core.user.read core.user.write"))
	escalatedPayload := strings.Split(escalated, ".")[1]

	for name, bad := range map[string]string{
		"signature char flipped":   parts[0] + "." + parts[1] + "." + flip(parts[2], 5),
		"signature truncated":      parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-1],
		"signature extended":       tok + "A",
		"signature padded":         tok + "=",
		"signature missing":        parts[0] + "." + parts[1] + ".",
		"payload swapped":          parts[0] + "." + escalatedPayload + "." + parts[2],
		"payload char flipped":     parts[0] + "." + flip(parts[1], 10) + "." + parts[2],
		"header char flipped":      flip(parts[0], 3) + "." + parts[1] + "." + parts[2],
		"other signing key":        otherTok,
		"forged with wrong key":    escalated,
		"two parts":                parts[0] + "." + parts[1],
		"four parts":               tok + ".x",
		"empty parts":              "..",
		"garbage":                  "not-a-jwt",
		"non-base64url char":       parts[0] + "." + parts[1] + "." + parts[2][:10] + "+" + parts[2][11:],
		"inner whitespace":         parts[0] + ". " + parts[1] + "." + parts[2],
		"non-canonical last char":  parts[0] + "." + parts[1] + "." + noncanonical(parts[2]),
		"signature of other token": parts[0] + "." + parts[1] + "." + strings.Split(otherTok, ".")[2],
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.Authenticate(bearer(bad))
			if !errors.Is(err, auth.ErrInvalidToken) {
				t.Fatalf("got %v, want ErrInvalidToken", err)
			}
			if got := s.StatusCode(err); got != 401 {
				t.Errorf("status %d", got)
			}
		})
	}
	// The genuine token still works after all that.
	if _, err := s.Authenticate(bearer(tok)); err != nil {
		t.Fatal(err)
	}
}

// noncanonical changes the unused low bits of the last base64url character
// of a 32-byte signature, which a lax decoder maps to the same bytes.
func noncanonical(sig string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, sig[len(sig)-1])
	return sig[:len(sig)-1] + string(alphabet[last^1])
}

func TestAlgorithmConfusion(t *testing.T) {
	s, _ := newService(t, nil)
	claims := validClaims(auth.DefaultClientID, "core.user.read core.user.write")
	// Sanity: our forge helper makes tokens the service accepts.
	if _, err := s.Authenticate(bearer(forge(testKey, hs256, claims))); err != nil {
		t.Fatalf("forged-with-key control token rejected: %v", err)
	}
	if _, err := s.Authenticate(bearer(forge(testKey, map[string]any{"alg": "HS256"}, claims))); err != nil {
		t.Fatalf("header without typ rejected: %v", err)
	}
	genuineSig := strings.Split(forge(testKey, hs256, claims), ".")[2]

	for name, tok := range map[string]string{
		"alg none":                      forge(nil, map[string]any{"alg": "none", "typ": "JWT"}, claims),
		"alg NONE":                      forge(nil, map[string]any{"alg": "NONE"}, claims),
		"alg none with a signature":     forge(testKey, map[string]any{"alg": "none"}, claims),
		"alg none with genuine sig":     strings.TrimSuffix(forge(nil, map[string]any{"alg": "none"}, claims), ".") + "." + genuineSig,
		"alg HS512":                     forge(testKey, map[string]any{"alg": "HS512"}, claims),
		"alg RS256":                     forge(testKey, map[string]any{"alg": "RS256"}, claims),
		"alg hs256 lowercase":           forge(testKey, map[string]any{"alg": "hs256"}, claims),
		"alg missing":                   forge(testKey, map[string]any{"typ": "JWT"}, claims),
		"alg not a string":              forge(testKey, map[string]any{"alg": 256}, claims),
		"typ not JWT":                   forge(testKey, map[string]any{"alg": "HS256", "typ": "JWE"}, claims),
		"crit header":                   forge(testKey, map[string]any{"alg": "HS256", "crit": []string{"exp"}}, claims),
		"header not an object":          forge(testKey, []string{"HS256"}, claims),
		"claims not an object":          forge(testKey, hs256, "claims"),
		"header quote in alg":           forge(testKey, map[string]any{"alg": `x"y\z`}, claims),
		"same key, wrong issuer":        forge(testKey, hs256, with(claims, "iss", "someone-else")),
		"same key, no issuer":           forge(testKey, hs256, with(claims, "iss", nil)),
		"same key, wrong audience":      forge(testKey, hs256, with(claims, "aud", "other-api")),
		"same key, audience list miss":  forge(testKey, hs256, with(claims, "aud", []string{"a", "b"})),
		"same key, no audience":         forge(testKey, hs256, with(claims, "aud", nil)),
		"same key, unknown subject":     forge(testKey, hs256, with(claims, "sub", "nobody")),
		"same key, no exp":              forge(testKey, hs256, with(claims, "exp", nil)),
		"same key, fractional exp":      forge(testKey, hs256, with(claims, "exp", 1.5e9+0.5)),
		"same key, string exp":          forge(testKey, hs256, with(claims, "exp", "tomorrow")),
		"same key, no iat":              forge(testKey, hs256, with(claims, "iat", nil)),
		"same key, no jti":              forge(testKey, hs256, with(claims, "jti", nil)),
		"same key, no scope":            forge(testKey, hs256, with(claims, "scope", nil)),
		"same key, unknown scope":       forge(testKey, hs256, with(claims, "scope", "core.user.read admin")),
		"same key, scope not held":      forge(testKey, hs256, with(validClaims(auth.DefaultReaderID, ""), "scope", "core.user.write")),
		"same key, bad nbf":             forge(testKey, hs256, with(claims, "nbf", "soon")),
		"same key, not yet valid (nbf)": forge(testKey, hs256, with(claims, "nbf", epoch.Add(time.Minute).Unix())),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.Authenticate(bearer(tok))
			if !errors.Is(err, auth.ErrInvalidToken) {
				t.Fatalf("got %v, want ErrInvalidToken", err)
			}
		})
	}
	t.Run("audience list hit", func(t *testing.T) {
		if _, err := s.Authenticate(bearer(forge(testKey, hs256, with(claims, "aud", []string{"x", auth.DefaultAudience})))); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("empty scope claim", func(t *testing.T) {
		p, err := s.Authenticate(bearer(forge(testKey, hs256, with(claims, "scope", ""))))
		if err != nil || len(p.ScopeList()) != 0 || auth.Authorize(p, auth.ScopeRead) == nil {
			t.Fatalf("%+v %v", p, err)
		}
	})
	t.Run("reason in error", func(t *testing.T) {
		_, err := s.Authenticate(bearer(forge(nil, map[string]any{"alg": "none"}, claims)))
		if !strings.Contains(err.Error(), "alg none") {
			t.Errorf("error %q does not explain", err)
		}
	})
}

func with(m map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(m))
	for kk, vv := range m {
		out[kk] = vv
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

func TestIssuerAudienceConfig(t *testing.T) {
	a, _ := newService(t, func(c *auth.Config) { c.Issuer = "https://a.example"; c.Audience = "users" })
	b, _ := newService(t, func(c *auth.Config) { c.Issuer = "https://b.example"; c.Audience = "users" })
	cc, _ := newService(t, func(c *auth.Config) { c.Issuer = "https://a.example"; c.Audience = "other" })
	tok := mintToken(t, a, auth.DefaultClientID, auth.DefaultClientSecret).AccessToken
	if c := claimsOf(t, tok); c["iss"] != "https://a.example" || c["aud"] != "users" {
		t.Errorf("claims %v", c)
	}
	if _, err := a.Authenticate(bearer(tok)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Authenticate(bearer(tok)); !errors.Is(err, auth.ErrInvalidToken) || !strings.Contains(err.Error(), "issuer") {
		t.Errorf("wrong issuer: %v", err)
	}
	if _, err := cc.Authenticate(bearer(tok)); !errors.Is(err, auth.ErrInvalidToken) || !strings.Contains(err.Error(), "audience") {
		t.Errorf("wrong audience: %v", err)
	}
}

func TestNarrowedConfigInvalidatesTokens(t *testing.T) {
	wide, _ := newService(t, nil)
	narrow, _ := newService(t, func(c *auth.Config) { c.Clients[0].Scopes = []string{auth.ScopeRead} })
	gone, _ := newService(t, func(c *auth.Config) { c.Clients = c.Clients[1:] })
	tok := mintToken(t, wide, auth.DefaultClientID, auth.DefaultClientSecret).AccessToken
	if _, err := narrow.Authenticate(bearer(tok)); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("narrowed client: %v", err)
	}
	if _, err := gone.Authenticate(bearer(tok)); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("removed client: %v", err)
	}
	readTok := mintToken(t, wide, auth.DefaultClientID, auth.DefaultClientSecret, "scope", auth.ScopeRead).AccessToken
	if p, err := narrow.Authenticate(bearer(readTok)); err != nil || p.Has(auth.ScopeWrite) {
		t.Errorf("read token on narrowed client: %+v %v", p, err)
	}
}

func TestBearerSchemeCaseInsensitive(t *testing.T) {
	s, _ := newService(t, nil)
	tok := mintToken(t, s, auth.DefaultClientID, auth.DefaultClientSecret).AccessToken
	for _, v := range []string{
		"Bearer " + tok, "bearer " + tok, "BEARER " + tok, "bEaReR " + tok,
		"Bearer   " + tok, "Bearer " + tok + "  ", "Bearer " + tok + "\t",
	} {
		p, err := s.Authenticate(withHeader("Authorization", v))
		if err != nil || p.ClientID != auth.DefaultClientID {
			t.Errorf("%.12q...: %+v %v", v, p, err)
		}
	}
	for _, v := range []string{"Bearer", "Bearer ", "Bearer    ", "Bearertoken" + tok, "Bearer\t" + tok} {
		_, err := s.Authenticate(withHeader("Authorization", v))
		if err == nil {
			t.Errorf("%.16q accepted", v)
		}
	}
	// Two Authorization headers are ambiguous.
	r := bearer(tok)
	r.Header.Add("Authorization", "Bearer "+tok)
	if _, err := s.Authenticate(r); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("two headers: %v", err)
	}
}

func TestAPIKey(t *testing.T) {
	s, _ := newService(t, func(c *auth.Config) {
		c.APIKeys = append(c.APIKeys, auth.APIKey{Key: "readonlyKEY0000000000000000000000000000r", Scopes: []string{auth.ScopeRead}})
	})
	for _, name := range []string{"X-COUPA-API-KEY", "x-coupa-api-key", "X-Coupa-Api-Key"} {
		r := httptest.NewRequest(http.MethodGet, "/api/users", nil)
		r.Header.Set(name, auth.DefaultAPIKey)
		p, err := s.Authenticate(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Via != auth.ViaAPIKey || !p.Has(auth.ScopeRead) || !p.Has(auth.ScopeWrite) ||
			!regexp.MustCompile(`^api-key:[0-9a-f]{8}$`).MatchString(p.ClientID) || strings.Contains(p.ClientID, auth.DefaultAPIKey[:8]) {
			t.Errorf("principal %+v", p)
		}
	}
	p, err := s.Authenticate(withHeader(auth.APIKeyHeader, "readonlyKEY0000000000000000000000000000r"))
	if err != nil || !p.Has(auth.ScopeRead) || p.Has(auth.ScopeWrite) {
		t.Errorf("restricted key: %+v %v", p, err)
	}
	if err := auth.Authorize(p, auth.ScopeWrite); !errors.Is(err, auth.ErrInsufficientScope) {
		t.Errorf("restricted key write: %v", err)
	}

	for name, r := range map[string]*http.Request{
		"wrong key":     withHeader(auth.APIKeyHeader, "0123456789abcdef0123456789abcdef01234568"),
		"prefix of key": withHeader(auth.APIKeyHeader, auth.DefaultAPIKey[:39]),
		"empty key":     withHeader(auth.APIKeyHeader, ""),
		"two keys": func() *http.Request {
			r := withHeader(auth.APIKeyHeader, auth.DefaultAPIKey)
			r.Header.Add(auth.APIKeyHeader, auth.DefaultAPIKey)
			return r
		}(),
	} {
		_, err := s.Authenticate(r)
		if !errors.Is(err, auth.ErrInvalidAPIKey) {
			t.Errorf("%s: %v, want ErrInvalidAPIKey", name, err)
		}
		if s.StatusCode(err) != 401 || !strings.Contains(auth.Challenge(err), `error="invalid_token"`) {
			t.Errorf("%s: status %d challenge %q", name, s.StatusCode(err), auth.Challenge(err))
		}
	}

	t.Run("bearer wins over key", func(t *testing.T) {
		tok := mintToken(t, s, auth.DefaultReaderID, auth.DefaultReaderSecret).AccessToken
		r := bearer(tok)
		r.Header.Set(auth.APIKeyHeader, auth.DefaultAPIKey)
		if p, err := s.Authenticate(r); err != nil || p.Via != auth.ViaOAuth2 || p.Has(auth.ScopeWrite) {
			t.Errorf("%+v %v", p, err)
		}
		r = bearer("garbage")
		r.Header.Set(auth.APIKeyHeader, auth.DefaultAPIKey)
		if _, err := s.Authenticate(r); !errors.Is(err, auth.ErrInvalidToken) {
			t.Errorf("bad bearer with good key: %v", err)
		}
	})
	t.Run("other scheme with key", func(t *testing.T) {
		r := withHeader("Authorization", "Basic eDp5")
		r.Header.Set(auth.APIKeyHeader, auth.DefaultAPIKey)
		if p, err := s.Authenticate(r); err != nil || p.Via != auth.ViaAPIKey {
			t.Errorf("%+v %v", p, err)
		}
	})
}

func TestNoCredentials(t *testing.T) {
	s, _ := newService(t, nil)
	for name, r := range map[string]*http.Request{
		"nothing":      httptest.NewRequest(http.MethodGet, "/api/users", nil),
		"basic scheme": withHeader("Authorization", "Basic eDp5"),
		"token scheme": withHeader("Authorization", "Token abc"),
		"blank header": withHeader("Authorization", "   "),
	} {
		_, err := s.Authenticate(r)
		if !errors.Is(err, auth.ErrNoCredentials) {
			t.Errorf("%s: %v", name, err)
		}
		if got := auth.Challenge(err); got != `Bearer realm="coupa"` {
			t.Errorf("%s: challenge %q", name, got)
		}
		if s.StatusCode(err) != 401 {
			t.Errorf("%s: status %d", name, s.StatusCode(err))
		}
	}
}

func TestReadOnlyClientLacksWrite(t *testing.T) {
	for _, status := range []int{0, 401, 403} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			s, _ := newService(t, func(c *auth.Config) { c.InsufficientScopeStatus = status })
			tok := mintToken(t, s, auth.DefaultReaderID, auth.DefaultReaderSecret).AccessToken
			p, err := s.Authenticate(bearer(tok))
			if err != nil {
				t.Fatal(err)
			}
			if err := auth.Authorize(p, auth.ScopeRead); err != nil {
				t.Errorf("read: %v", err)
			}
			err = auth.Authorize(p, auth.ScopeWrite)
			if !errors.Is(err, auth.ErrInsufficientScope) {
				t.Fatalf("write: %v", err)
			}
			var se *auth.ScopeError
			if !errors.As(err, &se) || se.Required != auth.ScopeWrite || se.ClientID != auth.DefaultReaderID {
				t.Errorf("ScopeError %+v", se)
			}
			want := status
			if want == 0 {
				want = 403
			}
			if got := s.StatusCode(err); got != want {
				t.Errorf("status %d, want %d", got, want)
			}
			wrapped := fmt.Errorf("route PUT /api/users/1: %w", err)
			if got := s.StatusCode(wrapped); got != want {
				t.Errorf("wrapped status %d", got)
			}
			ch := auth.Challenge(wrapped)
			if !strings.HasPrefix(ch, `Bearer realm="coupa", error="insufficient_scope"`) || !strings.HasSuffix(ch, `scope="core.user.write"`) {
				t.Errorf("challenge %q", ch)
			}
		})
	}
}

func TestChallengeSyntax(t *testing.T) {
	s, _ := newService(t, nil)
	// RFC 6750 §3: auth-params with quoted values free of '"' and '\'.
	re := regexp.MustCompile(`^Bearer realm="coupa"(, (error|error_description|scope)="[\x20\x21\x23-\x5B\x5D-\x7E]*")*$`)
	var errs []error
	for _, v := range []string{"Bearer x.y.z", "Bearer \"\\\x01é", "Bearer " + forge(nil, map[string]any{"alg": "n\"o\\ne"}, validClaims("a", "b"))} {
		_, err := s.Authenticate(withHeader("Authorization", v))
		errs = append(errs, err)
	}
	errs = append(errs, nil, errors.New("something else"), &auth.ScopeError{Required: `we"ird\scope`},
		fmt.Errorf("ctx: %w", auth.ErrInvalidToken), auth.ErrExpiredToken)
	for _, err := range errs {
		ch := auth.Challenge(err)
		if !re.MatchString(ch) {
			t.Errorf("Challenge(%v) = %q", err, ch)
		}
	}
	if got := auth.Challenge(errs[0]); !strings.Contains(got, `error="invalid_token", error_description="invalid access token: `) {
		t.Errorf("invalid token challenge %q", got)
	}
	if s.StatusCode(nil) != 200 || s.StatusCode(errors.New("x")) != 500 {
		t.Error("StatusCode of nil / foreign error")
	}
}

// Principals of one token, client or key share one scope set with the token
// cache; what ScopeList returns is the caller's own, so changing it changes
// nothing for the next request.
func TestPrincipalScopesCannotBeChanged(t *testing.T) {
	s, _ := newService(t, nil)
	two := mintToken(t, s, auth.DefaultReaderID, auth.DefaultReaderSecret, "scope", auth.ScopeRead+" openid").AccessToken
	all := mintToken(t, s, auth.DefaultReaderID, auth.DefaultReaderSecret).AccessToken
	for _, tc := range []struct {
		name string
		r    func() *http.Request
		want string
	}{
		{"two scopes", func() *http.Request { return bearer(two) }, auth.ScopeRead + " openid"},
		{"every scope the reader holds", func() *http.Request { return bearer(all) }, readerScopes},
		{"API key", func() *http.Request { return withHeader(auth.APIKeyHeader, auth.DefaultAPIKey) }, allScopes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i := 0; i < 3; i++ { // uncached, cached, cached
				p, err := s.Authenticate(tc.r())
				if err != nil {
					t.Fatal(err)
				}
				list := p.ScopeList()
				if got := strings.Join(list, " "); got != tc.want {
					t.Fatalf("round %d: scopes %q, want %q", i, got, tc.want)
				}
				for j := range list {
					list[j] = auth.ScopeWrite
				}
				_ = append(list[:1], "x")
				if again := p.ScopeList(); strings.Join(again, " ") != tc.want {
					t.Fatalf("round %d: the principal changed through its list: %q", i, again)
				}
				if p.Has("x") || p.Has(auth.ScopeWrite) != strings.Contains(tc.want, auth.ScopeWrite) {
					t.Fatalf("round %d: Has changed through the list", i)
				}
			}
		})
	}

	// NewPrincipal keeps its own copy of the names it was given.
	names := []string{auth.ScopeRead, auth.ScopeRead, "openid"}
	p := auth.NewPrincipal("c", auth.ViaOAuth2, names...)
	names[0] = auth.ScopeWrite
	if got := strings.Join(p.ScopeList(), " "); got != auth.ScopeRead+" openid" || p.Has(auth.ScopeWrite) {
		t.Errorf("NewPrincipal: scopes %q after its argument changed", got)
	}
	if z := (auth.Principal{}); z.Has(auth.ScopeRead) || z.ScopeList() != nil || auth.Authorize(z, auth.ScopeRead) == nil {
		t.Error("the zero Principal holds a scope")
	}
}

// Tokens for the whole catalogue and for two scopes authorise exactly as
// they did when principals carried scope lists: core.user.read for reads,
// core.user.write for writes, and a missing scope is a *ScopeError that
// answers the configured status with a challenge naming the scope.
func TestAuthorizeByTokenSize(t *testing.T) {
	for _, status := range []int{http.StatusForbidden, http.StatusUnauthorized} {
		for _, cache := range []int{0, -1} {
			s, _ := newService(t, func(c *auth.Config) {
				c.InsufficientScopeStatus = status
				c.MaxCachedTokens = cache
			})
			for _, tc := range []struct {
				name, id, secret, scope string
				read, write             bool
			}{
				{"client, whole catalogue", auth.DefaultClientID, auth.DefaultClientSecret, "", true, true},
				{"client, read and write", auth.DefaultClientID, auth.DefaultClientSecret, auth.ScopeRead + " " + auth.ScopeWrite, true, true},
				{"client, write and openid", auth.DefaultClientID, auth.DefaultClientSecret, auth.ScopeWrite + " openid", false, true},
				{"client, two others", auth.DefaultClientID, auth.DefaultClientSecret, "core.common.read core.user_group.write", false, false},
				{"reader, whole catalogue but write", auth.DefaultReaderID, auth.DefaultReaderSecret, "", true, false},
				{"reader, read and openid", auth.DefaultReaderID, auth.DefaultReaderSecret, auth.ScopeRead + " openid", true, false},
			} {
				t.Run(fmt.Sprintf("%d/cache%d/%s", status, cache, tc.name), func(t *testing.T) {
					var extra []string
					if tc.scope != "" {
						extra = []string{"scope", tc.scope}
					}
					tok := mintToken(t, s, tc.id, tc.secret, extra...).AccessToken
					for round := 0; round < 2; round++ { // the second from the cache, if any
						p, err := s.Authenticate(bearer(tok))
						if err != nil {
							t.Fatal(err)
						}
						for _, op := range []struct {
							scope string
							ok    bool
						}{{auth.ScopeRead, tc.read}, {auth.ScopeWrite, tc.write}} {
							err := auth.Authorize(p, op.scope)
							if op.ok {
								if err != nil {
									t.Errorf("%s: %v", op.scope, err)
								}
								continue
							}
							var se *auth.ScopeError
							if !errors.As(err, &se) || se.Required != op.scope || se.ClientID != tc.id ||
								!errors.Is(err, auth.ErrInsufficientScope) {
								t.Fatalf("%s: %v, want a ScopeError for %s", op.scope, err, tc.id)
							}
							if got := s.StatusCode(err); got != status {
								t.Errorf("%s: status %d, want %d", op.scope, got, status)
							}
							if ch := auth.Challenge(err); !strings.Contains(ch, `error="insufficient_scope"`) ||
								!strings.Contains(ch, `scope="`+op.scope+`"`) {
								t.Errorf("%s: challenge %q", op.scope, ch)
							}
						}
					}
				})
			}
		}
	}
}

func TestReset(t *testing.T) {
	s, clk := newService(t, nil)
	tok := mintToken(t, s, auth.DefaultClientID, auth.DefaultClientSecret).AccessToken
	if _, err := s.Authenticate(bearer(tok)); err != nil {
		t.Fatal(err)
	}
	s.Reset()
	if _, err := s.Authenticate(bearer(tok)); err != nil {
		t.Fatalf("after Reset: %v", err)
	}
	clk.Advance(25 * time.Hour)
	s.Reset()
	if _, err := s.Authenticate(bearer(tok)); !errors.Is(err, auth.ErrExpiredToken) {
		t.Fatalf("expired after Reset: %v", err)
	}
	off, _ := newService(t, func(c *auth.Config) { c.MaxCachedTokens = -1 })
	off.Reset() // no cache: must not panic
}

func TestConcurrentAuthenticate(t *testing.T) {
	s, clk := newService(t, func(c *auth.Config) { c.MaxCachedTokens = 8 }) // small: exercise eviction
	var toks []string
	for i := 0; i < 20; i++ {
		id, secret := auth.DefaultClientID, auth.DefaultClientSecret
		if i%2 == 1 {
			id, secret = auth.DefaultReaderID, auth.DefaultReaderSecret
		}
		toks = append(toks, mintToken(t, s, id, secret).AccessToken)
	}
	// Each token with its signature's last two characters changed. They must differ from the originals: a fixed
	// replacement ("AA") equals a random signature's ending about once in a thousand tokens.
	tampered := map[string]string{}
	for _, tok := range toks {
		end := "AA"
		if strings.HasSuffix(tok, end) {
			end = "BB"
		}
		tampered[tok] = tok[:len(tok)-2] + end
	}
	var wg sync.WaitGroup
	errc := make(chan error, 64)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				tok := toks[(g+i)%len(toks)]
				p, err := s.Authenticate(bearer(tok))
				if err != nil {
					errc <- err
					return
				}
				wantWrite := (g+i)%len(toks)%2 == 0
				if p.Has(auth.ScopeWrite) != wantWrite || !p.Has(auth.ScopeRead) {
					errc <- fmt.Errorf("wrong principal %+v", p)
					return
				}
				if _, err := s.Authenticate(bearer(tampered[tok])); err == nil {
					errc <- errors.New("tampered token accepted")
					return
				}
				if _, err := s.Authenticate(withHeader(auth.APIKeyHeader, auth.DefaultAPIKey)); err != nil {
					errc <- err
					return
				}
				switch i % 100 {
				case 17:
					s.Reset()
				case 42:
					clk.Advance(time.Millisecond)
				case 73:
					if w := postToken(t, s, clientForm(auth.DefaultReaderID, auth.DefaultReaderSecret)); w.Code != 200 {
						errc <- fmt.Errorf("token endpoint %d", w.Code)
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
}

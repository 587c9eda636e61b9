package auth_test

import (
	"encoding/base64"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake/auth"
	"github.com/coupa-kit/coupa-users/internal/fuzzcount"
	"github.com/coupa-kit/coupa-users/internal/testexit"
)

// TestMain records how many inputs the fuzz targets really ran (see internal/fuzzcount).
func TestMain(m *testing.M) { testexit.Exit(fuzzcount.Main(m)) }

// FuzzAuthenticate feeds arbitrary Authorization header values to
// Authenticate. It must never panic, must fail with one of the package's
// sentinel errors, and must succeed only when the value is "Bearer" (any
// case) and spaces around a token this service actually issued: the fuzzer
// does not know the signing key, so anything else is a forgery.
func FuzzAuthenticate(f *testing.F) {
	s, _ := newService(f, nil)
	type issuedTok struct {
		clientID string
		scope    string
	}
	issued := map[string]issuedTok{}
	for _, c := range []struct{ id, secret, scope string }{
		{auth.DefaultClientID, auth.DefaultClientSecret, ""},
		{auth.DefaultClientID, auth.DefaultClientSecret, auth.ScopeWrite},
		{auth.DefaultReaderID, auth.DefaultReaderSecret, ""},
	} {
		tok := mintToken(f, s, c.id, c.secret, "scope", c.scope)
		issued[tok.AccessToken] = issuedTok{c.id, tok.Scope}
	}

	claims := validClaims(auth.DefaultClientID, "core.user.read core.user.write")
	for tok := range issued {
		parts := strings.Split(tok, ".")
		f.Add("Bearer " + tok)
		f.Add("bearer  " + tok + " ")
		f.Add(tok)
		f.Add("Bearer " + parts[0] + "." + parts[1] + ".")
		f.Add("Bearer " + parts[0] + "." + parts[1] + "." + noncanonical(parts[2]))
		f.Add("Bearer " + tok + "=")
	}
	f.Add("")
	f.Add("Bearer")
	f.Add("Bearer ")
	f.Add("Basic " + base64.StdEncoding.EncodeToString([]byte("coupa-fake-client:coupa-fake-secret")))
	f.Add("Bearer " + forge(nil, map[string]any{"alg": "none"}, claims))
	f.Add("Bearer " + forge([]byte("guess"), hs256, claims))
	f.Add("Bearer " + forge([]byte(""), hs256, claims))
	f.Add("Bearer " + forge([]byte("guess"), map[string]any{"alg": "HS512", "crit": []string{"x"}}, claims))
	f.Add("Bearer a.b.c")
	f.Add("Bearer ..")
	f.Add("Bearer \x00\xff\"\\")

	challenge := regexp.MustCompile(`^Bearer realm="coupa"(, (error|error_description|scope)="[\x20\x21\x23-\x5B\x5D-\x7E]*")*$`)
	bearerToken := regexp.MustCompile(`^(?i:bearer) +([^ \t]+)[ \t]*$`)

	f.Fuzz(func(t *testing.T, v string) {
		fuzzcount.Inc()
		r := &http.Request{Method: http.MethodGet, Header: http.Header{"Authorization": {v}}}
		p, err := s.Authenticate(r)
		if err != nil {
			if !errors.Is(err, auth.ErrNoCredentials) && !errors.Is(err, auth.ErrInvalidToken) &&
				!errors.Is(err, auth.ErrExpiredToken) && !errors.Is(err, auth.ErrInvalidAPIKey) {
				t.Fatalf("error %v is none of the sentinels", err)
			}
			if errors.Is(err, auth.ErrExpiredToken) {
				t.Fatalf("nothing can be expired: the clock does not move (%v)", err)
			}
			if ch := auth.Challenge(err); !challenge.MatchString(ch) {
				t.Fatalf("bad challenge %q", ch)
			}
			if s.StatusCode(err) != http.StatusUnauthorized {
				t.Fatalf("status %d", s.StatusCode(err))
			}
			return
		}
		// Success is allowed only for "Bearer" and a token whose HS256
		// signature, recomputed here independently, is genuine. (Tokens
		// are not compared with the issued set: the fuzzing engine runs
		// this function in worker processes with their own Service, whose
		// tokens differ but share testKey.)
		m := bearerToken.FindStringSubmatch(v)
		if m == nil {
			t.Fatalf("credential %q without a clean Bearer prefix authenticated as %+v", v, p)
		}
		tok := m[1]
		parts := strings.Split(tok, ".")
		if len(parts) != 3 || forgeSignature(testKey, parts[0]+"."+parts[1]) != parts[2] {
			t.Fatalf("forged token %q authenticated as %+v", tok, p)
		}
		c := claimsOf(t, tok)
		if p.ClientID != c["sub"] || strings.Join(p.ScopeList(), " ") != c["scope"] || p.Via != auth.ViaOAuth2 {
			t.Fatalf("token with claims %v authenticated as %+v", c, p)
		}
		if want, ok := issued[tok]; ok && (p.ClientID != want.clientID || strings.Join(p.ScopeList(), " ") != want.scope) {
			t.Fatalf("token of %+v authenticated as %+v", want, p)
		}
	})
}

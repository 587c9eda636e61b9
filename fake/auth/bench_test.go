package auth_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/coupa-kit/coupa-users/fake/auth"
)

// BenchmarkAuthenticateBearer measures the cost Authenticate adds to every
// API request. "cached" is the steady state (a client reusing its token);
// "uncached" is the first use of a token (full JWT verification). Each runs
// with a token for the whole catalogue (what a client gets without a scope
// parameter, about 5.7 KB) and with a two-scope token (core.user.read
// core.user.write, what the README's curl asks for), since the cost of both
// must not grow with the number of scopes a token carries.
func BenchmarkAuthenticateBearer(b *testing.B) {
	for _, bc := range []struct {
		name  string
		cache int
	}{{"cached", 0}, {"uncached", -1}} {
		for _, tc := range []struct{ name, scope string }{
			{"all-scopes", ""},
			{"two-scopes", auth.ScopeRead + " " + auth.ScopeWrite},
		} {
			b.Run(bc.name+"/"+tc.name, func(b *testing.B) {
				s, _ := newService(b, func(c *auth.Config) { c.MaxCachedTokens = bc.cache })
				var extra []string
				if tc.scope != "" {
					extra = []string{"scope", tc.scope}
				}
				r := bearer(mintToken(b, s, auth.DefaultClientID, auth.DefaultClientSecret, extra...).AccessToken)
				b.ReportAllocs()
				for b.Loop() {
					p, err := s.Authenticate(r)
					if err != nil {
						b.Fatal(err)
					}
					if err := auth.Authorize(p, auth.ScopeRead); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
	b.Run("cached-parallel", func(b *testing.B) {
		s, _ := newService(b, nil)
		tok := mintToken(b, s, auth.DefaultClientID, auth.DefaultClientSecret).AccessToken
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			r := bearer(tok)
			for pb.Next() {
				if _, err := s.Authenticate(r); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkAuthenticateAPIKey measures the legacy key path.
func BenchmarkAuthenticateAPIKey(b *testing.B) {
	s, _ := newService(b, nil)
	r := withHeader(auth.APIKeyHeader, auth.DefaultAPIKey)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Authenticate(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokenEndpoint measures a full client-credentials exchange.
func BenchmarkTokenEndpoint(b *testing.B) {
	s, _ := newService(b, nil)
	form := clientForm(auth.DefaultClientID, auth.DefaultClientSecret)
	b.ReportAllocs()
	for b.Loop() {
		if w := postToken(b, s, form); w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkLoopbackShow compares, over real loopback HTTP with keep-alive,
// a bare handler with the same handler behind Authenticate+Authorize: the
// ratio of their ns/op is the throughput share the fake keeps for
// GET /api/users/{id} (the target is at least 60 %).
func BenchmarkLoopbackShow(b *testing.B) {
	s, _ := newService(b, nil)
	tok := mintToken(b, s, auth.DefaultClientID, auth.DefaultClientSecret).AccessToken
	body := []byte(`{"id":1,"login":"jdoe","email":"jdoe@example.com","firstname":"John","lastname":"Doe","active":true}`)
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	authed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.Authenticate(r)
		if err == nil {
			err = auth.Authorize(p, auth.ScopeRead)
		}
		if err != nil {
			w.Header().Set("WWW-Authenticate", auth.Challenge(err))
			w.WriteHeader(s.StatusCode(err))
			return
		}
		bare(w, r)
	})
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{{"bare", bare}, {"authenticated", authed}} {
		b.Run(bc.name, func(b *testing.B) {
			srv := httptest.NewServer(bc.h)
			defer srv.Close()
			tr := &http.Transport{MaxIdleConnsPerHost: 64}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			url := srv.URL + "/api/users/1"
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest(http.MethodGet, url, nil)
					req.Header.Set("Authorization", "Bearer "+tok)
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Error(fmt.Sprint("status ", resp.StatusCode))
						return
					}
				}
			})
		})
	}
}

package fake_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fake/auth"
)

const app = "http://localhost:3000"

func preflight(t *testing.T, s *fake.Server, path, origin string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodOptions, s.URL+path, nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "PUT")
	req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
	return send(t, req)
}

func TestCORSPreflight(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5, CORSOrigins: []string{app, "https://App.Example"}})
	for _, path := range []string{"/api/users", "/api/users/1", fake.TokenPath} {
		r := preflight(t, s, path, app)
		wantStatus(t, r, 204)
		h := r.header
		if h.Get("Access-Control-Allow-Origin") != app || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "PUT") ||
			!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") || h.Get("Access-Control-Max-Age") == "" ||
			!slices.Contains(h.Values("Vary"), "Origin") {
			t.Errorf("%s: preflight headers %v", path, h)
		}
	}
	// Origins compare ignoring case, as schemes and host names do.
	if r := preflight(t, s, "/api/users", "https://app.example"); r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("an origin in another case: %d %v", r.status, r.header)
	}
	// Another origin gets what it got before CORS: OPTIONS is no route of Coupa's (404), and no CORS header.
	r := preflight(t, s, "/api/users", "https://evil.example")
	wantStatus(t, r, 404)
	if r.header.Get("Access-Control-Allow-Origin") != "" || !slices.Contains(r.header.Values("Vary"), "Origin") {
		t.Errorf("a foreign origin's preflight: %v", r.header)
	}
}

func TestCORSRequests(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5, CORSOrigins: []string{app}})
	r := call(t, s, http.MethodGet, "/api/users/1", "", header{"Origin", app}, header{"Sec-Fetch-Site", "same-site"})
	wantStatus(t, r, 200)
	if r.header.Get("Access-Control-Allow-Origin") != app {
		t.Errorf("an allowed origin's answer: %v", r.header)
	}
	// The token endpoint serves an allowed origin's page, and still refuses the others'.
	form := url.Values{"grant_type": {"client_credentials"}}.Encode()
	for origin, want := range map[string]int{app: 200, "https://evil.example": 403} {
		req, _ := http.NewRequest(http.MethodPost, s.URL+fake.TokenPath, strings.NewReader(form))
		req.SetBasicAuth(auth.DefaultClientID, auth.DefaultClientSecret)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		r := send(t, req)
		if r.status != want {
			t.Errorf("a token request from %s: %d, want %d: %s", origin, r.status, want, r.body)
		}
		if got := r.header.Get("Access-Control-Allow-Origin"); (want == 200) != (got == app) {
			t.Errorf("a token request from %s: Access-Control-Allow-Origin %q", origin, got)
		}
	}
}

func TestCORSAny(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5, CORSOrigins: []string{"*"}})
	r := preflight(t, s, "/api/users", "https://anyone.example")
	if r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("* : %d %v", r.status, r.header)
	}
}

// The admin surface never answers another origin, whatever CORSOrigins says: its preflights get no grant, and its
// requests from a page are refused as before.
func TestCORSNeverOnTheAdminSurface(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5, CORSOrigins: []string{"*", app}})
	for _, path := range []string{fake.AdminPrefix + "/reset", fake.AdminPrefix + "/requests", "/healthz"} {
		r := preflight(t, s, path, app)
		if r.status == 204 || r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s: preflight answered %d %v", path, r.status, r.header)
		}
	}
	r := call(t, s, http.MethodGet, fake.AdminPrefix+"/requests", "", header{"Authorization", ""}, header{"Origin", app})
	if r.status != 403 || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("an admin read from an allowed origin's page: %d %v", r.status, r.header)
	}
}

func TestCORSOffByDefault(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5})
	r := preflight(t, s, "/api/users", app)
	if r.status != 404 || r.header.Get("Access-Control-Allow-Origin") != "" || r.header.Get("Vary") != "" {
		t.Errorf("without CORSOrigins: %d %v", r.status, r.header)
	}
}

func TestCORSBadOrigins(t *testing.T) {
	for _, o := range []string{"localhost:3000", "ftp://x.example", "http://x.example/app", "http://", "http://u@x.example"} {
		if _, err := fake.New(fake.Options{Users: -1, CORSOrigins: []string{o}}); err == nil || !strings.Contains(err.Error(), "CORS origin") {
			t.Errorf("%q: %v", o, err)
		}
	}
}

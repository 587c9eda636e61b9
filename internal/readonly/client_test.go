package readonly

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// TestClientReadsOnly: a 429 is retried after the backoff, a token is asked for once with the read scope only, and
// the client sends nothing but GET and that token request.
func TestClientReadsOnly(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	refusals := 2
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r.Method+" "+r.URL.Path)
		switch {
		case r.URL.Path == "/oauth2/token":
			if r.FormValue("scope") != readScope {
				t.Errorf("token request for %q", r.FormValue("scope"))
			}
			w.Write([]byte(`{"access_token":"tok","expires_in":3600}`))
		case r.Header.Get("Authorization") != "Bearer tok":
			w.WriteHeader(http.StatusUnauthorized)
		case refusals > 0:
			refusals--
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			w.Write([]byte(`[]`))
		}
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	c := New(base, Credentials{ClientID: "id", ClientSecret: "secret"}, nil, 0, time.Second)
	var waits []time.Duration
	c.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	for range 2 {
		a, err := c.Get(context.Background(), "/api/users", url.Values{"limit": {"1"}}, "")
		if err != nil || a.Status != http.StatusOK {
			t.Fatalf("Get: %v, %+v", err, a)
		}
	}
	if len(waits) != 2 || waits[0] != 500*time.Millisecond || waits[1] != time.Second {
		t.Errorf("backoff waits %v, want [500ms 1s]", waits)
	}
	want := []string{"POST /oauth2/token", "GET /api/users", "GET /api/users", "GET /api/users", "GET /api/users"}
	if len(seen) != len(want) {
		t.Fatalf("requests %v, want %v", seen, want)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Errorf("request %d: %s, want %s", i, seen[i], want[i])
		}
	}
}

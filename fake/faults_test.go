package fake_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fake/auth"
)

// manualTime is a time source that moves only when told.
type manualTime struct {
	mu sync.Mutex
	t  time.Time
}

func (m *manualTime) now() time.Time { m.mu.Lock(); defer m.mu.Unlock(); return m.t }

func (m *manualTime) advance(d time.Duration) { m.mu.Lock(); defer m.mu.Unlock(); m.t = m.t.Add(d) }

// rateLimited starts a fake with Coupa's rate limit on a time source the test moves.
func rateLimited(t *testing.T, fc fake.FaultConfig) (*fake.Server, *manualTime) {
	t.Helper()
	s := newServer(t, fake.Options{Users: 3, Faults: fc})
	clock := &manualTime{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	fake.SetRateClock(s.Fake, clock.now)
	return s, clock
}

// served sends n requests and counts the answers by status.
func served(t *testing.T, n int, send func() response) map[int]int {
	t.Helper()
	got := map[int]int{}
	for range n {
		got[send().status]++
	}
	return got
}

// Coupa's limit: bursts of 20, then 25 a second, 429 beyond with Coupa's error body and no Retry-After.
func TestRateLimitIsCoupas(t *testing.T) {
	s, clock := rateLimited(t, fake.FaultConfig{RateLimit: true})
	show := func(accept string) func() response {
		return func() response { return call(t, s, http.MethodGet, "/api/users/1", "", header{"Accept", accept}) }
	}
	if got := served(t, fake.CoupaBurst, show("application/json")); got[200] != fake.CoupaBurst {
		t.Fatalf("the burst: %v", got)
	}
	for _, accept := range []string{"application/json", "application/xml"} {
		r := show(accept)()
		wantStatus(t, r, http.StatusTooManyRequests)
		if _, ok := r.header["Retry-After"]; ok {
			t.Errorf("%s: Retry-After %q (Coupa sends none)", accept, r.header.Get("Retry-After"))
		}
		if !strings.HasPrefix(r.header.Get("Content-Type"), accept) || !strings.Contains(string(r.body), "Rate limit exceeded: at most 25 requests per second (bursts of 20)") {
			t.Errorf("%s: %s %s", accept, r.header.Get("Content-Type"), r.body)
		}
		if accept == "application/json" && len(r.errors(t)) != 1 {
			t.Errorf("JSON 429 body %s", r.body)
		}
		if accept == "application/xml" && !strings.Contains(string(r.body), "<errors>") {
			t.Errorf("XML 429 body %s", r.body)
		}
	}
	// 50 ms at 25 a second is 1.25 requests: one more, then 429 again.
	clock.advance(50 * time.Millisecond)
	if got := served(t, 2, show("application/json")); got[200] != 1 || got[429] != 1 {
		t.Errorf("after 50 ms: %v", got)
	}
	// A long pause refills the bucket to the burst, not beyond.
	clock.advance(time.Hour)
	if got := served(t, fake.CoupaBurst+1, show("application/xml")); got[200] != fake.CoupaBurst || got[429] != 1 {
		t.Errorf("after an hour: %v", got)
	}
	// Every API operation counts, writes too; the token endpoint and the spec are not limited.
	r := call(t, s, http.MethodPut, "/api/users/1", `{"lastname":"x"}`, jsonHeaders()...)
	wantStatus(t, r, http.StatusTooManyRequests)
	for _, path := range []string{fake.TokenPath, fake.AccessTokensPath} {
		status, _ := tokenAt(t, s, path, url.Values{"grant_type": {"client_credentials"}}, auth.DefaultClientID, auth.DefaultClientSecret)
		if status != 200 {
			t.Errorf("%s under the API's rate limit: %d", path, status)
		}
	}
	wantStatus(t, call(t, s, http.MethodGet, "/openapi.yaml", ""), 200)
}

// Each caller has its own bucket: the default client, the reader, the API key, and requests whose credentials
// fail; a client's new tokens share its bucket.
func TestRateLimitPerCaller(t *testing.T) {
	s, _ := rateLimited(t, fake.FaultConfig{RateLimit: true, Rate: 1, Burst: 3})
	get := func(h ...header) func() response {
		return func() response {
			return call(t, s, http.MethodGet, "/api/users/1", "", append([]header{{"Accept", "application/json"}}, h...)...)
		}
	}
	readerTok, err := s.Auth().Issue(auth.DefaultReaderID, auth.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	asReader := header{"Authorization", "Bearer " + readerTok.AccessToken}
	asKey := []header{{"Authorization", ""}, {auth.APIKeyHeader, auth.DefaultAPIKey}}
	badToken := header{"Authorization", "Bearer not-a-token"}

	// call mints a new token of the default client for every request: they all draw from the client's bucket.
	if got := served(t, 4, get()); got[200] != 3 || got[429] != 1 {
		t.Errorf("default client: %v", got)
	}
	if got := served(t, 4, get(asReader)); got[200] != 3 || got[429] != 1 {
		t.Errorf("reader: %v", got)
	}
	if got := served(t, 4, get(asKey...)); got[200] != 3 || got[429] != 1 {
		t.Errorf("API key: %v", got)
	}
	// Bad credentials are refused (401) until their shared bucket is empty, then limited like the rest.
	if got := served(t, 4, get(badToken)); got[401] != 3 || got[429] != 1 {
		t.Errorf("bad credentials: %v", got)
	}
	// A scope refusal counts too: the reader's bucket is empty, so its write is 429 before it is 403.
	r := call(t, s, http.MethodPost, "/api/users", `{"login":"x"}`, append(jsonHeaders(), asReader)...)
	wantStatus(t, r, http.StatusTooManyRequests)
}

// The admin surface changes the limit (every caller starts again with a full bucket) and DELETE returns to the
// limit the fake started with.
func TestRateLimitAdmin(t *testing.T) {
	s, _ := rateLimited(t, fake.FaultConfig{RateLimit: true, Rate: 1, Burst: 1})
	get := func() response { return getJSON(t, s, "/api/users/1") }
	if got := served(t, 2, get); got[200] != 1 || got[429] != 1 {
		t.Fatalf("burst 1: %v", got)
	}
	wantStatus(t, admin(t, s, http.MethodPut, "/faults", `{"rate_limit":true,"rate":1,"burst":2}`), 200)
	if got := served(t, 3, get); got[200] != 2 || got[429] != 1 {
		t.Errorf("burst 2: %v", got)
	}
	wantStatus(t, admin(t, s, http.MethodPut, "/faults", `{}`), 200)
	if got := served(t, 30, get); got[200] != 30 {
		t.Errorf("no limit: %v", got)
	}
	r := admin(t, s, http.MethodDelete, "/faults", "")
	wantStatus(t, r, 200)
	if c := r.object(t); c["rate_limit"] != true || c["rate"] != 1.0 || c["burst"] != 1.0 {
		t.Errorf("DELETE /faults did not return to the start: %v", c)
	}
	if got := served(t, 2, get); got[200] != 1 || got[429] != 1 {
		t.Errorf("back to burst 1: %v", got)
	}
	for _, bad := range []string{`{"rate_limit":true,"rate":-1}`, `{"rate_limit":true,"burst":-2}`} {
		wantStatus(t, admin(t, s, http.MethodPut, "/faults", bad), http.StatusBadRequest)
	}
}

func TestBadFaultOptions(t *testing.T) {
	if _, err := fake.New(fake.Options{Users: -1, Faults: fake.FaultConfig{RateLimit: true, Rate: -25}}); err == nil ||
		!strings.Contains(err.Error(), "rate and burst") {
		t.Errorf("negative rate: %v", err)
	}
}

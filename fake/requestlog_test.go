package fake_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fake/auth"
)

// TestExampleRequests is what asserting on what a client sent looks like: the code under test talks to the fake,
// and the test reads the journal.
func TestExampleRequests(t *testing.T) {
	srv := fake.NewTestServer(t, fake.Options{Users: 5})
	// The code under test: it deactivates user 3.
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/api/users/3", strings.NewReader(`{"active":false}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	got := srv.Requests(fake.RequestFilter{Method: "PUT", Path: "/api/users/*"})
	if len(got) != 1 {
		t.Fatalf("%d PUT requests journaled, want 1: %+v", len(got), got)
	}
	if r := got[0]; r.Path != "/api/users/3" || r.Body != `{"active":false}` || r.Status != 200 ||
		r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("the client sent %s %s %q (Content-Type %q), answered %d", r.Method, r.Path, r.Body,
			r.Header.Get("Content-Type"), r.Status)
	}
}

func TestJournalRecordsRequestsAndAnswers(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5})
	getJSON(t, s, "/api/users/2?fields=%5B%22id%22%5D")
	call(t, s, http.MethodGet, "/api/users/999", "", header{"Accept", "application/json"})
	reqs := s.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests journaled, want 2: %+v", len(reqs), reqs)
	}
	first, second := reqs[0], reqs[1]
	if first.Method != "GET" || first.Path != "/api/users/2" || first.Query != "fields=%5B%22id%22%5D" ||
		first.Status != 200 || first.ResponseBody != `{"id":2}` || first.Seq != 1 {
		t.Errorf("first request: %+v", first)
	}
	if ct := first.ResponseHeader.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("answer's Content-Type %q", ct)
	}
	if second.Status != 404 || !strings.Contains(second.ResponseBody, "Couldn't find User") || second.Seq != 2 {
		t.Errorf("second request: %+v", second)
	}
	if second.Time.Before(first.Time) {
		t.Errorf("the second request is journaled before the first: %s, %s", second.Time, first.Time)
	}
}

func TestJournalRedactsSecrets(t *testing.T) {
	s := newServer(t, fake.Options{Users: 1})
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {auth.DefaultClientID},
		"client_secret": {auth.DefaultClientSecret}}
	resp, err := http.PostForm(s.URL+fake.TokenPath, form)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if resp.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("no token: %d", resp.StatusCode)
	}
	call(t, s, http.MethodGet, "/api/users", "", header{"Authorization", "Bearer " + tok.AccessToken},
		header{"Cookie", "session=s3cr3t"})
	r3 := call(t, s, http.MethodGet, "/api/users", "", header{"Authorization", ""}, header{"X-COUPA-API-KEY", auth.DefaultAPIKey})
	wantStatus(t, r3, 200)
	reqs := s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests journaled, want 3: %v", len(reqs), queries(reqs))
	}
	all, _ := json.Marshal(reqs)
	for _, secret := range []string{auth.DefaultClientSecret, tok.AccessToken, "s3cr3t", auth.DefaultAPIKey} {
		if strings.Contains(string(all), secret) {
			t.Errorf("the journal holds the secret %q: %s", secret, all)
		}
	}
	if !strings.Contains(reqs[0].Body, "client_id="+auth.DefaultClientID) || !strings.Contains(reqs[0].Body, "client_secret=%5BREDACTED%5D") {
		t.Errorf("the token request's body: %q", reqs[0].Body)
	}
	if !strings.Contains(reqs[0].ResponseBody, `"access_token":"[REDACTED]"`) {
		t.Errorf("the token answer: %q", reqs[0].ResponseBody)
	}
	if got := reqs[1].Header.Get("Authorization"); got != "Bearer [REDACTED]" {
		t.Errorf("Authorization journaled as %q", got)
	}
	if got := reqs[2].Header.Get("X-Coupa-Api-Key"); got != fake.Redacted {
		t.Errorf("X-COUPA-API-KEY journaled as %q", got)
	}
}

func TestJournalBoundsBodiesAndEntries(t *testing.T) {
	s := newServer(t, fake.Options{Users: 60, JournalSize: 3})
	big := `{"login":"` + strings.Repeat("x", fake.MaxRecordedBodyBytes) + `"}`
	// Refused with 401 before the body is read: the journal still holds what was sent.
	call(t, s, http.MethodPost, "/api/users", big, header{"Authorization", ""}, header{"Content-Type", "application/json"})
	r := s.Requests()[0]
	if r.Status != 401 || len(r.Body) != fake.MaxRecordedBodyBytes || !r.BodyTruncated || !strings.HasPrefix(r.Body, `{"login":"xxx`) {
		t.Errorf("a large body: status %d, %d bytes kept, truncated %v", r.Status, len(r.Body), r.BodyTruncated)
	}
	for i := range 5 {
		getJSON(t, s, fmt.Sprintf("/api/users?offset=%d", i))
		if i == 4 {
			getJSON(t, s, "/api/users/1?offset=5")
		}
	}
	reqs := s.Requests()
	if len(reqs) != 3 || reqs[0].Query != "offset=3" || reqs[2].Query != "offset=5" || reqs[2].Seq != 7 {
		t.Errorf("a journal of 3 keeps the last 3 of 7: %v", queries(reqs))
	}
	// An index of 50 users is larger than the bound; one user is not.
	if r := reqs[0]; !r.ResponseBodyTruncated || len(r.ResponseBody) != fake.MaxRecordedBodyBytes {
		t.Errorf("an index's answer: %d bytes kept, truncated %v", len(r.ResponseBody), r.ResponseBodyTruncated)
	}
	if r := reqs[2]; r.BodyTruncated || r.ResponseBodyTruncated || !strings.HasSuffix(r.ResponseBody, "}") {
		t.Errorf("a small exchange marked truncated: %v %v", r.BodyTruncated, r.ResponseBodyTruncated)
	}
	s.ClearRequests()
	if got := s.Requests(); len(got) != 0 {
		t.Errorf("after ClearRequests: %d requests", len(got))
	}
}

func queries(reqs []fake.RecordedRequest) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.Method+" "+r.Path+"?"+r.Query)
	}
	return out
}

func TestJournalOverHTTP(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5})
	getJSON(t, s, "/api/users/1")
	getJSON(t, s, "/api/users/2")
	getJSON(t, s, "/api/users/999")
	sendJSON(t, s, http.MethodPut, "/api/users/3", map[string]any{"lastname": "X"})
	call(t, s, http.MethodGet, "/openapi.yaml", "")
	since := s.Requests()[1].Time.UTC().Format("2006-01-02T15:04:05.999999999Z07:00")

	list := func(query string) []string {
		t.Helper()
		r := admin(t, s, http.MethodGet, "/requests?"+query, "")
		wantStatus(t, r, 200)
		var body struct {
			Requests []fake.RecordedRequest `json:"requests"`
			Count    int                    `json:"count"`
		}
		if err := json.Unmarshal(r.body, &body); err != nil || body.Count != len(body.Requests) {
			t.Fatalf("%v: %s", err, r.body)
		}
		return queries(body.Requests)
	}
	for _, c := range []struct{ query, want string }{
		{"", "[GET /openapi.yaml? PUT /api/users/3? GET /api/users/999? GET /api/users/2? GET /api/users/1?]"},
		{"order=oldest&limit=2", "[PUT /api/users/3? GET /openapi.yaml?]"},
		{"limit=2", "[GET /openapi.yaml? PUT /api/users/3?]"},
		{"method=put", "[PUT /api/users/3?]"},
		{"path=/api/users/2", "[GET /api/users/2?]"},
		{"path=/api/users/*&status=2xx&order=oldest", "[GET /api/users/1? GET /api/users/2? PUT /api/users/3?]"},
		{"path_prefix=/open", "[GET /openapi.yaml?]"},
		{"status=404", "[GET /api/users/999?]"},
		{"since=" + url.QueryEscape(since) + "&order=oldest&path_prefix=/api/", "[GET /api/users/2? GET /api/users/999? PUT /api/users/3?]"},
	} {
		if got := fmt.Sprint(list(c.query)); got != c.want {
			t.Errorf("?%s:\n got %s\nwant %s", c.query, got, c.want)
		}
	}
	// Admin requests are not journaled: the lists above added nothing.
	if n := len(s.Requests()); n != 5 {
		t.Errorf("%d requests journaled, want the 5 API requests", n)
	}
	for _, bad := range []string{"status=abc", "status=700", "since=yesterday", "limit=0", "order=sideways", "path=[", "status=6xx"} {
		r := admin(t, s, http.MethodGet, "/requests?"+bad, "")
		if r.status != 400 || !strings.Contains(r.object(t)["error"].(string), strings.SplitN(bad, "=", 2)[0]) {
			t.Errorf("?%s: %d %s", bad, r.status, r.body)
		}
	}
	// DELETE is an admin write: it needs the admin header (or a JSON body), as every other one.
	r := call(t, s, http.MethodDelete, fake.AdminPrefix+"/requests", "", header{"Authorization", ""})
	wantStatus(t, r, 403)
	if n := len(s.Requests()); n != 5 {
		t.Errorf("a refused DELETE cleared the journal: %d left", n)
	}
	r = call(t, s, http.MethodDelete, fake.AdminPrefix+"/requests", "", header{"Authorization", ""}, header{fake.AdminHeader, "1"})
	wantStatus(t, r, 200)
	if n := len(s.Requests()); n != 0 {
		t.Errorf("DELETE left %d requests", n)
	}
}

func TestJournalOff(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5, JournalSize: -1})
	getJSON(t, s, "/api/users/1")
	if got := s.Requests(); got != nil {
		t.Errorf("a journal that is off holds %d requests", len(got))
	}
	wantStatus(t, admin(t, s, http.MethodGet, "/requests", ""), 404)
}

// The journal is written by every request and read by the test at once; -race checks it.
func TestJournalConcurrent(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5, JournalSize: 16})
	client := s.Client()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 10 {
				resp, err := client.Get(s.URL + "/api/users/1")
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				s.Requests(fake.RequestFilter{Status: 200, NewestFirst: true})
			}
		})
	}
	wg.Wait()
	reqs := s.Requests()
	if len(reqs) != 16 || reqs[15].Seq != 80 {
		t.Errorf("%d requests kept (want 16), the last numbered %d (want 80)", len(reqs), reqs[len(reqs)-1].Seq)
	}
	for i := 1; i < len(reqs); i++ {
		if reqs[i].Seq != reqs[i-1].Seq+1 {
			t.Errorf("not in order: %d after %d", reqs[i].Seq, reqs[i-1].Seq)
		}
	}
}

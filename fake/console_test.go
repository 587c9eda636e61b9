package fake_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fixtures"
)

// consoleServer is a fake with a few users whose logins the console tests search for.
func consoleServer(t *testing.T) (*fake.Server, []int64) {
	t.Helper()
	s := newServer(t, fake.Options{Users: -1})
	ids, err := s.AddUsers(context.Background(),
		fixtures.User{Login: "jane.doe", Email: "jane.doe@example.com", FirstName: "Jane", LastName: "Doe"},
		fixtures.User{Login: "jack.jones", Email: "jack.jones@example.com", FirstName: "Jack", LastName: "Jones"},
		fixtures.User{Login: "jasmine.old", Email: "jasmine.old@example.com", FirstName: "Jasmine", LastName: "Old", Inactive: true},
		fixtures.User{Login: "bob.smith", Email: "bob.smith@example.com", FirstName: "Bob", LastName: "Smith"},
	)
	if err != nil {
		t.Fatal(err)
	}
	return s, ids
}

func consoleGet(t *testing.T, s *fake.Server, path string, headers ...header) response {
	t.Helper()
	return browserCall(t, s, "GET", path, "", "", headers...)
}

func wantConsoleHeaders(t *testing.T, r response) {
	t.Helper()
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") ||
		!strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	if xfo := r.header.Get("X-Frame-Options"); xfo != "DENY" {
		t.Errorf("X-Frame-Options = %q, want DENY", xfo)
	}
}

func TestConsoleSearchesWithCoupasQuerySyntax(t *testing.T) {
	s, _ := consoleServer(t)
	r := consoleGet(t, s, "/_admin/console?q="+url.QueryEscape("login[contains]=ja&status=active"))
	wantStatus(t, r, 200)
	wantConsoleHeaders(t, r)
	page := string(r.body)
	for _, want := range []string{">jane.doe</a>", ">jack.jones</a>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, not := range []string{"jasmine.old", "bob.smith"} {
		if strings.Contains(page, ">"+not+"</a>") {
			t.Errorf("the page lists %s, which the query excludes", not)
		}
	}
}

func TestConsolePages(t *testing.T) {
	s, _ := consoleServer(t)
	q := url.QueryEscape("login[starts_with]=ja&status=active&limit=1")
	first := string(consoleGet(t, s, "/_admin/console?q="+q).body)
	second := string(consoleGet(t, s, "/_admin/console?page=1&q="+q).body)
	if !strings.Contains(first, ">jane.doe</a>") || !strings.Contains(first, `id="next"`) || strings.Contains(first, `id="prev"`) {
		t.Errorf("page 0 should show jane.doe and a next link only:\n%s", first)
	}
	if !strings.Contains(second, ">jack.jones</a>") || !strings.Contains(second, `id="prev"`) {
		t.Errorf("page 1 should show jack.jones and a previous link:\n%s", second)
	}
}

// TestConsolePagesAtTheCappedLimit: a limit over Coupa's maximum is capped by the engine, and the pages follow it.
func TestConsolePagesAtTheCappedLimit(t *testing.T) {
	s := newServer(t, fake.Options{Users: 120, Seed: 1})
	q := url.QueryEscape("limit=500")
	first, second := string(consoleGet(t, s, "/_admin/console?q="+q).body), string(consoleGet(t, s, "/_admin/console?page=1&q="+q).body)
	if n := strings.Count(first, `class="login"`); n != 50 {
		t.Errorf("page 0 lists %d users, want 50 (the capped limit)", n)
	}
	if !strings.Contains(second, "from offset 50") || !strings.Contains(second, `href="/_admin/console/users/51"`) {
		t.Errorf("page 1 does not start at offset 50, user 51")
	}
}

func TestConsoleShowsQueryErrorsEscaped(t *testing.T) {
	s, _ := consoleServer(t)
	r := consoleGet(t, s, "/_admin/console?q="+url.QueryEscape(`login[nope]=<script>alert(1)</script>`))
	wantStatus(t, r, 400)
	page := string(r.body)
	if !strings.Contains(page, `id="query-error"`) {
		t.Errorf("no error shown:\n%s", page)
	}
	if strings.Contains(page, "<script>alert") {
		t.Errorf("the query is echoed unescaped:\n%s", page)
	}
}

func TestConsoleShowsAUserInJSONAndXML(t *testing.T) {
	s, ids := consoleServer(t)
	r := consoleGet(t, s, "/_admin/console/users/"+strconv.FormatInt(ids[0], 10))
	wantStatus(t, r, 200)
	wantConsoleHeaders(t, r)
	page := string(r.body)
	for _, want := range []string{`&#34;login&#34;: &#34;jane.doe&#34;`, `&lt;login&gt;jane.doe&lt;/login&gt;`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s:\n%s", want, page)
		}
	}
	wantStatus(t, consoleGet(t, s, "/_admin/console/users/999999"), 404)
}

func TestConsoleStaticFiles(t *testing.T) {
	s, _ := consoleServer(t)
	js := consoleGet(t, s, "/_admin/console/static/console.js")
	wantStatus(t, js, 200)
	wantConsoleHeaders(t, js)
	if ct := js.header.Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Errorf("console.js Content-Type = %q", ct)
	}
	if !strings.Contains(string(js.body), fake.AdminHeader) {
		t.Error("console.js does not send the admin header")
	}
	wantStatus(t, consoleGet(t, s, "/_admin/console/static/nope.js"), 404)
}

// TestAdminHomeNegotiates keeps GET /_admin/ the JSON index for API clients, and sends browsers to the console.
func TestAdminHomeNegotiates(t *testing.T) {
	s, _ := consoleServer(t)
	r := consoleGet(t, s, "/_admin/")
	wantStatus(t, r, 200)
	if _, ok := r.object(t)["endpoints"]; !ok {
		t.Errorf("GET /_admin/ without Accept: text/html is not the JSON index: %s", r.body)
	}
	req := consoleGet(t, s, "/_admin/", header{"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"})
	// The client follows the redirect to the console.
	wantStatus(t, req, 200)
	if !strings.Contains(string(req.body), `id="users"`) {
		t.Errorf("a browser's GET /_admin/ does not end at the console: %.300s", req.body)
	}
}

// TestConsoleKeepsTheAdminProtections: the console is subject to the Host check, and adds no write a web page can
// send; a form POST to the admin surface, the console's path included, changes nothing.
func TestConsoleKeepsTheAdminProtections(t *testing.T) {
	s, _ := consoleServer(t)
	wantStatus(t, browserCall(t, s, "GET", "/_admin/console", "rebound.evil.example:8080", ""), 403)
	wantStatus(t, browserCall(t, s, "GET", "/_admin/console", "", "", header{"Origin", "https://evil.example"}), 403)
	form := header{"Content-Type", "application/x-www-form-urlencoded"}
	for _, path := range []string{"/_admin/console", "/_admin/reset", "/_admin/users?mode=replace", "/_admin/console/users/4"} {
		r := browserCall(t, s, "POST", path, "", "mode=replace", form)
		if r.status < 400 {
			t.Errorf("form POST %s: %d, want a refusal", path, r.status)
		}
	}
	n, err := s.Len(context.Background())
	if err != nil || n == 0 {
		t.Errorf("users after the form posts: %d, %v", n, err)
	}
}

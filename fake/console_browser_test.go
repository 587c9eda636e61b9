//go:build browser

// The console in a real browser: headless Chromium driven with chromedp. It needs Chromium (CHROMIUM, default
// /usr/bin/chromium), so it runs only with -tags browser; .ci/browser installs Chromium and runs it. A screenshot of
// the console is written to $BROWSER_ARTIFACTS (a test temp directory without it).

package fake_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/coupa-kit/coupa-users/fake"
)

// consoleFixtures are pasted into the console's fixtures box: two active "ja" logins, an inactive one, another.
const consoleFixtures = `[
  {"login":"jane.doe","email":"jane.doe@example.com","firstname":"Jane","lastname":"Doe"},
  {"login":"jack.jones","email":"jack.jones@example.com","firstname":"Jack","lastname":"Jones"},
  {"login":"jasmine.old","email":"jasmine.old@example.com","firstname":"Jasmine","lastname":"Old","active":false},
  {"login":"bob.smith","email":"bob.smith@example.com","firstname":"Bob","lastname":"Smith"}
]`

// newBrowser starts headless Chromium with the flags this closed network needs, and a fresh profile.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	exe := os.Getenv("CHROMIUM")
	if exe == "" {
		exe = "/usr/bin/chromium"
	}
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("no Chromium at %s (set CHROMIUM, or run .ci/browser, which installs it): %v", exe, err)
	}
	// The defaults hold headless, no-first-run, disable-background-networking and disable-sync.
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // root in CI containers
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1600),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancelBrowser)
	// Generous: this bounds a hang, it is no speed check.
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// textsOf evaluates to the text of every element the CSS selector matches, in document order.
func textsOf(selector string) chromedp.Action[[]string] {
	return chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(` + jsString(selector) + `), e => e.textContent.trim())`)
}

func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

// waitText waits until the text of the element the CSS selector matches holds want.
func waitText(selector, want string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](`(document.querySelector(`+jsString(selector)+`)?.textContent || '').includes(`+jsString(want)+`)`,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(time.Minute))
}

func TestConsoleInABrowser(t *testing.T) {
	s := newServer(t, fake.Options{Users: -1}) // only the API users: after a reset no "ja" login is left
	api := s.Client()                          // its token is minted now, before any fault
	ctx := newBrowser(t)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	do := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// navigate runs actions that make the page navigate (a submit, a link, a reload) and waits for the new page.
	navigate := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		resp, err := chromedp.RunResponse(ctx, actions...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if resp.Status != http.StatusOK {
			t.Fatalf("%s: the page answered %d", name, resp.Status)
		}
	}
	texts := func(name, selector string) []string {
		t.Helper()
		v, err := chromedp.Run(ctx, textsOf(selector))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}
	apiStatus := func() int {
		t.Helper()
		resp, err := api.Get(s.URL + "/api/users?limit=1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	// A person opens the admin surface: the browser is sent to the console.
	navigate("open the console", chromedp.Navigate(s.URL+"/_admin/"))
	do("the console", chromedp.WaitVisible(css("#users")))

	do("paste fixtures", chromedp.SetValue(css("#fixtures"), consoleFixtures), chromedp.SetValue(css("#fixtures-mode"), "replace"))
	navigate("load fixtures", chromedp.Click(css("#fixtures-load")))
	do("fixtures loaded", waitText("#status", "Loaded 4 users"))

	do("type a Coupa query", chromedp.SetValue(css("#q"), "login[contains]=ja&status=active"))
	navigate("search", chromedp.Click(css("#search-button")))
	if got, want := texts("the users found", "#users td.login"), []string{"jane.doe", "jack.jones"}; !slices.Equal(got, want) {
		t.Errorf("the table lists %q for login[contains]=ja&status=active, want %q", got, want)
	}

	navigate("open a user", chromedp.Click(chromedp.Search(`//td[@class="login"]/a[text()="jane.doe"]`)))
	do("its XML view", chromedp.Click(css("#xml-link")))
	xml, err := chromedp.Run(ctx, chromedp.Text(css("#user-xml")))
	if err != nil {
		t.Fatalf("reading the XML view: %v", err)
	}
	if !strings.Contains(xml, "<login>jane.doe</login>") || !strings.Contains(xml, "<email>jane.doe@example.com</email>") {
		t.Errorf("the XML view shows:\n%s", xml)
	}
	navigate("back to the console", chromedp.Click(css("#back")))

	do("set a fault",
		chromedp.SetValue(css("#fault-status"), "502"),
		chromedp.SetValue(css("#fault-rate"), "1"),
		chromedp.Click(css("#fault-set")),
		waitText("#faults", `"error_status": 502`),
		waitText("#status", "Fault set: 502"))
	if got := apiStatus(); got != http.StatusBadGateway {
		t.Errorf("with the fault set, GET /api/users answers %d, want 502", got)
	}
	do("clear the fault", chromedp.Click(css("#fault-clear")), waitText("#faults", `"error_rate": 0`))
	if got := apiStatus(); got != http.StatusOK {
		t.Errorf("with the fault cleared, GET /api/users answers %d, want 200", got)
	}

	do("set the clock",
		chromedp.SetValue(css("#clock-now"), "2030-01-01T00:00:00Z"),
		chromedp.Click(css("#clock-set")),
		waitText("#clock", `"now": "2030-01-01T00:00:00Z"`))
	do("advance the clock",
		chromedp.SetValue(css("#clock-by"), "1h"),
		chromedp.Click(css("#clock-advance")),
		waitText("#clock", `"now": "2030-01-01T01:00:00Z"`))
	if now := s.Clock().Now(); !now.Equal(time.Date(2030, 1, 1, 1, 0, 0, 0, time.UTC)) {
		t.Errorf("the fake's clock reads %s after the console set and advanced it", now)
	}
	do("release the clock", chromedp.Click(css("#clock-reset")), waitText("#clock", `"frozen": false`))

	navigate("reset", chromedp.Click(css("#reset")))
	do("reset done", waitText("#status", "Reset: "))
	// Back to the seeded users: the API users only, the fixtures gone.
	if got := texts("the users after a reset", "#users td.login"); len(got) == 0 || slices.Contains(got, "jane.doe") {
		t.Errorf("after a reset the console lists %q", got)
	}

	do("refresh the journal", chromedp.Click(css("#journal-refresh")), waitText("#journal tbody", "502"))
	methods, paths, statuses := texts("", "#journal td.method"), texts("", "#journal td.path"), texts("", "#journal td.status")
	// Newest first: the request after the fault was cleared, then the one the fault answered.
	if len(paths) < 2 || paths[0] != "/api/users?limit=1" || statuses[0] != "200" || statuses[1] != "502" || methods[1] != "GET" {
		t.Errorf("the journal lists %q %q %q, want GET /api/users?limit=1 answered 200, then 502", methods, paths, statuses)
	}

	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: a PNG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir := os.Getenv("BROWSER_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "console.png")
	if err := os.WriteFile(file, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", file)
}

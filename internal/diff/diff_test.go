package diff_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/internal/diff"
	"github.com/coupa-kit/coupa-users/internal/readonly"
	"github.com/coupa-kit/coupa-users/internal/snapshot"
)

var creds = readonly.Credentials{ClientID: "coupa-fake-client", ClientSecret: "coupa-fake-secret"}

func target(url string) diff.Target { return diff.Target{BaseURL: url, Credentials: creds} }

func runDiff(t *testing.T, tenant, fake string) *diff.Report {
	t.Helper()
	rep, err := diff.Run(context.Background(), diff.Options{Tenant: target(tenant), Fake: target(fake)})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func logReport(t *testing.T, rep *diff.Report) {
	t.Helper()
	var b bytes.Buffer
	rep.WriteText(&b)
	t.Log("\n" + b.String())
}

// TestDiffOfASnapshot is the round trip of issue 12: snapshot a fake (the tenant), serve the snapshot, diff them.
func TestDiffOfASnapshot(t *testing.T) {
	tenant := fake.NewTestServer(t, fake.Options{Users: 120, Seed: 5})
	out := filepath.Join(t.TempDir(), "users.json")
	if _, err := snapshot.Run(context.Background(), snapshot.Options{BaseURL: tenant.URL, Credentials: creds, Out: out, Key: []byte("k")}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	users, err := fixtures.ReadUsers(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	seeded := fake.NewTestServer(t, fake.Options{Users: -1, Fixtures: users})
	rep := runDiff(t, tenant.URL, seeded.URL)
	logReport(t, rep)
	if rep.Overall < 0.99 {
		t.Errorf("overall score %.3f, want ≥ 0.99", rep.Overall)
	}
}

// TestDiffFindsAnotherTimeZone diffs a fake in UTC against one in Paris: only the datetimes' format differs.
func TestDiffFindsAnotherTimeZone(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	utc := fake.NewTestServer(t, fake.Options{Users: 60, Seed: 2})
	other := fake.NewTestServer(t, fake.Options{Users: 60, Seed: 2, Location: paris})
	rep := runDiff(t, utc.URL, other.URL)
	logReport(t, rep)
	if len(rep.Differences) == 0 {
		t.Fatal("no differences found")
	}
	for _, d := range rep.Differences {
		if d.Kind != diff.KindType || !(strings.HasSuffix(d.Path, "created-at") || strings.HasSuffix(d.Path, "updated-at")) ||
			!strings.Contains(d.Tenant, "utc") || !strings.Contains(d.Fake, "offset") {
			t.Errorf("unexpected difference %+v", d)
		}
	}
}

// TestDiffFindsErrorWarningsOutside: the error bodies' warnings moved out of errors, nothing else.
func TestDiffFindsErrorWarningsOutside(t *testing.T) {
	inside := fake.NewTestServer(t, fake.Options{Users: 60})
	outside := fake.NewTestServer(t, fake.Options{Users: 60, ErrorWarnings: fake.WarningsOutside})
	rep := runDiff(t, inside.URL, outside.URL)
	want := map[string]bool{"missing $.errors.warnings": false, "extra $.warnings": false}
	for _, d := range rep.Differences {
		key := d.Kind + " " + d.Path
		if _, ok := want[key]; !ok || d.Area != "errors" {
			t.Errorf("unexpected difference %+v", d)
		}
		want[key] = true
	}
	for k, seen := range want {
		if !seen {
			t.Errorf("not found: %s", k)
		}
	}
}

// alter is a proxy in front of a fake that changes its answers in known ways.
type alter struct {
	next http.Handler
	mu   sync.Mutex
	seen []string
}

var (
	mentionName = regexp.MustCompile(`,"mention-name":("[^"]*"|null)`)
	activeTrue  = regexp.MustCompile(`"active":(true|false)`)
	loginEmail  = regexp.MustCompile(`"login":("[^"]*"),"email":("[^"]*")`)
)

func (a *alter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.seen = append(a.seen, r.Method+" "+r.URL.Path)
	a.mu.Unlock()
	rec := httptest.NewRecorder()
	a.next.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	if strings.HasPrefix(r.URL.Path, "/api/") {
		body = mentionName.ReplaceAll(body, nil)                            // JSON: drop a key
		body = activeTrue.ReplaceAll(body, []byte(`"active":"$1"`))         // JSON: a boolean becomes a string
		body = loginEmail.ReplaceAll(body, []byte(`"email":$2,"login":$1`)) // JSON: two keys swapped
		body = bytes.ReplaceAll(body, []byte("<role>"), []byte("<role-item>"))
		body = bytes.ReplaceAll(body, []byte("</role>"), []byte("</role-item>")) // XML: rename an item
	}
	for k, v := range rec.Header() {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	if strings.HasPrefix(w.Header().Get("Content-Type"), "application/xml") {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8") // a header
	}
	code := rec.Code
	if r.URL.Path == "/api/users/999999999" {
		code = http.StatusBadRequest // a status
	}
	w.WriteHeader(code)
	io.Copy(w, bytes.NewReader(body))
}

// TestDiffFindsEveryAlteration: each alteration of the proxy is found, and nothing else; the diff sent only GET
// requests and token requests.
func TestDiffFindsEveryAlteration(t *testing.T) {
	tenant := fake.NewTestServer(t, fake.Options{Users: 60, Seed: 4})
	twin := fake.NewTestServer(t, fake.Options{Users: 60, Seed: 4})
	proxy := &alter{next: twin.Fake}
	altered := httptest.NewServer(proxy)
	defer altered.Close()
	rep := runDiff(t, tenant.URL, altered.URL)
	logReport(t, rep)
	found := map[string]bool{}
	for _, d := range rep.Differences {
		switch {
		case d.Kind == diff.KindMissing && strings.HasSuffix(d.Path, ".mention-name"):
		case d.Kind == diff.KindType && strings.HasSuffix(d.Path, ".active") && d.Tenant == "boolean" && d.Fake == "string":
		case d.Kind == diff.KindMissing && strings.HasSuffix(d.Path, "/roles/role"):
		case d.Kind == diff.KindExtra && strings.HasSuffix(d.Path, "/roles/role-item"):
		case d.Kind == diff.KindOrder && strings.Contains(d.Tenant, "login,email") && strings.Contains(d.Fake, "email,login"):
		case d.Kind == diff.KindHeader && strings.HasSuffix(d.Probe, "/xml") && d.Fake == "text/xml; charset=utf-8":
		case d.Kind == diff.KindStatus && strings.HasPrefix(d.Probe, "errors/unknown-id/") && d.Tenant == "404" && d.Fake == "400":
		default:
			t.Errorf("unexpected difference %+v", d)
			continue
		}
		found[d.Kind+" "+d.Path[strings.LastIndexAny(d.Path, "./")+1:]] = true
	}
	for _, k := range []string{"missing mention-name", "type active", "missing role", "extra role-item", "order $",
		"header Content-Type", "status "} {
		if !found[k] {
			t.Errorf("alteration not found: %s", k)
		}
	}
	for _, s := range proxy.seen {
		if s != "GET /api/users" && !strings.HasPrefix(s, "GET /api/users/") && s != "POST /oauth2/token" {
			t.Errorf("the diff sent %s", s)
		}
	}
	if rep.Overall >= 1 {
		t.Errorf("score %.3f with differences", rep.Overall)
	}
}

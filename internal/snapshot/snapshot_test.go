package snapshot_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/internal/readonly"
	"github.com/coupa-kit/coupa-users/internal/snapshot"
	"github.com/coupa-kit/coupa-users/spec"
)

var testKey = []byte("test key: not secret")

// creds are the fake's default client.
var creds = readonly.Credentials{ClientID: "coupa-fake-client", ClientSecret: "coupa-fake-secret"}

func run(t *testing.T, base, out string, mod func(*snapshot.Options)) *snapshot.Result {
	t.Helper()
	opts := snapshot.Options{BaseURL: base, Credentials: creds, Out: out, Key: testKey}
	if mod != nil {
		mod(&opts)
	}
	res, err := snapshot.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func readUsers(t *testing.T, path string) []fixtures.User {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	users, err := fixtures.ReadUsers(f)
	if err != nil {
		t.Fatal(err)
	}
	return users
}

// TestSnapshotLoadsIntoTheFake snapshots a fake and serves the snapshot: every user comes back, managers included.
func TestSnapshotLoadsIntoTheFake(t *testing.T) {
	tenant := fake.NewTestServer(t, fake.Options{Users: 300, Seed: 7})
	out := filepath.Join(t.TempDir(), "users.json")
	res := run(t, tenant.URL, out, nil)
	users := readUsers(t, out)
	if res.Users != len(users) || len(users) < 300 {
		t.Fatalf("result says %d users, the file holds %d, want ≥ 300", res.Users, len(users))
	}
	managers := 0
	for _, u := range users {
		if !u.Manager.IsZero() {
			managers++
		}
	}
	if managers == 0 {
		t.Error("no user has a manager: the hierarchy was lost")
	}
	seeded := fake.NewTestServer(t, fake.Options{Fixtures: users, ReplaceGenerated: true})
	_ = seeded // New fails (and NewTestServer with it) when a user does not load
	if files, _ := filepath.Glob(out + ".*"); len(files) > 0 {
		t.Errorf("files left beside the snapshot: %v", files)
	}
}

// recorder is a stand-in tenant in front of a fake that records every request it is sent.
type recorder struct {
	mu   sync.Mutex
	seen []string
	next http.Handler
	// before may answer instead of the fake (a 429); nil lets everything through.
	before func(w http.ResponseWriter, r *http.Request, n int) bool
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	rc.seen = append(rc.seen, r.Method+" "+r.URL.Path)
	n := len(rc.seen)
	rc.mu.Unlock()
	if rc.before != nil && rc.before(w, r, n) {
		return
	}
	rc.next.ServeHTTP(w, r)
}

// TestSnapshotOnlyReads counts every request a snapshot sends: GET /api/users and the token request, nothing else,
// and a 429 is waited out and retried.
func TestSnapshotOnlyReads(t *testing.T) {
	tenant := fake.NewTestServer(t, fake.Options{Users: 120})
	rc := &recorder{next: tenant.Fake, before: func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 3 || n == 4 { // two refusals in a row, as Coupa's limit answers
			w.Header().Set("Retry-After", "0")
			http.Error(w, `{"errors":{"base":["Too many requests"]}}`, http.StatusTooManyRequests)
			return true
		}
		return false
	}}
	stand := httptest.NewServer(rc)
	defer stand.Close()
	run(t, stand.URL, filepath.Join(t.TempDir(), "users.json"), func(o *snapshot.Options) { o.Rate = 1000 })
	gets := 0
	for _, s := range rc.seen {
		switch s {
		case "POST /oauth2/token":
		case "GET /api/users":
			gets++
		default:
			t.Errorf("the snapshot sent %s", s)
		}
	}
	// 123 users (120 and the API users) are 3 pages, an empty one ends; one request for the highest id; 2 retried.
	if want := 1 + 4 + 2; gets != want {
		t.Errorf("%d GET requests, want %d: %v", gets, want, rc.seen)
	}
}

// distinctive originals for every personal element: none is in gofakeit's lists, so any appearance in the
// output is a leak, not a coincidence.
var originals = map[string][]string{
	"login":           {"zq.originallogin", "zq.bossoriginal"},
	"email":           {"zq.origmail@realcorp-zq.com", "zq.bossmail@realcorp-zq.com"},
	"firstname":       {"Zorblatt", "Quaxley"},
	"lastname":        {"Vandermoozle", "Plonkington"},
	"middlename":      {"Xerxesimo"},
	"mention-name":    {"ZorblattMention"},
	"employee-number": {"EMP-778899", "EMP-112233"},
	"sso-identifier":  {"sso-zq-445566"},
	"salesforce-id":   {"0035g00000ZQxyzAAA"},
	"phone-work":      {"4155551234", "9876"},
	"phone-mobile":    {"6505559876"},
	"custom-fields":   {"Lives at 12 Quux Street", "QX-998877"},
}

// notWritten are personal elements a snapshot never writes, so they need no originals.
var notWritten = map[string]string{
	"fullname":         "derived from the names: not in a fixture",
	"password":         "never returned",
	"avatar-thumb-url": "dropped: the fake sets its own",
}

func personalFixtures() []fixtures.User {
	boss := fixtures.User{Login: "zq.bossoriginal", Email: "zq.bossmail@realcorp-zq.com", FirstName: "Quaxley",
		LastName: "Plonkington", EmployeeNumber: "EMP-112233", Roles: []fixtures.Ref{fixtures.ByKey("User")}}
	u := fixtures.User{Login: "zq.originallogin", Email: "zq.origmail@realcorp-zq.com", FirstName: "Zorblatt",
		LastName: "Vandermoozle", MiddleName: "Xerxesimo", MentionName: "ZorblattMention",
		EmployeeNumber: "EMP-778899", SSOIdentifier: "sso-zq-445566", SalesforceID: "0035g00000ZQxyzAAA",
		PhoneWork:    fixtures.PhoneNumber{CountryCode: "1", AreaCode: "415", Number: "4155551234", Extension: "9876"},
		PhoneMobile:  fixtures.PhoneNumber{CountryCode: "1", Number: "6505559876"},
		Manager:      fixtures.ByKey("zq.bossoriginal"),
		CustomFields: fixtures.CustomFields{"home": "Lives at 12 Quux Street", "badge": "QX-998877", "headcount": 3},
		Roles:        []fixtures.Ref{fixtures.ByKey("User")}}
	return []fixtures.User{boss, u}
}

var tenantFields = []spec.CustomField{{Name: "home", Type: "string"}, {Name: "badge", Type: "string"}, {Name: "headcount", Type: "integer"}}

// TestNoPersonalValueLeaks seeds a fake with known personal values for every personal element of the table,
// snapshots it, and looks for each original in the whole output.
func TestNoPersonalValueLeaks(t *testing.T) {
	for _, e := range spec.MustLoad().Elements {
		if _, ok := originals[e.Name]; e.Personal && !ok && notWritten[e.Name] == "" {
			t.Errorf("personal element %s has no original value in this test", e.Name)
		}
	}
	tenant := fake.NewTestServer(t, fake.Options{Users: 20, Fixtures: personalFixtures(), CustomFields: tenantFields})
	out := filepath.Join(t.TempDir(), "users.json")
	run(t, tenant.URL, out, nil)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lower := bytes.ToLower(data)
	for elem, values := range originals {
		for _, v := range values {
			if bytes.Contains(lower, bytes.ToLower([]byte(v))) {
				t.Errorf("%s's original %q appears in the snapshot", elem, v)
			}
		}
	}
	// The references survive: the user's manager is the boss's pseudonym, and the snapshot loads.
	users := readUsers(t, out)
	var u fixtures.User
	for _, x := range users {
		if x.MiddleName != "" { // the only user with a middle name
			u = x
		}
	}
	if u.Login == "" {
		t.Fatal("the user with a middle name is not in the snapshot")
	}
	if u.Manager.Key == "" || u.Manager.Key == "zq.bossoriginal" {
		t.Fatalf("manager = %v", u.Manager)
	}
	found := false
	for _, b := range users {
		found = found || b.Login == u.Manager.Key
	}
	if !found {
		t.Errorf("the manager %s is no user of the snapshot", u.Manager.Key)
	}
	if u.CustomFields["headcount"] == nil {
		t.Errorf("a number custom field was lost: %v", u.CustomFields)
	}
	fake.NewTestServer(t, fake.Options{Users: -1, Fixtures: users, CustomFields: tenantFields})
}

// TestKeepAndDeterminism: --keep leaves the named elements, and the same key gives the same file.
func TestKeepAndDeterminism(t *testing.T) {
	tenant := fake.NewTestServer(t, fake.Options{Users: 60, Fixtures: personalFixtures(), CustomFields: tenantFields})
	dir := t.TempDir()
	run(t, tenant.URL, filepath.Join(dir, "a.json"), nil)
	run(t, tenant.URL, filepath.Join(dir, "b.json"), nil)
	run(t, tenant.URL, filepath.Join(dir, "c.json"), func(o *snapshot.Options) { o.Keep = []string{"login"} })
	run(t, tenant.URL, filepath.Join(dir, "d.json"), func(o *snapshot.Options) { o.Key = []byte("another key") })
	a, _ := os.ReadFile(filepath.Join(dir, "a.json"))
	b, _ := os.ReadFile(filepath.Join(dir, "b.json"))
	c, _ := os.ReadFile(filepath.Join(dir, "c.json"))
	d, _ := os.ReadFile(filepath.Join(dir, "d.json"))
	if !bytes.Equal(a, b) {
		t.Error("two snapshots with one key differ")
	}
	if bytes.Equal(a, d) {
		t.Error("another key gives the same snapshot")
	}
	if !bytes.Contains(c, []byte(`"zq.originallogin"`)) || bytes.Contains(c, []byte("Zorblatt")) {
		t.Error("--keep login did not keep the login alone")
	}
	_, err := snapshot.Run(context.Background(), snapshot.Options{BaseURL: tenant.URL, Credentials: creds,
		Out: filepath.Join(dir, "e.json"), Key: testKey, Keep: []string{"department"}})
	if err == nil || !strings.Contains(err.Error(), "not a personal element") {
		t.Errorf("--keep department: %v", err)
	}
}

// TestResume interrupts a snapshot after some pages and resumes it: the file is the one an uninterrupted run
// writes.
func TestResume(t *testing.T) {
	tenant := fake.NewTestServer(t, fake.Options{Users: 400, Seed: 3})
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole.json")
	run(t, tenant.URL, whole, nil)

	ctx, cancel := context.WithCancel(context.Background())
	rc := &recorder{next: tenant.Fake, before: func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 6 { // the token, the highest id, 3 pages, then the interruption
			cancel()
		}
		return false
	}}
	stand := httptest.NewServer(rc)
	defer stand.Close()
	out := filepath.Join(dir, "users.json")
	opts := snapshot.Options{BaseURL: stand.URL, Credentials: creds, Out: out, Key: testKey}
	if _, err := snapshot.Run(ctx, opts); err == nil {
		t.Fatal("the interrupted run succeeded")
	}
	if _, err := os.Stat(out + ".checkpoint"); err != nil {
		t.Fatalf("no checkpoint after the interruption: %v", err)
	}
	if _, err := snapshot.Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("a second run without --resume: %v", err)
	}
	bad := opts
	bad.Resume, bad.Key = true, []byte("wrong")
	if _, err := snapshot.Run(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "key") {
		t.Fatalf("resuming with another key: %v", err)
	}
	opts.Resume = true
	res, err := snapshot.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(whole)
	b, _ := os.ReadFile(out)
	if !bytes.Equal(usersPart(a), usersPart(b)) {
		t.Error("the resumed snapshot differs from an uninterrupted one")
	}
	if res.Users != len(readUsers(t, out)) || res.Users < 400 {
		t.Errorf("%d users", res.Users)
	}
}

// usersPart is the file from its users on (the head counts references remapped in this run only).
func usersPart(b []byte) []byte {
	_, after, _ := bytes.Cut(b, []byte(`"users": [`))
	return after
}

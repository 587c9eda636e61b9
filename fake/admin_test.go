package fake_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fake"
)

func admin(t *testing.T, s *fake.Server, method, path, body string) response {
	t.Helper()
	return call(t, s, method, fake.AdminPrefix+path, body, header{"Authorization", ""}, header{"Content-Type", "application/json"})
}

func TestAdminResetAndFixtures(t *testing.T) {
	s := newServer(t, fake.Options{Users: 10})
	n := len(getJSON(t, s, "/api/users").list(t))
	sendJSON(t, s, http.MethodPost, "/api/users", newUser("temp"))
	sendJSON(t, s, http.MethodPut, "/api/users/5", map[string]any{"lastname": "Changed"})
	wantStatus(t, admin(t, s, http.MethodPost, "/reset", ""), 200)
	if got := len(getJSON(t, s, "/api/users").list(t)); got != n {
		t.Errorf("after reset: %d users, want %d", got, n)
	}
	if getJSON(t, s, "/api/users/5").object(t)["lastname"] == "Changed" {
		t.Error("reset kept an update")
	}
	fixtures := `[{"login":"boss","email":"boss@example.com","firstname":"Big","lastname":"Boss","roles":[{"name":"Admin"}]},
	  {"login":"minion","email":"minion@example.com","firstname":"Small","lastname":"Minion","manager":{"login":"boss"}}]`
	r := admin(t, s, http.MethodPost, "/users", fixtures)
	wantStatus(t, r, 200)
	m := getJSON(t, s, "/api/users?login=minion").list(t)[0].(map[string]any)
	if m["manager"].(map[string]any)["login"] != "boss" {
		t.Errorf("fixture manager: %v", m["manager"])
	}
	// A bad fixture file is refused whole.
	before := len(getJSON(t, s, "/api/users?limit=50").list(t))
	r = admin(t, s, http.MethodPost, "/users", `[{"login":"ok1","email":"ok1@example.com","firstname":"O","lastname":"K"},{"login":"boss","email":"b2@example.com","firstname":"D","lastname":"Up"}]`)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if after := len(getJSON(t, s, "/api/users?limit=50").list(t)); after != before {
		t.Errorf("a refused fixture file changed the users: %d → %d", before, after)
	}
	wantStatus(t, admin(t, s, http.MethodPost, "/users?mode=replace", fixtures[:strings.Index(fixtures, "},")+1]+"]"), 200)
	if got := len(getJSON(t, s, "/api/users").list(t)); got != 4 { // boss + the three API users
		t.Errorf("replace: %d users", got)
	}
}

func TestAdminStateDumpAndRestore(t *testing.T) {
	s := newServer(t, fake.Options{Users: 10})
	sendJSON(t, s, http.MethodPost, "/api/users", newUser("kept"))
	dump := admin(t, s, http.MethodGet, "/state", "")
	wantStatus(t, dump, 200)
	other := newServer(t, fake.Options{Users: 3, Seed: 99})
	wantStatus(t, admin(t, other, http.MethodPut, "/state", string(dump.body)), 200)
	a, b := getJSON(t, s, "/api/users?login=kept").body, getJSON(t, other, "/api/users?login=kept").body
	if string(a) != string(b) {
		t.Errorf("restored user differs:\n%s\n%s", a, b)
	}
	wantStatus(t, admin(t, other, http.MethodPut, "/state", `{"version":1,"users":[{"id":"x"}]}`), http.StatusUnprocessableEntity)
}

func TestAdminFaults(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5})
	wantStatus(t, admin(t, s, http.MethodPut, "/faults", `{"error_rate":1}`), 200)
	r := getJSON(t, s, "/api/users/1")
	wantStatus(t, r, http.StatusServiceUnavailable)
	if len(r.errors(t)) == 0 {
		t.Error("fault without an error body")
	}
	// One token in 1000 s: however slowly the five requests go, only the burst of two is served.
	wantStatus(t, admin(t, s, http.MethodPut, "/faults", `{"rate_limit":true,"rate":0.001,"burst":2}`), 200)
	statuses := map[int]int{}
	for range 5 {
		statuses[getJSON(t, s, "/api/users/1").status]++
	}
	if statuses[200] != 2 || statuses[429] != 3 {
		t.Errorf("rate limit 0.001/s burst 2 over 5 requests: %v", statuses)
	}
	wantStatus(t, admin(t, s, http.MethodPut, "/faults", `{"latency":"150ms"}`), 200)
	start := time.Now()
	wantStatus(t, getJSON(t, s, "/api/users/1"), 200)
	if time.Since(start) < 150*time.Millisecond {
		t.Error("latency not applied")
	}
	wantStatus(t, admin(t, s, http.MethodDelete, "/faults", ""), 200)
	for _, bad := range []string{`{"error_rate":2}`, `{"latency":"-1s"}`, `{"nonsense":1}`, `not json`} {
		wantStatus(t, admin(t, s, http.MethodPut, "/faults", bad), http.StatusBadRequest)
	}
}

// TestIncrementalSyncWithClock is the use the controllable clock exists for: a client remembers when it last
// synced and asks for users updated since.
func TestIncrementalSyncWithClock(t *testing.T) {
	s := newServer(t, fake.Options{Users: 20})
	wantStatus(t, admin(t, s, http.MethodPut, "/clock", `{"now":"2030-01-01T00:00:00Z","frozen":true}`), 200)
	wantStatus(t, sendJSON(t, s, http.MethodPut, "/api/users/7", map[string]any{"middlename": "A"}), 200)
	wantStatus(t, admin(t, s, http.MethodPost, "/clock/advance", `{"by":"1h"}`), 200)
	wantStatus(t, sendJSON(t, s, http.MethodPut, "/api/users/9", map[string]any{"middlename": "B"}), 200)
	since := func(ts string) []float64 { return ids(t, getJSON(t, s, "/api/users?updated_at[gt]="+ts)) }
	if got := since("2029-12-31T23:00:00Z"); fmt.Sprint(got) != "[7 9]" {
		t.Errorf("since 2029-12-31T23:00: %v", got)
	}
	if got := since("2030-01-01T00:30:00%2B00:00"); fmt.Sprint(got) != "[9]" {
		t.Errorf("since 00:30: %v", got)
	}
	u := getJSON(t, s, "/api/users/9").object(t)
	if u["updated-at"] != "2030-01-01T01:00:00Z" {
		t.Errorf("updated-at %v", u["updated-at"])
	}
	wantStatus(t, admin(t, s, http.MethodDelete, "/clock", ""), 200)
}

func TestAdminAccess(t *testing.T) {
	f, err := fake.New(fake.Options{Users: 3, AdminToken: "let-me-in"})
	if err != nil {
		t.Fatal(err)
	}
	do := func(remote, auth string) int {
		req := httptest.NewRequest(http.MethodGet, fake.AdminPrefix+"/faults", nil)
		req.RemoteAddr, req.Host = remote, "127.0.0.1:8080"
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, req)
		return rec.Code
	}
	if c := do("203.0.113.9:5555", ""); c != http.StatusForbidden {
		t.Errorf("remote without token: %d", c)
	}
	if c := do("203.0.113.9:5555", "wrong"); c != http.StatusForbidden {
		t.Errorf("remote with a wrong token: %d", c)
	}
	if c := do("203.0.113.9:5555", "let-me-in"); c != http.StatusOK {
		t.Errorf("remote with the token: %d", c)
	}
	if c := do("[::1]:5555", ""); c != http.StatusOK {
		t.Errorf("loopback: %d", c)
	}
}

func TestStateFileSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s, err := fake.NewServer(fake.Options{Users: 5, StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	r := sendJSON(t, s, http.MethodPost, "/api/users", newUser("durable"))
	wantStatus(t, r, http.StatusCreated)
	created := r.object(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// A crash mid-save leaves a temporary file beside the state, never a torn state file.
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), ".state.json.tmp-123"), []byte("{torn"), 0o644); err != nil {
		t.Fatal(err)
	}
	s2 := newServer(t, fake.Options{Users: 5, StatePath: path})
	got := getJSON(t, s2, fmt.Sprintf("/api/users/%v", created["id"])).object(t)
	if got["login"] != "durable" || got["created-at"] != created["created-at"] {
		t.Errorf("after restart: %v", got)
	}
	var st fake.State
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &st); err != nil || len(st.Users) != 9 {
		t.Errorf("state file: %v, %d users", err, len(st.Users))
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.New(fake.Options{Users: 1, StatePath: path}); err == nil {
		t.Error("a corrupt state file was accepted")
	}
}

// Server.Close returns the fake's close error: here the last save of the state, whose folder is gone.
func TestServerCloseReportsSaveFailure(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := fake.NewServer(fake.Options{Users: 5, StatePath: filepath.Join(dir, "state.json")})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, sendJSON(t, s, http.MethodPost, "/api/users", newUser("unsaved")), http.StatusCreated)
	if err := s.Close(); err == nil || !strings.Contains(err.Error(), "state.json") {
		t.Errorf("Close = %v, want the failure to save state.json", err)
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	a := newServer(t, fake.Options{Users: 20, Seed: 7})
	b := newServer(t, fake.Options{Users: 20, Seed: 7})
	c := newServer(t, fake.Options{Users: 20, Seed: 8})
	strip := func(s *fake.Server) string {
		return string(getJSON(t, s, "/api/users?fields="+`["id","login","email","manager","roles"]`).body)
	}
	if strip(a) != strip(b) {
		t.Error("the same seed gave different users")
	}
	if strip(a) == strip(c) {
		t.Error("different seeds gave the same users")
	}
}

// TestStateVersion1StillLoads: version 1 state files kept an owned object's fields as a list in alphabetical order
// of their names (area-code, country-code, extension, number); they must load into the right fields.
func TestStateVersion1StillLoads(t *testing.T) {
	s := newServer(t, fake.Options{Users: 3})
	var st map[string]any
	if err := json.Unmarshal(admin(t, s, http.MethodGet, "/state", "").body, &st); err != nil {
		t.Fatal(err)
	}
	st["version"] = 1
	users := st["users"].([]any)
	u := users[len(users)-1].(map[string]any)
	u["phone-work"] = map[string]any{"id": 900, "fields": []any{"415", "1", "77", "5550100"}}
	id := u["id"].(float64)
	body, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, admin(t, s, http.MethodPut, "/state", string(body)), 200)
	phone := getJSON(t, s, fmt.Sprintf("/api/users/%d", int(id))).object(t)["phone-work"].(map[string]any)
	if phone["country-code"] != "1" || phone["area-code"] != "415" || phone["extension"] != "77" || phone["number"] != "5550100" {
		t.Errorf("version 1 phone read as %v", phone)
	}
	// And a version 2 dump keeps fields by name.
	var again struct {
		Version int
		Users   []map[string]any
	}
	if err := json.Unmarshal(admin(t, s, http.MethodGet, "/state", "").body, &again); err != nil {
		t.Fatal(err)
	}
	for _, u := range again.Users {
		if u["id"] == id {
			fields, _ := u["phone-work"].(map[string]any)["fields"].(map[string]any)
			if again.Version != 2 || fields["country-code"] != "1" || fields["extension"] != "77" {
				t.Errorf("version %d dump of the phone: %v", again.Version, u["phone-work"])
			}
		}
	}
}

// TestClockStaysInRange: the clock cannot be set or moved before 1970 or past 9999; a refusal leaves it alone.
func TestClockStaysInRange(t *testing.T) {
	s := newServer(t, fake.Options{Users: 3})
	for _, c := range []struct{ method, path, body string }{
		{http.MethodPut, "/clock", `{"now":"1969-12-31T23:59:59Z","frozen":true}`},
		{http.MethodPut, "/clock", `{"now":"0001-01-01T00:00:01Z","frozen":true}`},
		{http.MethodPut, "/clock", `{"now":"9999-12-31T23:59:59Z"}`}, // running: beyond what the offset holds
		{http.MethodPost, "/clock/advance", `{"by":"-500000h"}`},
	} {
		wantStatus(t, admin(t, s, c.method, c.path, c.body), http.StatusBadRequest)
		if y := s.Clock().Now().Year(); y < 2020 || y > 2300 {
			t.Fatalf("%s %s moved the clock to %d", c.method, c.path, y)
		}
	}
	wantStatus(t, admin(t, s, http.MethodPut, "/clock", `{"now":"9999-12-31T00:00:00Z","frozen":true}`), http.StatusOK)
	wantStatus(t, admin(t, s, http.MethodPost, "/clock/advance", `{"by":"23h59m59s"}`), http.StatusOK)
	wantStatus(t, admin(t, s, http.MethodPost, "/clock/advance", `{"by":"1s"}`), http.StatusBadRequest)
	if got := s.Clock().Now(); !got.Equal(fake.MaxClockTime) {
		t.Errorf("the clock is at %s, want %s", got, fake.MaxClockTime)
	}
	// The API still answers at the edges: a token is minted and accepted, the users render.
	wantStatus(t, getJSON(t, s, "/api/users?limit=1"), http.StatusOK)
	wantStatus(t, admin(t, s, http.MethodPut, "/clock", `{"now":"1970-01-01T00:00:01Z","frozen":true}`), http.StatusOK)
	wantStatus(t, admin(t, s, http.MethodPost, "/clock/advance", `{"by":"-1ns"}`), http.StatusBadRequest)
	wantStatus(t, getJSON(t, s, "/api/users?limit=1"), http.StatusOK)
}

// TestStateFileIsLocked: a second fake on the same state file is refused, instead of overwriting the first's
// writes; once the first closes, the file is free.
func TestStateFileIsLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first, err := fake.New(fake.Options{Users: 1, StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	_, err = fake.New(fake.Options{Users: 1, StatePath: path})
	if err == nil || !strings.Contains(err.Error(), "state file "+path+" is in use by another process") {
		t.Errorf("second fake on one state file: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := fake.New(fake.Options{Users: 1, StatePath: path})
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	again.Close()
}

// TestStaleTemporaryFilesRemoved: the temporary files of snapshots and journal rewrites a crash interrupted are
// removed at start; other files are left alone.
func TestStaleTemporaryFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	stale := []string{".state.json.tmp-123", ".state.json.tmp-456", ".state.json.journal.tmp-789"}
	for _, name := range append(stale, ".other.json.tmp-1") {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{torn"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := fake.New(fake.Options{Users: 1, StatePath: filepath.Join(dir, "state.json")})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, name := range stale {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s: not removed (%v)", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".other.json.tmp-1")); err != nil {
		t.Errorf("another state's file was touched: %v", err)
	}
}

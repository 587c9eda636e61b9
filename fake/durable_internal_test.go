package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// durableFake starts a fake keeping its users in dir/state.json, without credentials.
func durableFake(t *testing.T, dir string) *Fake {
	t.Helper()
	f, err := New(Options{Users: 5, NoAuth: true, StatePath: filepath.Join(dir, "state.json")})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// crash leaves f as kill -9 leaves a process: nothing more is written and the kernel drops the lock; no Close, so
// no final snapshot. Its goroutines are stopped so that the test does not leak them.
func crash(t *testing.T, f *Fake) {
	t.Helper()
	p := f.persist
	close(p.stop)
	<-p.stopped
	p.d.gate.Lock() // no more writes, ever
	p.j.close()
	p.lock.Close()
}

// do sends a JSON request to f and returns the status and body.
func do(f *Fake, method, path string, body any) (int, []byte) {
	var rd *strings.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	} else {
		rd = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// userBody is a new user; the last name follows the login, so that concurrent creates do not race for one
// derived mention name.
func userBody(login string) map[string]any {
	return map[string]any{"login": login, "email": login + "@example.com", "firstname": "Ada", "lastname": strings.ReplaceAll(login, ".", "")}
}

// TestAcknowledgedWritesSurviveACrash: every create and update answered 2xx is on disk when the answer leaves,
// whatever happens next: a second fake on the same state, started without the first one closing, has them all.
func TestAcknowledgedWritesSurviveACrash(t *testing.T) {
	dir := t.TempDir()
	f := durableFake(t, dir)
	var wg sync.WaitGroup
	acked := make([][]string, 8)
	for w := range acked {
		wg.Go(func() {
			for i := range 25 {
				login := fmt.Sprintf("crash.w%d.u%d", w, i)
				if code, _ := do(f, http.MethodPost, "/api/users", userBody(login)); code == http.StatusCreated {
					acked[w] = append(acked[w], login)
				}
			}
		})
	}
	wg.Wait()
	ctx := context.Background()
	first, _, _ := f.store.Lookup(ctx, "login", "crash.w0.u0")
	if code, body := do(f, http.MethodPut, fmt.Sprintf("/api/users/%d", first.ID), map[string]any{"lastname": "Byron"}); code != http.StatusOK {
		t.Fatalf("update: %d %s", code, body)
	}
	crash(t, f)

	g := durableFake(t, dir)
	defer g.Close()
	n := 0
	for _, logins := range acked {
		for _, login := range logins {
			n++
			if _, ok, _ := g.store.Lookup(ctx, "login", login); !ok {
				t.Errorf("acknowledged create of %s lost in the crash", login)
			}
		}
	}
	if n != 200 {
		t.Errorf("%d creates acknowledged, want 200", n)
	}
	u, _, _ := g.users.Get(ctx, first.ID)
	if lastname, _ := g.layout.Slot("lastname"); u == nil || u.String(lastname) != "Byron" {
		t.Errorf("acknowledged update lost in the crash")
	}
}

// failingFile is a journal on a full disk.
type failingFile struct{}

func (failingFile) Write([]byte) (int, error) { return 0, syscall.ENOSPC }
func (failingFile) Sync() error               { return nil }
func (failingFile) Truncate(int64) error      { return nil }
func (failingFile) Close() error              { return nil }

// TestUndurableWriteIsRefused: a write the journal cannot take is answered 503 with Coupa's error body, changes
// nothing, and /healthz says degraded until a write succeeds again.
func TestUndurableWriteIsRefused(t *testing.T) {
	f := durableFake(t, t.TempDir())
	defer f.Close()
	ctx := context.Background()
	victim, _, _ := f.store.Lookup(ctx, "login", "api-key-user")
	lastname, _ := f.layout.Slot("lastname")
	before := victim.String(lastname)
	_, size := f.persist.j.point()
	good := f.persist.j.swap(failingFile{}, size)

	var wg sync.WaitGroup
	for i := range 4 { // concurrent writers share the failed batch; each is undone
		wg.Go(func() {
			code, body := do(f, http.MethodPost, "/api/users", userBody(fmt.Sprintf("full.disk.%d", i)))
			var e struct {
				Errors struct {
					Base     []string `json:"base"`
					Warnings any      `json:"warnings"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(body, &e); code != http.StatusServiceUnavailable || err != nil || len(e.Errors.Base) != 1 ||
				!strings.Contains(e.Errors.Base[0], "could not be saved") || !strings.Contains(e.Errors.Base[0], "no space left") {
				t.Errorf("create on a full disk: %d %s", code, body)
			}
		})
	}
	wg.Wait()
	if code, body := do(f, http.MethodPut, fmt.Sprintf("/api/users/%d", victim.ID), map[string]any{"lastname": "Gone"}); code != http.StatusServiceUnavailable {
		t.Errorf("update on a full disk: %d %s", code, body)
	}
	for i := range 4 {
		if _, ok, _ := f.store.Lookup(ctx, "login", fmt.Sprintf("full.disk.%d", i)); ok {
			t.Errorf("a refused create is in the store")
		}
	}
	if u, _, _ := f.store.Get(ctx, victim.ID); u.String(lastname) != before {
		t.Errorf("a refused update changed the user: %q", u.String(lastname))
	}
	code, body := do(f, http.MethodGet, "/healthz", nil)
	if code != http.StatusServiceUnavailable || !strings.Contains(string(body), `"degraded"`) || !strings.Contains(string(body), "no space left") {
		t.Errorf("healthz on a full disk: %d %s", code, body)
	}

	f.persist.j.swap(good, size) // the disk has room again
	if code, body := do(f, http.MethodPost, "/api/users", userBody("room.again")); code != http.StatusCreated {
		t.Fatalf("create once the disk has room: %d %s", code, body)
	}
	if code, body := do(f, http.MethodGet, "/healthz", nil); code != http.StatusOK {
		t.Errorf("healthz after a write succeeded again: %d %s", code, body)
	}
}

// TestUndurableBulkIsRefused: an admin reset whose snapshot cannot be written is answered 503 and changes nothing.
func TestUndurableBulkIsRefused(t *testing.T) {
	dir := t.TempDir()
	f := durableFake(t, dir)
	defer func() {
		os.RemoveAll(filepath.Join(dir, "state.json"))
		f.Close()
	}()
	if code, body := do(f, http.MethodPost, "/api/users", userBody("kept.by.failed.reset")); code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	// A folder where the snapshot goes: renaming onto it fails, for root too.
	state := filepath.Join(dir, "state.json")
	if err := os.Remove(state); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(state, "blocker"), 0o755); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1"+AdminPrefix+"/reset", nil)
	req.RemoteAddr = "127.0.0.1:1234"
	req.Header.Set(AdminHeader, "1") // a bodiless admin write says it is no web page's
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("reset that cannot be saved: %d %s", rec.Code, rec.Body)
	}
	if _, ok, _ := f.store.Lookup(context.Background(), "login", "kept.by.failed.reset"); !ok {
		t.Error("a refused reset changed the users")
	}
	if code, body := do(f, http.MethodGet, "/healthz", nil); code != http.StatusServiceUnavailable {
		t.Errorf("healthz after a failed reset: %d %s", code, body)
	}
	if code, body := do(f, http.MethodPost, "/api/users", userBody("journal.still.works")); code != http.StatusCreated {
		t.Fatalf("create after the failed reset: %d %s", code, body)
	}
	if code, body := do(f, http.MethodGet, "/healthz", nil); code != http.StatusOK {
		t.Errorf("healthz after a write succeeded: %d %s", code, body)
	}
}

// TestCompactionFoldsTheJournal: compaction writes the snapshot and keeps in the journal only what came after;
// a crash after it loses nothing, and replay does not apply a folded write twice.
func TestCompactionFoldsTheJournal(t *testing.T) {
	dir := t.TempDir()
	f := durableFake(t, dir)
	start, _ := f.Len(context.Background())
	for i := range 10 {
		if code, body := do(f, http.MethodPost, "/api/users", userBody(fmt.Sprintf("folded.%d", i))); code != http.StatusCreated {
			t.Fatalf("create: %d %s", code, body)
		}
	}
	if err := f.persist.compact(); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(filepath.Join(dir, "state.json.journal")); err != nil || info.Size() != 0 {
		t.Fatalf("journal after compaction: %v, %d bytes", err, info.Size())
	}
	if code, body := do(f, http.MethodPost, "/api/users", userBody("after.fold")); code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	var st State
	data, _ := os.ReadFile(filepath.Join(dir, "state.json"))
	if err := json.Unmarshal(data, &st); err != nil || st.JournalSeq != 10 {
		t.Fatalf("snapshot: %v, journal_seq %d, want 10", err, st.JournalSeq)
	}
	crash(t, f)
	g := durableFake(t, dir)
	defer g.Close()
	if n, _ := g.Len(context.Background()); n != start+11 {
		t.Errorf("%d users after the crash, want %d", n, start+11)
	}
	if _, ok, _ := g.store.Lookup(context.Background(), "login", "after.fold"); !ok {
		t.Error("the write after compaction was lost")
	}
}

// TestTornJournalTail: a line a crash cut short is dropped at start; damage before intact lines refuses to start.
func TestTornJournalTail(t *testing.T) {
	dir := t.TempDir()
	f := durableFake(t, dir)
	if code, _ := do(f, http.MethodPost, "/api/users", userBody("before.tear")); code != http.StatusCreated {
		t.Fatal("create failed")
	}
	crash(t, f)
	journal := filepath.Join(dir, "state.json.journal")
	intact, _ := os.ReadFile(journal)
	if err := os.WriteFile(journal, append(append([]byte{}, intact...), `0badc0de {"seq":2,"us`...), 0o644); err != nil {
		t.Fatal(err)
	}
	g := durableFake(t, dir)
	if _, ok, _ := g.store.Lookup(context.Background(), "login", "before.tear"); !ok {
		t.Error("the intact record was not replayed")
	}
	crash(t, g)
	if data, _ := os.ReadFile(journal); string(data) != string(intact) {
		t.Errorf("the torn tail was not cut: %q", data)
	}
	if err := os.WriteFile(journal, append([]byte("garbage\n"), intact...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{Users: 5, NoAuth: true, StatePath: filepath.Join(dir, "state.json")}); err == nil ||
		!strings.Contains(err.Error(), "damaged") {
		t.Errorf("a journal damaged before intact records: %v", err)
	}
}

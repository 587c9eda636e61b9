package fake

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"time"

	"github.com/coupa-kit/coupa-users/fake/auth"
	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/internal/store"
)

// seed fills an empty fake: one API user per credential (Coupa records API writes as done by an API user), then the
// generated users and the fixtures. The result is kept so that reset can return to it.
func (f *Fake) seed(ctx context.Context) error {
	if err := f.store.Replace(ctx, nil); err != nil {
		return err
	}
	if err := f.createAPIUsers(ctx); err != nil {
		return err
	}
	var users []fixtures.User
	var ready chan int
	n := f.opts.Users
	if n == 0 {
		n = 100
	}
	if n > 0 && !(f.opts.ReplaceGenerated && len(f.opts.Fixtures) > 0) {
		ref, err := fixtures.LoadReference()
		if err != nil {
			return err
		}
		// The users are generated on another goroutine while the first ones load: one PCG stream makes them in
		// order, and the loader takes each once it is complete. The fixtures after them are in place before
		// loading starts (the capacity keeps the generator's part where it is).
		users = make([]fixtures.User, n, n+len(f.opts.Fixtures))
		ready = make(chan int, 64)
		gen, opts := users, fixtures.GenerateOptions{Seed: f.opts.Seed, Count: n, CustomFields: f.opts.CustomFields}
		go func() {
			defer close(ready) // all complete
			fixtures.GenerateInto(gen, ref, opts, func(k int) {
				select {
				case ready <- k:
				default: // the loader is behind, and will read a later count: the generator never waits, even if loading stopped
				}
			})
		}()
	}
	users = append(users, f.opts.Fixtures...)
	// Loading makes short-lived garbage by the hundred megabytes for large populations: collect less often while
	// loading. The compaction that follows such a load (compactLater) hands the garbage back to the OS, in the
	// background rather than before the fake serves.
	if len(users) > 10_000 {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	if _, err := f.users.LoadReady(ctx, users, ready, f.apiUsers[firstClient(f.opts.Auth)]); err != nil {
		return err
	}
	f.compactLater = len(users) > 10_000
	snap, err := f.store.Snapshot(ctx)
	if err != nil {
		return err
	}
	f.seedMu.Lock()
	f.seeded, f.seededVersion = snap, f.store.Version()
	f.seedMu.Unlock()
	return nil
}

// compact copies every user into fresh memory with interned strings, once a bulk load's garbage is gone, so that
// the records sit densely in the heap and the resident size is what the users need (Go's collector does not move
// objects). It runs in the background after start-up, while the fake serves; a write in the meantime cancels it
// (the memory is then only less dense).
func (f *Fake) compact(ctx context.Context) {
	start := time.Now()
	f.seedMu.Lock()
	want := f.seededVersion
	f.seedMu.Unlock()
	debug.FreeOSMemory() // collects the load's garbage, and gives it back, so that the resident size is what the users need
	in, unique := store.NewPacker(), f.layout.UniqueStrings()
	recs, done, err := f.store.Rewrite(ctx, want, func(r *store.Record) *store.Record { return r.Detached(in, unique) })
	if err != nil || !done {
		f.log.Info("compaction skipped", "reason", cmpOr(err, "users changed meanwhile"))
		return
	}
	f.seedMu.Lock()
	if f.seededVersion == want {
		f.seeded = recs // reset returns to the compacted records, and the old ones can go
	}
	f.seedMu.Unlock()
	in = nil
	debug.FreeOSMemory()
	f.log.Info("compacted the users", "users", len(recs), "took", time.Since(start).Round(time.Millisecond))
}

func cmpOr(err error, otherwise string) string {
	if err != nil {
		return err.Error()
	}
	return otherwise
}

// createAPIUsers makes the users that act for each OAuth client and for the API keys (created-by, updated-by).
func (f *Fake) createAPIUsers(ctx context.Context) error {
	var keys, logins []string
	for _, c := range f.opts.Auth.Clients {
		if !slices.Contains(keys, c.ID) {
			keys, logins = append(keys, c.ID), append(logins, c.ID)
		}
	}
	if len(f.opts.Auth.APIKeys) > 0 || len(keys) == 0 {
		keys, logins = append(keys, "api-key"), append(logins, "api-key-user")
	}
	ids, err := f.users.CreateAPIUsers(ctx, logins)
	if err != nil {
		return fmt.Errorf("fake: %w", err)
	}
	f.apiUsers = make(map[string]int64, len(ids))
	for i, id := range ids {
		f.apiUsers[keys[i]] = id
	}
	return nil
}

// actorFor returns the API user acting for a caller.
func (f *Fake) actorFor(p auth.Principal) int64 {
	if p.Via == auth.ViaAPIKey {
		return f.apiUsers["api-key"]
	}
	if id, ok := f.apiUsers[p.ClientID]; ok {
		return id
	}
	for _, id := range f.apiUsers {
		return id
	}
	return 0
}

// loadUsers creates fixture users through the same checks as the API, as written by the first client's API user,
// and returns their ids.
func (f *Fake) loadUsers(ctx context.Context, users []fixtures.User) ([]int64, error) {
	return f.users.Load(ctx, users, f.apiUsers[firstClient(f.opts.Auth)])
}

func firstClient(c auth.Config) string {
	if len(c.Clients) > 0 {
		return c.Clients[0].ID
	}
	return "api-key"
}

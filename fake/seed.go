package fake

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/coupa-kit/coupa-users/fake/auth"
	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
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
	n := f.opts.Users
	if n == 0 {
		n = 100
	}
	if n > 0 && !(f.opts.ReplaceGenerated && len(f.opts.Fixtures) > 0) {
		ref, err := fixtures.LoadReference()
		if err != nil {
			return err
		}
		users = fixtures.Generate(ref, fixtures.GenerateOptions{Seed: f.opts.Seed, Count: n})
	}
	users = append(users, f.opts.Fixtures...)
	// Loading makes short-lived garbage by the hundred megabytes for large populations: collect less often while
	// loading, then hand the garbage back to the OS so that the resident size is what the users need.
	if len(users) > 10_000 {
		defer debug.FreeOSMemory()
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	if err := f.loadUsers(ctx, users); err != nil {
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

// rewriter is what a store offers for compaction (the in-memory store has it).
type rewriter interface {
	Rewrite(ctx context.Context, want uint64, rewrite func(*store.Record) *store.Record) ([]*store.Record, bool, error)
}

// compact copies every user into fresh memory with interned strings, once a bulk load's garbage is gone, so that
// the records sit densely in the heap and the resident size is what the users need (Go's collector does not move
// objects). It runs in the background after start-up, while the fake serves; a write in the meantime cancels it
// (the memory is then only less dense).
func (f *Fake) compact(ctx context.Context) {
	rw, ok := f.store.(rewriter)
	if !ok {
		return
	}
	start := time.Now()
	f.seedMu.Lock()
	want := f.seededVersion
	f.seedMu.Unlock()
	runtime.GC()
	in, unique := store.NewInterner(), f.layout.UniqueStrings()
	recs, done, err := rw.Rewrite(ctx, want, func(r *store.Record) *store.Record { return r.Detached(in, unique) })
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
	f.apiUsers = map[string]int64{}
	apiUser, _ := f.layout.Slot("api-user")
	add := func(key, login string) error {
		if _, ok := f.apiUsers[key]; ok {
			return nil
		}
		last := login
		if len(last) > 40 {
			last = last[:40]
		}
		body := map[string]any{
			"login": login, "email": login + "@api.coupa-fake.test", "firstname": "API", "lastname": last,
			"roles": []any{map[string]any{"name": "Integration API"}},
		}
		r, err := f.createUser(ctx, body, 0, func(r *store.Record) { r.SetBoolean(apiUser, true) })
		if err != nil {
			return fmt.Errorf("fake: creating the API user %s: %w", login, err)
		}
		f.apiUsers[key] = r.ID
		return nil
	}
	for _, c := range f.opts.Auth.Clients {
		if err := add(c.ID, c.ID); err != nil {
			return err
		}
	}
	if len(f.opts.Auth.APIKeys) > 0 || len(f.apiUsers) == 0 {
		if err := add("api-key", "api-key-user"); err != nil {
			return err
		}
	}
	// The API users created themselves: stamp them with the first one.
	first := int64(1)
	for id := range f.apiUsers {
		_, err := f.store.Update(ctx, f.apiUsers[id], func(r *store.Record) error {
			f.stamp(r, true, first, f.clock.Now())
			return nil
		})
		if err != nil {
			return err
		}
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

// loadUsers creates fixture users through the same checks as the API, keeping the output-only values and
// timestamps a fixture presets. A user whose manager comes later in the list is retried after the others.
func (f *Fake) loadUsers(ctx context.Context, users []fixtures.User) error {
	actor := f.apiUsers[firstClient(f.opts.Auth)]
	pending := make([]int, len(users))
	for i := range pending {
		pending[i] = i
	}
	// One pair of plans serves every user: start-up plans 100,000 of them, and fresh plans would be garbage that
	// fragments the heap the records live in.
	in, out := &plan{sets: make([]assignment, 0, 64)}, &plan{}
	for len(pending) > 0 {
		var retry []int
		var lastErr error
		for _, i := range pending {
			err := f.planFixture(ctx, &users[i], in, out)
			if err == nil && len(out.errors) > 0 {
				err = &writeError{messages: out.errors}
			}
			if err == nil {
				_, err = f.createFromPlan(ctx, in, actor, out.apply)
			}
			var we *writeError
			if errors.As(err, &we) && onlyMissingUsers(we) {
				retry = append(retry, i)
				lastErr = fmt.Errorf("fixture user %d (%s): %w", i, users[i].Login, err)
				continue
			}
			if err != nil {
				return fmt.Errorf("fixture user %d (%s): %w", i, users[i].Login, err)
			}
		}
		if len(retry) == len(pending) {
			return lastErr
		}
		pending = retry
	}
	return nil
}

func firstClient(c auth.Config) string {
	if len(c.Clients) > 0 {
		return c.Clients[0].ID
	}
	return "api-key"
}

func onlyMissingUsers(we *writeError) bool {
	for _, m := range we.messages {
		if !strings.HasPrefix(m, "Unable to find valid User record") {
			return false
		}
	}
	return true
}

// planFixture checks a fixture user element by element with the same rules as a request body, without a JSON round
// trip (start-up loads 100,000 users). Output-only values a fixture may preset go into a second plan.
// The two plans are reused from user to user (in and out are reset, not reallocated): start-up plans 100,000 users,
// and their garbage would otherwise fragment the heap the records live in.
func (f *Fake) planFixture(ctx context.Context, u *fixtures.User, in, out *plan) (err error) {
	in.sets, in.errors, out.sets, out.errors = in.sets[:0], in.errors[:0], out.sets[:0], out.errors[:0]
	u.Visit(func(key string, v any) {
		if err != nil {
			return
		}
		slot, ok := f.layout.Slot(key)
		if !ok {
			return
		}
		el := f.layout.Elements[slot.Index]
		target := in
		if !el.In {
			target = out
		}
		a := assignment{slot: slot, el: el}
		var msg string
		switch v := v.(type) {
		case time.Time:
			a.num = v.UnixMicro()
		case int:
			msg, err = f.planValue(ctx, &a, float64(v), true)
		case fixtures.Ref:
			a.ref, msg, err = f.resolveFixtureRef(ctx, el, v)
		case []fixtures.Ref:
			a.list = make([]int64, 0, len(v))
			for _, r := range v {
				var id int64
				if id, msg, err = f.resolveFixtureRef(ctx, el, r); msg != "" || err != nil {
					break
				}
				if !slices.Contains(a.list, id) {
					a.list = append(a.list, id)
				}
			}
		case fixtures.PhoneNumber:
			msg, err = f.planValue(ctx, &a, map[string]any{"country-code": v.CountryCode, "area-code": v.AreaCode,
				"number": v.Number, "extension": v.Extension}, true)
		default:
			msg, err = f.planValue(ctx, &a, v, true)
		}
		switch {
		case err != nil:
		case msg != "":
			target.errors = append(target.errors, msg)
		default:
			target.sets = append(target.sets, a)
		}
	})
	return err
}

// resolveFixtureRef resolves a fixture reference: by the object's first natural key (the one fixtures are written
// in: login, code, name, location-code), or by id. The common hit costs no allocation; a miss is resolved the way a
// request's would be, for the same message.
func (f *Fake) resolveFixtureRef(ctx context.Context, el *spec.Element, r fixtures.Ref) (int64, string, error) {
	ob := f.layout.Object(el.Object)
	if r.Key != "" && len(ob.NaturalKeys) > 0 {
		if el.Object == "UserRef" {
			if u, ok, err := f.store.Lookup(ctx, ob.NaturalKeys[0], r.Key); err != nil || ok {
				return idOf(u), "", err
			}
		} else if e := f.catalog.Lookup(el.Object, ob.NaturalKeys[0], r.Key); e != nil {
			return e.ID, "", nil
		}
		return f.resolve(ctx, el, map[string]any{ob.NaturalKeys[0]: r.Key})
	}
	return f.resolve(ctx, el, map[string]any{"id": float64(r.ID)})
}

func idOf(r *store.Record) int64 {
	if r == nil {
		return 0
	}
	return r.ID
}

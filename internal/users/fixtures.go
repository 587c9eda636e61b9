package users

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/internal/kinds"
	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// Load creates fixture users through the same checks as the API, keeping the output-only values and timestamps a
// fixture presets; actor is the API user recorded as their author. A user whose manager comes later in the list is
// retried after the others. Load stops at the first refused user (the caller restores what was there, if it
// wants all or nothing). The ids are the created users', in the order of users.
func (s *Service) Load(ctx context.Context, users []fixtures.User, actor int64) ([]int64, error) {
	return s.LoadReady(ctx, users, nil, actor)
}

// LoadReady is Load over users still being filled in by another goroutine (fixtures.GenerateInto): ready receives
// how many users, from the first, are complete, in increasing counts, and is closed once all are; Load reads none
// beyond. A nil ready means all are complete. The users are created as Load would create them, in the same order.
func (s *Service) LoadReady(ctx context.Context, users []fixtures.User, ready <-chan int, actor int64) ([]int64, error) {
	ids := make([]int64, len(users))
	if g, ok := s.store.(interface{ Grow(n int) }); ok {
		g.Grow(len(users)) // the store's list and indexes sized once, not grown step by step
	}
	pending, lastErr, err := s.loadFirstPass(ctx, users, ready, actor, ids)
	if err != nil {
		return nil, err
	}
	if len(pending) == len(users) && len(users) > 0 {
		return nil, lastErr
	}
	// The retries: users whose manager (or another user they name) came later in the list, in turns until a turn
	// creates nobody. They are few; each is planned and created in one go.
	p := newPlanned()
	for len(pending) > 0 {
		var retry []int
		for _, i := range pending {
			p.i, p.err = i, s.planFixture(ctx, &users[i], p.in, p.out)
			again, err := s.finishFixture(ctx, users, p, actor, ids)
			if err != nil {
				return nil, err
			}
			if again != nil {
				retry, lastErr = append(retry, i), again
			}
		}
		if len(retry) == len(pending) {
			return nil, lastErr
		}
		pending = retry
	}
	return ids, nil
}

// planned is a fixture user checked (planFixture), to be finished (finishFixture). One set of them is reused for a
// whole load: start-up plans 100,000 users, and fresh plans would be garbage that fragments the heap the records
// live in.
type planned struct {
	i       int
	in, out *plan
	err     error
}

func newPlanned() *planned { return &planned{in: &plan{sets: make([]assignment, 0, 64)}, out: &plan{}} }

// loadFirstPass loads every user once, in order, planning on a goroutine of its own while this one creates the
// users planned before: at start-up the two halves of the work run on two cores. The planning reads nothing the
// creating writes (the references to other users are resolved when the user is created), so the users and their
// ids come out as they would one after the other. It returns the users to retry, with the last of their errors.
func (s *Service) loadFirstPass(ctx context.Context, users []fixtures.User, ready <-chan int, actor int64, ids []int64) (retry []int, lastErr, err error) {
	const depth = 64 // users planned ahead of the creating
	planCtx, stop := context.WithCancel(ctx)
	free, work := make(chan *planned, depth), make(chan *planned, depth)
	for range depth {
		free <- newPlanned()
	}
	go func() {
		defer close(work)
		avail := len(users)
		if ready != nil {
			avail = 0
		}
		for i := range users {
			for i >= avail {
				select {
				case k, ok := <-ready:
					if !ok {
						k = len(users)
					}
					avail = k
				case <-planCtx.Done():
					return
				}
			}
			var p *planned
			select {
			case p = <-free:
			case <-planCtx.Done(): // the creating stopped, and keeps what it holds
				return
			}
			p.i, p.err = i, s.planFixture(planCtx, &users[i], p.in, p.out)
			work <- p // never waits: work holds as many as there are
		}
	}()
	defer func() {
		stop()
		for range work { // the planner stops at its next user; wait for it, so that it reads users no more
		}
	}()
	for p := range work {
		again, err := s.finishFixture(ctx, users, p, actor, ids)
		if err != nil {
			return nil, nil, err
		}
		if again != nil {
			retry, lastErr = append(retry, p.i), again
		}
		free <- p
	}
	if err := ctx.Err(); err != nil { // the planner may have stopped before the last user
		return nil, nil, fmt.Errorf("loading fixture users: %w", err)
	}
	return retry, lastErr, nil
}

// finishFixture resolves the other users a planned fixture user names and creates it, setting its id. again is
// the refusal of a user that only names users not loaded yet, to retry after the others; err stops the load.
func (s *Service) finishFixture(ctx context.Context, users []fixtures.User, p *planned, actor int64, ids []int64) (again, err error) {
	err = p.err
	if err == nil {
		err = s.resolveUserRefs(ctx, p.in)
	}
	if err == nil {
		err = s.resolveUserRefs(ctx, p.out)
	}
	if err == nil && len(p.out.problems) > 0 {
		err = s.refused(p.out.problems)
	}
	if err == nil {
		var r *store.Record
		if r, err = s.create(ctx, p.in, actor, p.out.apply); err == nil {
			ids[p.i] = r.ID
			return nil, nil
		}
	}
	err = fmt.Errorf("fixture user %d (%s): %w", p.i, users[p.i].Login, err)
	if ps, ok := Refused(err); ok && onlyMissingUsers(ps) {
		return err, nil
	}
	return nil, err
}

// onlyMissingUsers reports whether a refusal is only references to users not loaded yet.
func onlyMissingUsers(ps []problem.Problem) bool {
	for _, p := range ps {
		if p.Code != problem.NotFound || p.Object != "User" {
			return false
		}
	}
	return len(ps) > 0
}

// planFixture checks a fixture user element by element with the same rules as a request body, without a JSON round
// trip (start-up loads 100,000 users). Output-only values a fixture may preset go into the second plan. Both
// plans are reset, not reallocated.
func (s *Service) planFixture(ctx context.Context, u *fixtures.User, in, out *plan) (err error) {
	in.reset()
	out.reset()
	// VisitIndexed gives times, references and phone numbers as pointers to u's fields, which box nothing.
	u.VisitIndexed(func(i int, _ string, v any) {
		if err != nil {
			return
		}
		slot, ok := s.fixtureSlots[i].slot, s.fixtureSlots[i].ok
		if !ok {
			return
		}
		el := s.layout.Elements[slot.Index]
		target := in
		if !el.In {
			target = out
		}
		a := assignment{slot: slot, el: el}
		var pr *problem.Problem
		var skip bool
		switch v := v.(type) {
		case *time.Time:
			if el.Kind != spec.KindDateTime {
				pr = &problem.Problem{Code: problem.Invalid, Element: el.Name}
			}
			a.kind, a.val = kinds.DateTime{}, kinds.Value{Time: *v}
		case int:
			pr, skip, err = s.planValue(ctx, &a, float64(v), true)
		case *fixtures.Ref:
			if el.Object == spec.UserRef {
				target.later(a, v, nil)
				return
			}
			a.ref, pr, err = s.fixtureRef(ctx, el, slot.Index, *v)
		case *[]fixtures.Ref:
			if el.Object == spec.UserRef {
				target.later(a, nil, v)
				return
			}
			pr, err = s.fixtureList(ctx, &a, *v)
		case *fixtures.PhoneNumber:
			if s.ownedObject(el) {
				pr, skip, err = s.planOwnedBy(&a, phoneFields(*v)) // what planValue does with the map, without one
				break
			}
			pr, skip, err = s.planValue(ctx, &a, map[string]any{"country-code": v.CountryCode, "area-code": v.AreaCode,
				"number": v.Number, "extension": v.Extension}, true)
		default:
			pr, skip, err = s.planValue(ctx, &a, v, true)
		}
		switch {
		case err != nil, skip:
		case pr != nil:
			target.problems = append(target.problems, *pr)
		default:
			target.sets = append(target.sets, a)
		}
	})
	return err
}

// phoneFields gives a phone number's fields by name, as the map a request body decodes into would.
func phoneFields(p fixtures.PhoneNumber) func(string) (any, bool) {
	return func(name string) (any, bool) {
		switch name {
		case "country-code":
			return p.CountryCode, true
		case "area-code":
			return p.AreaCode, true
		case "number":
			return p.Number, true
		case "extension":
			return p.Extension, true
		}
		return nil, false
	}
}

// fixtureList resolves a fixture's list of references into a.list, without repeats.
func (s *Service) fixtureList(ctx context.Context, a *assignment, refs []fixtures.Ref) (*problem.Problem, error) {
	a.list = make([]int64, 0, len(refs))
	for _, r := range refs {
		id, pr, err := s.fixtureRef(ctx, a.el, a.slot.Index, r)
		if pr != nil || err != nil {
			return pr, err
		}
		if !slices.Contains(a.list, id) {
			a.list = append(a.list, id)
		}
	}
	return nil, nil
}

// resolveUserRefs resolves the references to users that planFixture left for later. Their problems come last;
// refused puts a refusal's problems in element order.
func (s *Service) resolveUserRefs(ctx context.Context, p *plan) error {
	// From the last, so that taking out an assignment moves none that is still to come.
	for k := len(p.userRefs) - 1; k >= 0; k-- {
		u := p.userRefs[k]
		a := &p.sets[u.set]
		var pr *problem.Problem
		var err error
		if u.list != nil {
			pr, err = s.fixtureList(ctx, a, *u.list)
		} else {
			a.ref, pr, err = s.fixtureRef(ctx, a.el, a.slot.Index, *u.one)
		}
		if err != nil {
			return err
		}
		if pr != nil {
			p.sets = slices.Delete(p.sets, u.set, u.set+1)
			p.problems = append(p.problems, *pr)
		}
	}
	p.userRefs = p.userRefs[:0]
	return nil
}

// fixtureRef resolves a fixture's reference: by natural key (the common case) or by id.
func (s *Service) fixtureRef(ctx context.Context, el *spec.Element, index int, r fixtures.Ref) (int64, *problem.Problem, error) {
	if r.Key != "" {
		return s.resolver.byKey(ctx, el, index, r.Key)
	}
	return s.resolver.resolve(ctx, el, map[string]any{"id": float64(r.ID)})
}

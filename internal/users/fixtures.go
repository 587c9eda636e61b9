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
	avail := len(users)
	if ready != nil {
		avail = 0
	}
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
			for i >= avail { // only in the first pass: the retries come after every user
				k, ok := <-ready
				if !ok {
					k = len(users)
				}
				avail = k
			}
			err := s.planFixture(ctx, &users[i], in, out)
			if err == nil && len(out.problems) > 0 {
				err = s.refused(out.problems)
			}
			if err == nil {
				var r *store.Record
				if r, err = s.create(ctx, in, actor, out.apply); err == nil {
					ids[i] = r.ID
				}
			}
			if ps, ok := Refused(err); ok && onlyMissingUsers(ps) {
				retry = append(retry, i)
				lastErr = fmt.Errorf("fixture user %d (%s): %w", i, users[i].Login, err)
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("fixture user %d (%s): %w", i, users[i].Login, err)
			}
		}
		if len(retry) == len(pending) {
			return nil, lastErr
		}
		pending = retry
	}
	return ids, nil
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
			a.ref, pr, err = s.fixtureRef(ctx, el, slot.Index, *v)
		case *[]fixtures.Ref:
			a.list = make([]int64, 0, len(*v))
			for _, r := range *v {
				var id int64
				if id, pr, err = s.fixtureRef(ctx, el, slot.Index, r); pr != nil || err != nil {
					break
				}
				if !slices.Contains(a.list, id) {
					a.list = append(a.list, id)
				}
			}
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

// fixtureRef resolves a fixture's reference: by natural key (the common case) or by id.
func (s *Service) fixtureRef(ctx context.Context, el *spec.Element, index int, r fixtures.Ref) (int64, *problem.Problem, error) {
	if r.Key != "" {
		return s.resolver.byKey(ctx, el, index, r.Key)
	}
	return s.resolver.resolve(ctx, el, map[string]any{"id": float64(r.ID)})
}

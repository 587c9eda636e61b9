package query

import (
	"cmp"
	"math"
	"slices"

	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// candidates finds the users an exact match on id or on a unique element allows (`login=jdoe`,
// `email[in]=a@x,b@y`), without scanning: ok is false when no condition allows it. The candidates still have to
// pass every predicate (store.Memory folds with package fold, as the predicates do; another Store may not). An
// empty string is never looked up: the store does not index empty values, and any number of users may have one.
func (p *planner) candidates(conds []Condition) (recs []*store.Record, ok bool, err error) {
	best := -1
	for i, c := range conds {
		if c.Element.Kind == spec.KindObject || (c.Op != spec.Eq && c.Op != spec.In) || !p.lookable(c) {
			continue
		}
		if best < 0 || len(c.Values) < len(conds[best].Values) {
			best = i
		}
	}
	if best < 0 {
		return nil, false, nil
	}
	c := conds[best]
	seen := map[int64]bool{}
	for _, v := range c.Values {
		var r *store.Record
		var found bool
		if c.Element.Name == "id" {
			r, found, err = p.st.Get(p.ctx, v.(int64))
		} else {
			r, found, err = p.st.Lookup(p.ctx, c.Element.Name, v.(string))
		}
		if err != nil {
			return nil, false, err
		}
		if found && !seen[r.ID] {
			seen[r.ID] = true
			recs = append(recs, r)
		}
	}
	slices.SortFunc(recs, func(a, b *store.Record) int { return cmp.Compare(a.ID, b.ID) })
	return recs, true, nil
}

// lookable reports whether the store can find the condition's users by value.
func (p *planner) lookable(c Condition) bool {
	if c.Element.Name == "id" {
		return true
	}
	if !slices.Contains(p.layout.Unique, c.Element) && !slices.ContainsFunc(p.layout.Unique,
		func(u *spec.Element) bool { return u.Name == c.Element.Name }) {
		return false
	}
	for _, v := range c.Values {
		if s, ok := v.(string); !ok || s == "" {
			return false
		}
	}
	return true
}

// idBounds narrows the scan to the ids the conditions on id allow; ok is false when they allow none.
func idBounds(conds []Condition) (from, to int64, ok bool) {
	from, to = 0, math.MaxInt64
	for _, c := range conds {
		if c.Element == nil || c.Element.Name != "id" || c.Op == spec.Blank || len(c.Values) == 0 {
			continue
		}
		v, isInt := c.Values[0].(int64)
		if !isInt {
			continue
		}
		switch c.Op {
		case spec.Eq:
			from, to = max(from, v), min(to, v)
		case spec.Gt:
			if v == math.MaxInt64 {
				return 0, 0, false
			}
			from = max(from, v+1)
		case spec.GtOrEq:
			from = max(from, v)
		case spec.Lt:
			if v == math.MinInt64 {
				return 0, 0, false
			}
			to = min(to, v-1)
		case spec.LtOrEq:
			to = min(to, v)
		case spec.In:
			lo, hi := v, v
			for _, x := range c.Values {
				if n, ok := x.(int64); ok {
					lo, hi = min(lo, n), max(hi, n)
				}
			}
			from, to = max(from, lo), min(to, hi)
		}
	}
	return from, to, from <= to
}

package query

import (
	"fmt"

	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// association compiles the field conditions on one association (`roles[name]=Buyer&roles[id][not_eq]=3`) into a
// single predicate: as with one SQL join, the same associated object must satisfy them all, and a list association
// matches when any of its objects does. A user without the object (null, empty list) counts as one row of nulls, as
// a LEFT JOIN gives it: only blank=true conditions match it. empty is true when nothing can match.
func (p *planner) association(conds []Condition) (pr predicate, empty bool, err error) {
	e := conds[0].Element
	s, ok := p.layout.Slot(e.Name)
	if !ok {
		return nil, false, fmt.Errorf("query: the layout has no element %s", e.Name)
	}
	ob := p.layout.Object(e.Object)
	if ob == nil {
		return nil, false, fmt.Errorf("query: the layout has no object %s", e.Object)
	}
	nullMatch := true
	onlyID := true
	tests := make([]valueTest, len(conds))
	idTests := make([]*numTest, len(conds)) // for conditions on the object's id: typed, as boxing an id allocates
	for i, c := range conds {
		if tests[i], err = newValueTest(c.Field.Kind, c.Op, c.Values); err != nil {
			return nil, false, err
		}
		nullMatch = nullMatch && tests[i](nil)
		if c.Field.Name == "id" {
			if idTests[i], err = newNumTest(c.Op, c.Values); err != nil {
				return nil, false, err
			}
		} else {
			onlyID = false
		}
	}
	kind := p.storageOf(e)
	if kind == storeOwned {
		return p.owned(s, ob, conds, tests, idTests, nullMatch)
	}
	var has func(id int64) bool
	if onlyID {
		has = func(id int64) bool {
			for _, t := range idTests {
				if !t.test(id, false) {
					return false
				}
			}
			return true
		}
	} else {
		var set map[int64]struct{}
		if e.Object == spec.UserRef {
			set, err = p.resolveUsers(conds)
		} else {
			set, err = p.resolveCatalog(e.Object, conds, tests)
		}
		if err != nil {
			return nil, false, err
		}
		if len(set) == 0 && !nullMatch {
			return nil, true, nil
		}
		has = func(id int64) bool { _, ok := set[id]; return ok }
	}
	if kind == storeList {
		return func(r *store.Record) bool {
			if r.ListLen(s) == 0 || r.IsNull(s) {
				return nullMatch
			}
			return r.AnyListID(s, has)
		}, false, nil
	}
	return func(r *store.Record) bool {
		id := r.RefID(s)
		if id == 0 || r.IsNull(s) {
			return nullMatch
		}
		return has(id)
	}, false, nil
}

// owned compiles field conditions on an object stored inside the user (a phone number): its fields are in the
// record, in the object's field order without id.
func (p *planner) owned(s store.Slot, ob *spec.Object, conds []Condition, tests []valueTest, idTests []*numTest,
	nullMatch bool) (predicate, bool, error) {
	index := make([]int, len(conds)) // -1: the id
	for i, c := range conds {
		index[i] = -1
		if c.Field.Name == "id" {
			continue
		}
		n := 0
		for _, f := range ob.Fields {
			if f.Name == "id" {
				continue
			}
			if f.Name == c.Field.Name {
				index[i] = n
				break
			}
			n++
		}
		if index[i] < 0 {
			return nil, false, fmt.Errorf("query: %s has no field %s", ob.Name, c.Field.Name)
		}
	}
	return func(r *store.Record) bool {
		o := r.OwnedOf(s)
		if o == nil || r.IsNull(s) {
			return nullMatch
		}
		for i, t := range tests {
			switch {
			case index[i] < 0:
				if !idTests[i].test(o.ID, false) {
					return false
				}
				continue
			case index[i] < len(o.Fields):
				if !t(o.Fields[index[i]]) {
					return false
				}
			default:
				if !t(nil) {
					return false
				}
			}
		}
		return true
	}, false, nil
}

// resolveCatalog returns the ids of the catalog objects that satisfy every condition.
func (p *planner) resolveCatalog(object string, conds []Condition, tests []valueTest) (map[int64]struct{}, error) {
	if p.cat == nil {
		return nil, fmt.Errorf("query: filtering on %s needs a catalog", conds[0].Element.Name)
	}
	set := map[int64]struct{}{}
	p.cat.Each(object, func(id int64, field func(string) (any, bool)) bool {
		for i, c := range conds {
			v, _ := field(c.Field.Name)
			if c.Field.Name == "id" {
				v = id // the id Each gives is the authority
			}
			if !tests[i](v) {
				return true
			}
		}
		set[id] = struct{}{}
		return true
	})
	return set, p.ctx.Err()
}

// resolveUsers returns the ids of the users that satisfy every condition, read as conditions on the user's own
// elements (UserRef's fields are named as the user's elements). An exact match on a unique element or on id is
// looked up, a string pattern searched (Store.Search); anything else scans the store once, before (never inside)
// the main scan.
func (p *planner) resolveUsers(conds []Condition) (map[int64]struct{}, error) {
	inner := make([]Condition, len(conds))
	for i, c := range conds {
		e := p.layout.Element(c.Field.Name)
		if e == nil {
			return nil, fmt.Errorf("query: users have no element %s for %s", c.Field.Name, c.Param)
		}
		inner[i] = Condition{Param: c.Param, Element: e, Op: c.Op, Values: c.Values}
	}
	preds, _, err := p.compile(inner)
	if err != nil {
		return nil, err
	}
	set := map[int64]struct{}{}
	if cands, ok, err := p.candidates(inner); err != nil {
		return nil, err
	} else if ok {
		for _, r := range cands {
			if all(preds, r) {
				set[r.ID] = struct{}{}
			}
		}
		return set, nil
	}
	collect := func(r *store.Record) bool {
		if all(preds, r) {
			set[r.ID] = struct{}{}
		}
		return true
	}
	if searched, err := search(p.ctx, p.st, inner, 0, collect); searched || err != nil {
		return set, err
	}
	var n int
	err = p.st.Scan(p.ctx, 0, func(r *store.Record) bool {
		if n++; n&1023 == 0 && p.ctx.Err() != nil {
			return false
		}
		return collect(r)
	})
	if err == nil {
		err = p.ctx.Err()
	}
	return set, err
}

package query

import (
	"context"
	"fmt"

	"github.com/coupa-kit/coupa-users/internal/fold"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// predicate is a compiled condition on a stored user. Predicates read the record's slots directly and allocate
// nothing: a full scan calls them on every user.
type predicate func(*store.Record) bool

// planner compiles a query's conditions against a layout, resolving association conditions into sets of ids first
// (like a SQL join), so that the main scan never has to call the store or the catalog.
type planner struct {
	ctx    context.Context
	st     store.Store
	layout *store.Layout
	cat    Catalog
}

// storage is how an association is kept in a record, mirroring store.NewLayout's choice.
type storage int

const (
	storeRef   storage = iota // one object, by id
	storeList                 // a list of objects, by id
	storeOwned                // one object owned by the user, stored by value (a phone number)
)

func (p *planner) storageOf(e *spec.Element) storage {
	if e.List {
		return storeList
	}
	if ob := p.layout.Object(e.Object); ob != nil && len(ob.NaturalKeys) == 0 {
		return storeOwned
	}
	return storeRef
}

// compile turns the conditions into predicates. none is true when some condition can match no user at all (an
// association filter that no object satisfies), so the caller need not scan.
func (p *planner) compile(conds []Condition) (preds []predicate, none bool, err error) {
	var groups []string // associations with field conditions, in order of first appearance
	byAssoc := map[string][]Condition{}
	for _, c := range conds {
		if c.Element == nil {
			return nil, false, fmt.Errorf("query: condition %q has no element", c.Param)
		}
		switch {
		case c.Element.Kind != spec.KindObject:
			pr, err := p.scalar(c.Element, c.Op, c.Values)
			if err != nil {
				return nil, false, err
			}
			preds = append(preds, pr)
		case c.Field == nil:
			pr, err := p.assocBlank(c)
			if err != nil {
				return nil, false, err
			}
			preds = append(preds, pr)
		default:
			if _, seen := byAssoc[c.Element.Name]; !seen {
				groups = append(groups, c.Element.Name)
			}
			byAssoc[c.Element.Name] = append(byAssoc[c.Element.Name], c)
		}
	}
	for _, name := range groups {
		pr, empty, err := p.association(byAssoc[name])
		if err != nil {
			return nil, false, err
		}
		if empty {
			return nil, true, nil
		}
		preds = append(preds, pr)
	}
	return preds, false, nil
}

// scalar compiles a condition on one of the user's own (non-association) elements.
func (p *planner) scalar(e *spec.Element, op spec.Operator, vals []any) (predicate, error) {
	if e.Name == "id" { // the id lives in Record.ID, not in a slot
		t, err := newNumTest(op, vals)
		if err != nil {
			return nil, err
		}
		return func(r *store.Record) bool { return t.test(r.ID, false) }, nil
	}
	s, ok := p.layout.Slot(e.Name)
	if !ok {
		return nil, fmt.Errorf("query: the layout has no element %s", e.Name)
	}
	switch e.Kind {
	case spec.KindString:
		t, err := newStrTest(op, vals)
		if err != nil {
			return nil, err
		}
		pos := s.Pos
		if t.op == spec.Blank {
			return func(r *store.Record) bool {
				if r.Str[pos] == "" {
					return t.blank // blank whether null or empty
				}
				return r.IsNull(s) == t.blank
			}, nil
		}
		// A null string is stored empty (store.Record.SetNull clears it), and nothing but blank matches a null: test
		// the value first and read the null bits (another cache line) only for a value that would match. The common
		// operators get closures of their own: a full scan runs one per user, and every call counts.
		pat := &t.pat
		switch op {
		case spec.Contains:
			return func(r *store.Record) bool { return pat.In(r.Str[pos]) && !r.IsNull(s) }, nil
		case spec.StartsWith:
			return func(r *store.Record) bool { return pat.PrefixOf(r.Str[pos]) && !r.IsNull(s) }, nil
		case spec.EndsWith:
			return func(r *store.Record) bool { return pat.SuffixOf(r.Str[pos]) && !r.IsNull(s) }, nil
		case spec.Eq:
			v := t.vals[0]
			return func(r *store.Record) bool { return fold.Equal(r.Str[pos], v) && !r.IsNull(s) }, nil
		}
		return func(r *store.Record) bool { return t.test(r.Str[pos], false) && !r.IsNull(s) }, nil
	case spec.KindDecimal:
		t, err := newDecTest(op, vals)
		if err != nil {
			return nil, err
		}
		return func(r *store.Record) bool {
			if r.IsNull(s) {
				return t.test(nil)
			}
			return t.test(toDecimal(r.String(s)))
		}, nil
	case spec.KindInteger, spec.KindDateTime, spec.KindBoolean:
		t, err := newNumTest(op, vals)
		if err != nil {
			return nil, err
		}
		pos := s.Pos
		if t.op == spec.Blank {
			return func(r *store.Record) bool { return r.IsNull(s) == t.blank }, nil
		}
		if e.Kind != spec.KindBoolean { // integers and datetimes (µs) are in Int; as for strings, test the value first
			return func(r *store.Record) bool { return t.test(r.Int[pos], false) && !r.IsNull(s) }, nil
		}
		return func(r *store.Record) bool {
			var v int64
			if r.Boolean(s) {
				v = 1
			}
			return t.test(v, false) && !r.IsNull(s)
		}, nil
	}
	return nil, fmt.Errorf("query: cannot filter on %s (%v)", e.Name, e.Kind)
}

// assocBlank compiles `assoc[blank]=…`: no object, or an empty list.
func (p *planner) assocBlank(c Condition) (predicate, error) {
	var want, ok bool
	if len(c.Values) == 1 {
		want, ok = c.Values[0].(bool)
	}
	if c.Op != spec.Blank || !ok {
		return nil, fmt.Errorf("query: %s on the association %s itself", c.Op, c.Element.Name)
	}
	s, found := p.layout.Slot(c.Element.Name)
	if !found {
		return nil, fmt.Errorf("query: the layout has no element %s", c.Element.Name)
	}
	switch p.storageOf(c.Element) {
	case storeList:
		return func(r *store.Record) bool { return (r.IsNull(s) || r.ListLen(s) == 0) == want }, nil
	case storeOwned:
		return func(r *store.Record) bool { return (r.IsNull(s) || r.OwnedOf(s) == nil) == want }, nil
	}
	return func(r *store.Record) bool { return (r.IsNull(s) || r.RefID(s) == 0) == want }, nil
}

func all(preds []predicate, r *store.Record) bool {
	for _, pr := range preds {
		if !pr(r) {
			return false
		}
	}
	return true
}

package users

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/internal/kinds"
	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// A write goes in two steps. plan reads the request body, checks each value and resolves every reference (which
// may read the store); apply then changes a record without any I/O, so that it can run inside Store.Update, under
// the store's lock, and a failed request changes nothing. This is the fake's one validation path: request bodies
// (JSON or XML, decoded into the same data model) and fixtures both go through planValue.

// assignment is one element's new value, ready to store.
type assignment struct {
	slot  store.Slot
	el    *spec.Element
	null  bool
	kind  kinds.Kind  // scalars: the kind of val
	val   kinds.Value // scalars
	ref   int64
	list  []int64
	add   bool // the list adds to the stored one (roles on update)
	drop  bool // the list is taken out of the stored one (business_groups/remove)
	owned *store.Owned
	given []bool // for a namespace: the owned fields the body sets (the others keep their values)
}

// plan is a checked request body: the values to store and the problems found.
type plan struct {
	sets     []assignment
	problems []problem.Problem
	// userRefs are a fixture's references to other users, resolved only when the user is created
	// (resolveUserRefs): a bulk load plans users while it creates the ones before them.
	userRefs []userRef
}

// userRef is a fixture's reference (one, or a list) to other users, whose assignment waits at sets[set].
type userRef struct {
	set  int
	one  *fixtures.Ref
	list *[]fixtures.Ref
}

// later keeps a's place for a reference to other users that resolveUserRefs resolves.
func (p *plan) later(a assignment, one *fixtures.Ref, list *[]fixtures.Ref) {
	p.userRefs = append(p.userRefs, userRef{set: len(p.sets), one: one, list: list})
	p.sets = append(p.sets, a)
}

func (p *plan) reset() { p.sets, p.problems, p.userRefs = p.sets[:0], p.problems[:0], p.userRefs[:0] }

// faulty reports whether the plan has a problem with the element (so that the required check does not report it
// blank on top of, say, too long).
func (p *plan) faulty(name string) bool {
	for _, pr := range p.problems {
		if pr.Element == name {
			return true
		}
	}
	return false
}

// planBody checks a decoded body element by element. Output-only and unknown keys are ignored, as Coupa ignores
// them; an element given twice (as `first-name` and `first_name`) counts once. strictRefs makes an unresolvable
// reference a problem; otherwise it is left out (Coupa ignores them on update).
func (s *Service) planBody(ctx context.Context, body map[string]any, strictRefs bool) (*plan, error) {
	p := &plan{}
	type entry struct {
		key  string
		slot store.Slot
	}
	keys := make([]entry, 0, len(body))
	for k := range body {
		name := k
		if strings.IndexByte(k, '_') >= 0 {
			name = strings.ReplaceAll(k, "_", "-")
		}
		if sl, ok := s.layout.Slot(name); ok && s.layout.Elements[sl.Index].In {
			keys = append(keys, entry{k, sl})
		}
	}
	// Element order makes the problems come out in a stable order, and picks one of two spellings of a key.
	slices.SortFunc(keys, func(a, b entry) int {
		if a.slot.Index != b.slot.Index {
			return a.slot.Index - b.slot.Index
		}
		return strings.Compare(a.key, b.key)
	})
	for i, k := range keys {
		if i > 0 && keys[i-1].slot.Index == k.slot.Index {
			continue
		}
		a := assignment{slot: k.slot, el: s.layout.Elements[k.slot.Index]}
		pr, skip, err := s.planValue(ctx, &a, body[k.key], strictRefs)
		if err != nil {
			return nil, err
		}
		switch {
		case pr != nil:
			p.problems = append(p.problems, *pr)
		case !skip:
			p.sets = append(p.sets, a)
		}
	}
	return p, nil
}

// planValue checks one value in the data model a decoded body has (string, float64, bool, nil, []any,
// map[string]any) and fills the assignment. skip leaves the element out without a problem (an unresolvable
// reference under lenient rules).
func (s *Service) planValue(ctx context.Context, a *assignment, v any, strictRefs bool) (pr *problem.Problem, skip bool, err error) {
	el := a.el
	bad := func(c problem.Code) (*problem.Problem, bool, error) {
		return &problem.Problem{Code: c, Element: el.Name}, false, nil
	}
	if v == nil {
		switch {
		case el.Required:
			return bad(problem.Blank)
		case el.List:
			a.list = []int64{} // null clears a list, as clients revoke with {"roles": null} (baton-coupa)
			return nil, false, nil
		case !s.nullable[a.slot.Index] && len(el.Enum) > 0:
			return bad(problem.NotInList)
		case !s.nullable[a.slot.Index]:
			return bad(problem.Invalid)
		}
		a.null = true
		return nil, false, nil
	}
	if el.Kind == spec.KindObject {
		return s.planObject(ctx, a, v, strictRefs)
	}
	k, ok := kinds.Of(el.Kind)
	if !ok || el.Kind == spec.KindDateTime {
		return bad(problem.Invalid) // datetimes are output only: only fixtures preset them
	}
	val, code := k.Cast(el, v)
	switch {
	case code == problem.TooLong:
		return &problem.Problem{Code: code, Element: el.Name, Max: el.MaxLength}, false, nil
	case code != 0:
		return bad(code)
	case val.Null:
		return s.planValue(ctx, a, nil, strictRefs)
	}
	if el.Name == "password" && val.Str != "" {
		sum := sha256.Sum256([]byte(val.Str))
		val.Str = "sha256:" + hex.EncodeToString(sum[:])
	}
	a.kind, a.val = k, val
	return nil, false, nil
}

func (s *Service) planObject(ctx context.Context, a *assignment, v any, strictRefs bool) (*problem.Problem, bool, error) {
	el := a.el
	invalid := &problem.Problem{Code: problem.Invalid, Element: el.Name}
	if el.List {
		items, ok := v.([]any)
		if !ok {
			return invalid, false, nil
		}
		a.list = []int64{}
		for _, item := range items {
			ref, ok := item.(map[string]any)
			if !ok {
				return invalid, false, nil
			}
			id, pr, err := s.planRef(ctx, el, ref)
			if err != nil || (pr != nil && (strictRefs || pr.Code != problem.NotFound)) {
				return pr, false, err
			}
			if pr == nil && !slices.Contains(a.list, id) {
				a.list = append(a.list, id)
			}
		}
		return nil, false, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return invalid, false, nil
	}
	if s.ownedObject(el) {
		return s.planOwned(a, m)
	}
	id, pr, err := s.planRef(ctx, el, m)
	if err != nil || (pr != nil && (strictRefs || pr.Code != problem.NotFound)) {
		return pr, false, err
	}
	if pr != nil {
		return nil, true, nil
	}
	a.ref = id
	return nil, false, nil
}

// ownedObject reports whether the element is a single object the user owns by value (no natural key to refer to it
// by), which planObject checks field by field.
func (s *Service) ownedObject(el *spec.Element) bool {
	ob := s.layout.Object(el.Object)
	return el.Kind == spec.KindObject && !el.List && ob != nil && len(ob.NaturalKeys) == 0
}

// planRef checks the shape of a reference (an id that is a number, keys that are strings, at least one key) and
// resolves it.
func (s *Service) planRef(ctx context.Context, el *spec.Element, ref map[string]any) (int64, *problem.Problem, error) {
	if len(ref) == 0 {
		return 0, &problem.Problem{Code: problem.NoKey, Element: el.Name}, nil
	}
	ref = dashed(ref)
	if raw, ok := ref["id"]; ok && raw != nil {
		if _, ok := kinds.ID(raw); !ok {
			return 0, &problem.Problem{Code: problem.NotANumber, Element: el.Name, Field: "id"}, nil
		}
	}
	for _, k := range s.resolver.object(el).NaturalKeys {
		if raw, ok := ref[k]; ok && raw != nil {
			if _, isStr := raw.(string); !isStr {
				return 0, &problem.Problem{Code: problem.Invalid, Element: el.Name, Field: k}, nil
			}
		}
	}
	return s.resolver.resolve(ctx, el, ref)
}

// planOwned checks an object the user owns by value (a phone number, the custom fields): its fields other than id,
// each cast by its kind (package kinds), in the object's field order, with the fields its input schema requires.
// For a namespace (custom-fields) only the fields the body names change; apply keeps the others.
func (s *Service) planOwned(a *assignment, m map[string]any) (*problem.Problem, bool, error) {
	return s.planOwnedBy(a, func(name string) (any, bool) {
		val, ok := m[name]
		if !ok {
			val, ok = m[strings.ReplaceAll(name, "-", "_")]
		}
		return val, ok
	})
}

// planOwnedBy is planOwned over any source of field values: get returns a field's value by its dashed name, and
// whether the source names it (fixtures give phone numbers as structs, with no map to build).
func (s *Service) planOwnedBy(a *assignment, get func(name string) (any, bool)) (*problem.Problem, bool, error) {
	el := a.el
	ob := s.layout.Object(el.Object)
	checks := s.ownedFields[el.Object]
	o := &store.Owned{ID: s.ownedIDs.Add(1)}
	if n := len(ob.Fields) - 1; n > 0 {
		o.Fields = make([]any, 0, n) // the fields but id, in one allocation
	}
	var given []bool
	for i, fl := range ob.Fields {
		if fl.Name == "id" {
			continue
		}
		val, ok := get(fl.Name)
		if ob.Namespace {
			given = append(given, ok)
		}
		v, pr := ownedValue(el, fl, checks[i], val)
		if pr != nil {
			return pr, false, nil
		}
		o.Fields = append(o.Fields, v)
	}
	a.owned, a.given = o, given
	return nil, false, nil
}

// ownedValue casts one field of an owned object into the loosely typed value it is stored as; nil for null or
// blank.
func ownedValue(el *spec.Element, fl *spec.Field, check ownedField, val any) (any, *problem.Problem) {
	bad := func(c problem.Code) (any, *problem.Problem) {
		pr := &problem.Problem{Code: c, Element: el.Name, Field: fl.Name}
		if c == problem.TooLong {
			pr.Max = fl.MaxLength
		}
		return nil, pr
	}
	k, ok := kinds.Of(fl.Kind)
	if !ok {
		return bad(problem.Invalid)
	}
	var v kinds.Value
	if val != nil {
		var code problem.Code
		if v, code = k.Cast(check.el, val); code != 0 {
			return bad(code)
		}
	}
	if val == nil || v.Null || (fl.Kind == spec.KindString && v.Str == "") {
		if check.required {
			return bad(problem.Blank)
		}
		return nil, nil
	}
	if s, ok := val.(string); ok && fl.Kind == spec.KindString && s == v.Str {
		return val, nil // what Native would box, boxed already
	}
	return k.Native(v), nil
}

// addRoles makes a non-empty `roles` list add to the user's roles instead of replacing them.
func (p *plan) addRoles() {
	for i := range p.sets {
		if a := &p.sets[i]; a.el.Name == "roles" && len(a.list) > 0 {
			a.add = true
		}
	}
}

// apply stores the plan's values in r.
func (p *plan) apply(r *store.Record) {
	for i := range p.sets {
		a := &p.sets[i]
		if a.null {
			r.SetNull(a.slot)
			continue
		}
		if a.kind != nil {
			a.kind.Set(r, a.slot, a.val)
			continue
		}
		switch {
		case a.el.List && a.drop:
			r.SetList(a.slot, slices.DeleteFunc(r.ListIDs(a.slot), func(id int64) bool {
				return slices.Contains(a.list, id)
			}))
		case a.el.List && a.add:
			ids := r.ListIDs(a.slot)
			for _, id := range a.list {
				if !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
			r.SetList(a.slot, ids)
		case a.el.List:
			r.SetList(a.slot, a.list)
		case a.owned != nil:
			o := a.owned
			if old := r.OwnedOf(a.slot); old != nil {
				o = &store.Owned{ID: old.ID, Fields: slices.Clone(a.owned.Fields)} // a phone number keeps its id
				for i, given := range a.given {
					if !given && i < len(old.Fields) {
						o.Fields[i] = old.Fields[i] // a custom field the body leaves out keeps its value
					}
				}
			}
			r.SetOwned(a.slot, o)
		default:
			r.SetRef(a.slot, a.ref)
		}
	}
}

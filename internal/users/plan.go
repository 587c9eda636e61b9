package users

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coupa-kit/coupa-users/internal/catalog"
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
	str   string
	num   int64
	flag  bool
	ref   int64
	list  []int64
	owned *store.Owned
	when  time.Time // datetimes, which only fixtures set
}

// plan is a checked request body: the values to store and the problems found.
type plan struct {
	sets     []assignment
	problems []problem.Problem
}

func (p *plan) reset() { p.sets, p.problems = p.sets[:0], p.problems[:0] }

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
			return bad(problem.Invalid)
		case !s.nullable[a.slot.Index] && len(el.Enum) > 0:
			return bad(problem.NotInList)
		case !s.nullable[a.slot.Index]:
			return bad(problem.Invalid)
		}
		a.null = true
		return nil, false, nil
	}
	switch el.Kind {
	case spec.KindString, spec.KindDecimal:
		str, ok := v.(string)
		if !ok || (el.Kind == spec.KindDecimal && !isDecimal(str)) {
			return bad(problem.Invalid)
		}
		if el.MaxLength > 0 && runeCountOver(str, el.MaxLength) {
			return &problem.Problem{Code: problem.TooLong, Element: el.Name, Max: el.MaxLength}, false, nil
		}
		if len(el.Enum) > 0 && !slices.Contains(el.Enum, str) {
			return bad(problem.NotInList)
		}
		if el.Name == "password" && str != "" {
			sum := sha256.Sum256([]byte(str))
			str = "sha256:" + hex.EncodeToString(sum[:])
		}
		a.str = str
	case spec.KindInteger:
		n, ok := v.(float64)
		integral := ok && n == math.Trunc(n) && math.Abs(n) <= 1<<53
		if len(el.Enum) > 0 && (!integral || !slices.Contains(el.Enum, strconv.FormatInt(int64(n), 10))) {
			return bad(problem.NotInList)
		}
		if !integral {
			return bad(problem.NotANumber)
		}
		a.num = int64(n)
	case spec.KindBoolean:
		b, ok := v.(bool)
		if !ok {
			return bad(problem.NotABoolean)
		}
		a.flag = b
	case spec.KindObject:
		return s.planObject(ctx, a, v, strictRefs)
	default:
		return bad(problem.Invalid) // datetimes are output only: only fixtures preset them
	}
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
	if s.layout.Object(el.Object) != nil && len(s.layout.Object(el.Object).NaturalKeys) == 0 {
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

// planRef checks the shape of a reference (an id that is a number, keys that are strings, at least one key) and
// resolves it.
func (s *Service) planRef(ctx context.Context, el *spec.Element, ref map[string]any) (int64, *problem.Problem, error) {
	if len(ref) == 0 {
		return 0, &problem.Problem{Code: problem.NoKey, Element: el.Name}, nil
	}
	ref = dashed(ref)
	if raw, ok := ref["id"]; ok && raw != nil {
		if _, ok := catalog.AsID(raw); !ok {
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

// planOwned checks an object the user owns by value (a phone number): its fields other than id, strings, in the
// object's field order, with the fields its input schema requires.
func (s *Service) planOwned(a *assignment, m map[string]any) (*problem.Problem, bool, error) {
	el := a.el
	ob := s.layout.Object(el.Object)
	o := &store.Owned{ID: s.ownedIDs.Add(1)}
	for _, fl := range ob.Fields {
		if fl.Name == "id" {
			continue
		}
		val, ok := m[fl.Name]
		if !ok {
			val = m[strings.ReplaceAll(fl.Name, "-", "_")]
		}
		str, isStr := val.(string)
		switch {
		case (val == nil || (isStr && str == "")) && slices.Contains(s.ownedRequired[el.Object], fl.Name):
			return &problem.Problem{Code: problem.Blank, Element: el.Name, Field: fl.Name}, false, nil
		case val == nil || (isStr && str == ""):
			o.Fields = append(o.Fields, nil)
		case !isStr:
			return &problem.Problem{Code: problem.Invalid, Element: el.Name, Field: fl.Name}, false, nil
		case fl.MaxLength > 0 && runeCountOver(str, fl.MaxLength):
			return &problem.Problem{Code: problem.TooLong, Element: el.Name, Field: fl.Name, Max: fl.MaxLength}, false, nil
		default:
			o.Fields = append(o.Fields, str)
		}
	}
	a.owned = o
	return nil, false, nil
}

// runeCountOver reports whether s has more than n characters, without counting past n.
func runeCountOver(s string, n int) bool {
	if len(s) <= n {
		return false
	}
	for range s {
		if n--; n < 0 {
			return true
		}
	}
	return false
}

// isDecimal accepts money as Coupa writes it: digits, an optional sign and fraction ("-12", "1000.00").
func isDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	digits := func(x string) bool {
		for i := 0; i < len(x); i++ {
			if x[i] < '0' || x[i] > '9' {
				return false
			}
		}
		return x != ""
	}
	return digits(whole) && (!hasFrac || digits(frac))
}

// apply stores the plan's values in r.
func (p *plan) apply(r *store.Record) {
	for _, a := range p.sets {
		if a.null {
			r.SetNull(a.slot)
			continue
		}
		switch a.el.Kind {
		case spec.KindString, spec.KindDecimal:
			r.SetString(a.slot, a.str)
		case spec.KindInteger:
			r.SetInteger(a.slot, a.num)
		case spec.KindBoolean:
			r.SetBoolean(a.slot, a.flag)
		case spec.KindDateTime:
			r.SetTime(a.slot, a.when)
		case spec.KindObject:
			switch {
			case a.el.List:
				r.SetList(a.slot, a.list)
			case a.owned != nil:
				if old := r.OwnedOf(a.slot); old != nil {
					a.owned.ID = old.ID // a phone number keeps its id when it changes
				}
				r.SetOwned(a.slot, a.owned)
			default:
				r.SetRef(a.slot, a.ref)
			}
		}
	}
}

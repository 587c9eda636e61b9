package fake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/coupa-kit/coupa-users/internal/catalog"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// A write goes in two steps. plan reads the request body, checks each value and resolves every reference (which
// may read the store); apply then changes a record without any I/O, so that it can run inside Store.Update, under
// the store's lock, and a failed request changes nothing.

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
}

// plan is a checked request body.
type plan struct {
	sets   []assignment
	errors []string
	// given records which elements the body set, so that defaults and derived values leave them alone.
	given map[string]bool
}

// label is the human name Coupa's messages use for an element ("First Name can't be blank").
func label(name string) string {
	switch name {
	case "firstname":
		return "First Name"
	case "lastname":
		return "Last Name"
	case "middlename":
		return "Middle Name"
	case "fullname":
		return "Full Name"
	}
	words := strings.Split(name, "-")
	for i, w := range words {
		if w == "" {
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}

// planBody checks a decoded body (JSON or XML, already validated against the spec's schema) element by element.
// Output-only and unknown keys are ignored, as Coupa ignores them. strictRefs makes an unresolvable reference an
// error; otherwise it is skipped (Coupa ignores them on update).
func (f *Fake) planBody(ctx context.Context, body map[string]any, strictRefs bool) (*plan, error) {
	return f.planElements(ctx, body, strictRefs, false)
}

// planOutputs plans output-only elements, which only fixtures may preset.
func (f *Fake) planOutputs(ctx context.Context, body map[string]any) (*plan, error) {
	return f.planElements(ctx, body, true, true)
}

func (f *Fake) planElements(ctx context.Context, body map[string]any, strictRefs, outputs bool) (*plan, error) {
	p := &plan{given: map[string]bool{}}
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
		if s, ok := f.layout.Slot(name); ok {
			keys = append(keys, entry{k, s})
		}
	}
	// Element order makes the messages come out in a stable order.
	slices.SortFunc(keys, func(a, b entry) int { return a.slot.Index - b.slot.Index })
	for _, k := range keys {
		key, slot := k.key, k.slot
		el := f.layout.Elements[slot.Index]
		name := el.Name
		if !el.In != outputs || p.given[name] {
			continue
		}
		a := assignment{slot: slot, el: el}
		msg, err := f.planValue(ctx, &a, body[key], strictRefs)
		if err != nil {
			return nil, err
		}
		switch {
		case msg == errSkip:
			continue
		case msg != "":
			p.errors = append(p.errors, msg)
			continue
		}
		p.given[name] = true
		p.sets = append(p.sets, a)
	}
	return p, nil
}

// errSkip marks a value to leave out without an error (an unresolvable reference under lenient rules).
const errSkip = "\x00skip"

func (f *Fake) planValue(ctx context.Context, a *assignment, v any, strictRefs bool) (string, error) {
	el := a.el
	if v == nil {
		a.null = true
		return "", nil
	}
	switch el.Kind {
	case spec.KindString, spec.KindDecimal:
		s, ok := v.(string)
		if !ok {
			if n, isNum := v.(float64); isNum && el.Enum == nil {
				s = fmt.Sprint(n) // Rails casts a number sent for a string column
			} else {
				return label(el.Name) + " is invalid", nil
			}
		}
		if el.MaxLength > 0 && len([]rune(s)) > el.MaxLength {
			return fmt.Sprintf("%s is too long (maximum is %d characters)", label(el.Name), el.MaxLength), nil
		}
		if len(el.Enum) > 0 && !slices.Contains(el.Enum, s) {
			return label(el.Name) + " is not included in the list", nil
		}
		if el.Name == "password" && s != "" {
			sum := sha256.Sum256([]byte(s))
			s = "sha256:" + hex.EncodeToString(sum[:])
		}
		a.str = s
	case spec.KindInteger:
		n, ok := v.(float64)
		if !ok || n != math.Trunc(n) || math.Abs(n) > 1<<53 {
			return label(el.Name) + " is not a number", nil
		}
		if len(el.Enum) > 0 && !slices.Contains(el.Enum, fmt.Sprint(int64(n))) {
			return label(el.Name) + " is not included in the list", nil
		}
		a.num = int64(n)
	case spec.KindBoolean:
		b, ok := v.(bool)
		if !ok {
			return label(el.Name) + " is not a valid boolean", nil
		}
		a.flag = b
	case spec.KindObject:
		return f.planObject(ctx, a, v, strictRefs)
	default:
		return label(el.Name) + " cannot be set", nil
	}
	return "", nil
}

func (f *Fake) planObject(ctx context.Context, a *assignment, v any, strictRefs bool) (string, error) {
	el := a.el
	ob := f.layout.Object(el.Object)
	if el.List {
		items, ok := v.([]any)
		if !ok {
			return label(el.Name) + " is invalid", nil
		}
		a.list = []int64{}
		for _, item := range items {
			ref, ok := item.(map[string]any)
			if !ok {
				return label(el.Name) + " is invalid", nil
			}
			id, msg, err := f.resolve(ctx, el, ref)
			if err != nil {
				return "", err
			}
			if msg != "" {
				if strictRefs {
					return msg, nil
				}
				continue
			}
			if !slices.Contains(a.list, id) {
				a.list = append(a.list, id)
			}
		}
		return "", nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return label(el.Name) + " is invalid", nil
	}
	if len(ob.NaturalKeys) == 0 {
		// Owned by value (a phone number): the fields other than id, in the object's field order.
		o := &store.Owned{ID: f.ownedIDs.Add(1)}
		for _, fl := range ob.Fields {
			if fl.Name == "id" {
				continue
			}
			val := m[fl.Name]
			if val == nil {
				val = m[strings.ReplaceAll(fl.Name, "-", "_")]
			}
			s, isStr := val.(string)
			switch {
			case val == nil || (isStr && s == ""):
				o.Fields = append(o.Fields, nil)
			case isStr:
				if fl.MaxLength > 0 && len([]rune(s)) > fl.MaxLength {
					return fmt.Sprintf("%s %s is too long (maximum is %d characters)", label(el.Name), label(fl.Name), fl.MaxLength), nil
				}
				o.Fields = append(o.Fields, s)
			default:
				o.Fields = append(o.Fields, fmt.Sprint(val))
			}
		}
		a.owned = o
		return "", nil
	}
	id, msg, err := f.resolve(ctx, el, m)
	if err != nil {
		return "", err
	}
	if msg != "" {
		if strictRefs {
			return msg, nil
		}
		return errSkip, nil
	}
	a.ref = id
	return "", nil
}

// resolve finds the object a reference names: users through the store's unique indexes, everything else in the
// catalog. It returns Coupa's "Unable to find valid ..." message when nothing matches.
func (f *Fake) resolve(ctx context.Context, el *spec.Element, ref map[string]any) (int64, string, error) {
	norm := ref
	for k := range ref {
		if strings.IndexByte(k, '_') >= 0 {
			norm = make(map[string]any, len(ref))
			for k, v := range ref {
				norm[strings.ReplaceAll(k, "_", "-")] = v
			}
			break
		}
	}
	if el.Object != "UserRef" {
		e, err := f.catalog.Resolve(el.Object, el.Name, norm)
		var nf *catalog.NotFoundError
		if errors.As(err, &nf) {
			return 0, nf.Error(), nil
		}
		if err != nil {
			return 0, "", err
		}
		return e.ID, "", nil
	}
	ob := f.layout.Object("UserRef")
	notFound := func() string {
		return (&catalog.NotFoundError{Object: "User", Field: el.Name, Keys: norm,
			Valid: append([]string{"id"}, ob.NaturalKeys...)}).Error()
	}
	if raw, ok := norm["id"]; ok && raw != nil {
		id, ok := catalog.AsID(raw)
		if !ok {
			return 0, notFound(), nil
		}
		_, found, err := f.store.Get(ctx, id)
		if err != nil || !found {
			return 0, notFound(), err
		}
		return id, "", nil
	}
	var found int64
	for _, k := range ob.NaturalKeys {
		s, ok := norm[k].(string)
		if !ok {
			continue
		}
		u, ok, err := f.store.Lookup(ctx, k, s)
		if err != nil {
			return 0, "", err
		}
		if !ok || (found != 0 && found != u.ID) {
			return 0, notFound(), nil
		}
		found = u.ID
	}
	if found == 0 {
		return 0, notFound(), nil
	}
	return found, "", nil
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
			r.SetTime(a.slot, time.UnixMicro(a.num)) // only fixtures set datetimes
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

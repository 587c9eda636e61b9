package contract

import (
	"slices"
	"strconv"
	"strings"

	"github.com/coupa-kit/coupa-users/spec"
)

// distinctive makes, in write mode, the data a filter check needs when the sample cannot discriminate: a user
// (prefixed, deactivated at the end) whose value on one of the attributes no other user has, and a condition only
// that value satisfies. A server that ignores the filter then returns the sampled users, who do not match, instead
// of the one who does. It reports false in read-only mode and for the attributes and operators it cannot make
// such a value for: it makes the user's own writable strings, booleans and enumerations, for the positive text,
// equality, list and order operators.
func (e *env) distinctive(t *checkRun, attrs []string, op spec.Operator) (cond, map[string]any, bool) {
	if e.r.s.ReadOnly {
		return cond{}, nil, false
	}
	for _, attr := range attrs {
		c, err := newCond(attr, op, "")
		if err != nil || c.field != nil || c.how.negative || c.how.blank {
			continue
		}
		el := c.el
		if !el.In || !el.Out {
			continue
		}
		login := e.loginFor("dst-" + attr)
		body := e.requiredBody("dst-" + attr)
		v, ok := unseenValue(el, login, e.sample)
		if ordered(op) {
			v, c.value, ok = outlier(el, op, login)
		}
		if !ok {
			continue
		}
		s, _ := render(v)
		r := []rune(s)
		switch {
		case ordered(op):
			if _, misses := count(e.sample, c); misses == 0 {
				continue // every sampled user is beyond the outlier too: nothing to tell apart
			}
		case op == spec.Eq:
			c.value = s
		case el.Kind != spec.KindString:
			continue // the text and list operators are judged on free text
		case c.how.list != nil:
			c.value = s + ",ct-matches-nobody"
		case op == spec.Contains:
			c.value = string(r[1 : len(r)-1])
		case op == spec.StartsWith:
			c.value = string(r[:len(r)-1])
		case op == spec.EndsWith:
			c.value = string(r[1:])
		default:
			continue
		}
		body[el.Name] = v
		if el.Name == "login" {
			body["email"] = scalarValue(theSpec().Element("email"), s, 0)
		}
		u, _ := e.create(t, body)
		if c.judge(u) != yes {
			continue // the server changed the value as it stored it: the condition would not find it
		}
		t.note("made user %v with %s=%s, which no sampled user has", u["id"], el.Name, compact(strings.TrimSpace(s), 80))
		return c, u, true
	}
	return cond{}, nil, false
}

func ordered(op spec.Operator) bool {
	return op == spec.Gt || op == spec.GtOrEq || op == spec.Lt || op == spec.LtOrEq
}

// outlier is a string value beyond the sample for an order operator, and the bound the condition names: past
// "zzzz" for gt (a string sorts after its own prefix in every collation, case-insensitive ones included), before
// "aaab" for lt, the value itself for the _or_eq forms. Letters only, so that no collation's treatment of
// punctuation or digits can reorder it. The run's login makes it unique.
func outlier(el *spec.Element, op spec.Operator, login string) (value any, bound string, ok bool) {
	if el.Kind != spec.KindString || len(enumValues(el)) > 0 || el.Pattern != nil {
		return nil, "", false
	}
	var tail strings.Builder
	for _, r := range strings.ToLower(login) {
		switch {
		case r >= 'a' && r <= 'z':
			tail.WriteRune(r)
		case r >= '0' && r <= '9':
			tail.WriteRune('a' + (r - '0'))
		}
	}
	v, bound := "zzzz"+tail.String(), "zzzz"
	if op == spec.Lt || op == spec.LtOrEq {
		v, bound = "aaaa"+tail.String(), "aaab"
	}
	if el.MaxLength > 0 && len(v) > el.MaxLength {
		v = v[:el.MaxLength]
	}
	if op == spec.GtOrEq || op == spec.LtOrEq {
		bound = v
	}
	return v, bound, len(v) > len("zzzz")
}

// distinctiveAssociation makes, in write mode, a user whose association e names an object no sampled user has there,
// borrowed from another element of the same type (a user's approval limit for its invoice self-approval limit),
// and the condition e[field]=that value. It reports false in read-only mode, for associations a request cannot set,
// and when the sample holds no object of the type.
func (e *env) distinctiveAssociation(t *checkRun, el *spec.Element) (cond, map[string]any, bool) {
	field := associationField(el)
	if e.r.s.ReadOnly || !el.In || field == "" {
		return cond{}, nil, false
	}
	c, err := newCond(el.Name+"["+field+"]", spec.Eq, "")
	if err != nil {
		return cond{}, nil, false
	}
	for _, donor := range theSpec().Elements {
		if donor.Object != el.Object {
			continue
		}
		for _, u := range e.sample {
			for _, ob := range objectsOf(u[donor.Name]) {
				v, ok := ob[field].(string)
				if !ok || v == "" {
					continue
				}
				if c.value = v; func() bool { m, _ := count(e.sample, c); return m > 0 }() {
					continue // some sampled user has it there already
				}
				ref := map[string]any{field: v}
				if id, ok := ob["id"]; ok {
					ref = map[string]any{"id": id}
				}
				body := e.requiredBody("dst-" + el.Name)
				if el.List {
					body[el.Name] = []any{ref}
				} else {
					body[el.Name] = ref
				}
				made, _ := e.create(t, body)
				if c.judge(made) != yes {
					return cond{}, nil, false // the server did not keep it as sent
				}
				t.note("made user %v with %s=%s, which no sampled user has there", made["id"], c.attr, compact(v, 80))
				return c, made, true
			}
		}
	}
	return cond{}, nil, false
}

// objectsOf is an association's value as objects: one, a list, or none.
func objectsOf(v any) []map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}
	case []any:
		var out []map[string]any
		for _, i := range x {
			if m, ok := i.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// unseenValue is a value of the element that no sampled user has: a string unique to the run, the boolean the
// sample lacks, an allowed value no sampled user holds.
func unseenValue(el *spec.Element, login string, sample []map[string]any) (any, bool) {
	var seen []string
	for _, u := range sample {
		if s, ok := render(u[el.Name]); ok {
			seen = append(seen, s)
		}
	}
	switch {
	case len(enumValues(el)) > 0:
		for _, v := range enumValues(el) {
			if s, ok := render(v); ok && !slices.Contains(seen, s) {
				return v, true
			}
		}
	case el.Kind == spec.KindBoolean:
		for _, b := range []bool{true, false} {
			if !slices.Contains(seen, strconv.FormatBool(b)) {
				return b, true
			}
		}
	case el.Kind == spec.KindString:
		if s, ok := scalarValue(el, login, 2).(string); ok && len([]rune(s)) >= 8 {
			return s, true
		}
	}
	return nil, false
}

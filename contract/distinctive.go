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
// such a value for: the user's own writable strings, booleans and enumerations, with the positive text, equality and
// list operators.
func (e *env) distinctive(t *checkRun, attrs []string, op spec.Operator) (cond, map[string]any, bool) {
	if e.r.s.ReadOnly {
		return cond{}, nil, false
	}
	for _, attr := range attrs {
		c, err := newCond(attr, op, "")
		if err != nil || c.field != nil || c.how.negative || c.how.blank || c.how.compare != nil && op != spec.Eq {
			continue
		}
		el := c.el
		if !el.In || !el.Out {
			continue
		}
		login := e.loginFor("dst-" + attr)
		body := e.requiredBody("dst-" + attr)
		v, ok := unseenValue(el, login, e.sample)
		if !ok {
			continue
		}
		s, _ := render(v)
		r := []rune(s)
		switch {
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

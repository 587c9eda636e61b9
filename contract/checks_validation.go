package contract

import (
	"fmt"
	"slices"
	"strings"

	"github.com/coupa-kit/coupa-users/spec"
)

// The validation checks: one per required, unique, length-limited and enumerated element of the element table.

func validationChecks() []*check {
	var out []*check
	for _, e := range theSpec().Elements {
		if e.Required && e.In {
			out = append(out, &check{name: "writing/required/" + e.Name, write: true,
				doc: fmt.Sprintf("a create without %s fails with 400 or 422 and Coupa's error body, and creates nothing", e.Name),
				run: func(t *checkRun) { checkRequired(t, e) }})
		}
	}
	for _, e := range theSpec().Elements {
		if e.Unique && e.In {
			out = append(out, &check{name: "writing/unique/" + e.Name, write: true,
				doc: fmt.Sprintf("a create with another user's %s fails with \"has already been taken\"", e.Name),
				run: func(t *checkRun) { checkUnique(t, e) }})
		}
	}
	for _, e := range theSpec().Elements {
		if e.In && e.Kind == spec.KindString && e.MaxLength > 0 {
			out = append(out, &check{name: "writing/max-length/" + e.Name, write: true,
				doc: fmt.Sprintf("%s is at most %d characters: one more fails with an error body and changes nothing", e.Name, e.MaxLength),
				run: func(t *checkRun) {
					checkInvalid(t, e, tooLong(e, t.env.loginFor("base")), "maxLength", fmt.Sprintf("%s is at most %d characters", e.Name, e.MaxLength))
				}})
		}
	}
	for _, e := range theSpec().Elements {
		if e.In && len(enumValues(e)) > 0 {
			out = append(out, &check{name: "writing/enum/" + e.Name, write: true,
				doc: fmt.Sprintf("%s takes only its allowed values: another fails with an error body and changes nothing", e.Name),
				run: func(t *checkRun) {
					checkInvalid(t, e, outsideEnum(e), "enum", fmt.Sprintf("%s is one of %s", e.Name, compact(enumValues(e), 120)))
				}})
		}
	}
	return out
}

func checkRequired(t *checkRun, el *spec.Element) {
	body := t.env.requiredBody("req-" + el.Name)
	delete(body, el.Name)
	ex := t.env.tryCreate(t, body)
	if _, ok := rejected(t, ex, fmt.Sprintf("a create without %s is refused", el.Name), "#/components/schemas/UserCreate/required", "login", "email"); ok {
		notCreated(t, body)
	}
}

// baseState is the base user as show returns it now (refreshed by the checks that might change it).
func (e *env) baseState(t *checkRun) map[string]any {
	u := e.baseUser(t)
	if e.baseNow == nil {
		e.baseNow, _ = e.show(t, userID(u))
	}
	return e.baseNow
}

func checkUnique(t *checkRun, el *spec.Element) {
	base := t.env.baseState(t)
	dup := base[el.Name]
	if dup == nil || dup == "" {
		t.fatal(nil, "the base user keeps the unique values it was created with", elementRef(el, ""), "the base user has no %s", el.Name)
	}
	body := t.env.requiredBody("uniq-" + el.Name)
	body[el.Name] = dup
	ex := t.env.tryCreate(t, body)
	rule := fmt.Sprintf("a create with another user's %s is refused with \"has already been taken\"", el.Name)
	msgs, ok := rejected(t, ex, rule, elementRef(el, "x-coupa-unique"), el.Name)
	if !ok {
		return
	}
	if !slices.ContainsFunc(msgs, func(m string) bool { return strings.Contains(strings.ToLower(m), "has already been taken") }) {
		t.fail(ex, rule, elementRef(el, "x-coupa-unique"), "the errors say %q", msgs)
	}
	if el.Name != "login" {
		notCreated(t, body)
	} else {
		delete(body, "login")
		notCreated(t, body)
	}
}

// checkInvalid sends the base user an update with an invalid value, which must be refused and change nothing.
func checkInvalid(t *checkRun, el *spec.Element, value any, field, rule string) {
	before := t.env.baseState(t)
	id := userID(before)
	ex := t.env.tryUpdate(t, id, map[string]any{el.Name: value})
	rejected(t, ex, rule+": another value is refused", inputRef(el, field), el.Name)
	after, sex := t.env.show(t, id)
	if diff := diffKeys(before, after); len(diff) > 0 {
		t.failBody(sex, compact(pick(after, diff), 600), "a refused request changes nothing", refUpdate+"/responses/400",
			"after the refused update, %s changed (before: %s)", strings.Join(diff, ", "), compact(pick(before, diff), 300))
	}
	t.env.baseNow = after
}

package contract

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/coupa-kit/coupa-users/spec"
)

// The validation checks: one per required, unique, length-limited and enumerated element of the element table, each
// on create and on update. A refusal counts only when its messages name the element: a server that answers every
// bad write with the same message ("Login has already been taken") has not validated anything.

func validationChecks() []*check {
	var out []*check
	for _, e := range theSpec().Elements {
		if e.Required && e.In {
			out = append(out, &check{name: "writing/required/" + e.Name, write: true,
				doc: fmt.Sprintf("a create without %s, or an update blanking it, fails with 400 or 422 and an error naming it, and changes nothing", e.Name),
				run: func(t *checkRun) { checkRequired(t, e) }})
		}
	}
	for _, e := range theSpec().Elements {
		if e.Unique && e.In {
			out = append(out, &check{name: "writing/unique/" + e.Name, write: true,
				doc: fmt.Sprintf("a create, or an update, with another user's %s fails with \"has already been taken\"", e.Name),
				run: func(t *checkRun) { checkUnique(t, e) }})
		}
	}
	for _, e := range theSpec().Elements {
		if e.In && e.Kind == spec.KindString && e.MaxLength > 0 {
			out = append(out, &check{name: "writing/max-length/" + e.Name, write: true,
				doc: fmt.Sprintf("%s is at most %d characters: one more fails a create and an update with an error naming it, and changes nothing", e.Name, e.MaxLength),
				run: func(t *checkRun) {
					checkInvalid(t, e, tooLong(e, t.env.loginFor("base")), "maxLength", fmt.Sprintf("%s is at most %d characters", e.Name, e.MaxLength))
				}})
		}
	}
	for _, e := range theSpec().Elements {
		if e.In && len(enumValues(e)) > 0 {
			out = append(out, &check{name: "writing/enum/" + e.Name, write: true,
				doc: fmt.Sprintf("%s takes only its allowed values: another fails a create and an update with an error naming it, and changes nothing", e.Name),
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
	rule := fmt.Sprintf("a create without %s is refused", el.Name)
	if msgs, ok := rejected(t, ex, rule, "#/components/schemas/UserCreate/required", "login", "email"); ok {
		named(t, ex, msgs, el, rule, "#/components/schemas/UserCreate/required")
		notCreated(t, body)
	}
	refuseUpdate(t, el, "", fmt.Sprintf("an update that blanks %s is refused", el.Name), elementRef(el, ""))
}

// named records a failure unless one of a refusal's messages names the element.
func named(t *checkRun, ex *exchange, msgs []string, el *spec.Element, rule, ref string) {
	if !namesElement(msgs, el) {
		t.fail(ex, rule+", with an error naming "+el.Name, ref, "the errors %q do not name %s", msgs, el.Name)
	}
}

// namesElement reports whether a message names the element in any of the spellings Coupa's labels take: "First
// Name", "Firstname", "firstname", "first_name" all name firstname; "Sso Identifier" names sso-identifier.
func namesElement(msgs []string, el *spec.Element) bool {
	want := []string{squash(el.Name)}
	if el.SeedName != "" {
		want = append(want, squash(el.SeedName))
	}
	for _, m := range msgs {
		m = squash(m)
		for _, w := range want {
			if w != "" && strings.Contains(m, w) {
				return true
			}
		}
	}
	return false
}

// squash keeps a text's letters and digits, lower-cased: the words of a label without their spacing.
func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
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
	if msgs, ok := rejected(t, ex, rule, elementRef(el, "x-coupa-unique"), el.Name); ok {
		takenNamed(t, ex, msgs, el, rule)
		if el.Name != "login" {
			notCreated(t, body)
		} else {
			delete(body, "login")
			notCreated(t, body)
		}
	}
	// On update: another user, made for the check, takes the base user's value.
	other, _ := t.env.create(t, t.env.requiredBody("uniq-upd-"+el.Name))
	id := userID(other)
	before, _ := t.env.show(t, id)
	ex = t.env.tryUpdate(t, id, map[string]any{el.Name: dup})
	rule = fmt.Sprintf("an update to another user's %s is refused with \"has already been taken\"", el.Name)
	if msgs, ok := rejected(t, ex, rule, elementRef(el, "x-coupa-unique"), el.Name); ok {
		takenNamed(t, ex, msgs, el, rule)
	}
	unchanged(t, id, before)
}

// takenNamed records a failure unless a message says the element "has already been taken".
func takenNamed(t *checkRun, ex *exchange, msgs []string, el *spec.Element, rule string) {
	if !slices.ContainsFunc(msgs, func(m string) bool {
		return strings.Contains(strings.ToLower(m), "has already been taken") && namesElement([]string{m}, el)
	}) {
		t.fail(ex, rule, elementRef(el, "x-coupa-unique"), "the errors say %q", msgs)
	}
}

// checkInvalid sends a create and an update of the base user with an invalid value: each must be refused with a
// message naming the element, and change nothing.
func checkInvalid(t *checkRun, el *spec.Element, value any, field, rule string) {
	body := t.env.requiredBody("bad-" + el.Name)
	body[el.Name] = value
	ex := t.env.tryCreate(t, body)
	if msgs, ok := rejected(t, ex, rule+": a create with another value is refused", inputRef(el, field), el.Name); ok {
		named(t, ex, msgs, el, rule+": a create with another value is refused", inputRef(el, field))
		if el.Name == "login" {
			delete(body, "login")
		}
		notCreated(t, body)
	}
	refuseUpdate(t, el, value, rule+": an update to another value is refused", inputRef(el, field))
}

// refuseUpdate sends the base user an update setting el to value, which must be refused with a message naming el
// and change nothing.
func refuseUpdate(t *checkRun, el *spec.Element, value any, rule, ref string) {
	before := t.env.baseState(t)
	id := userID(before)
	ex := t.env.tryUpdate(t, id, map[string]any{el.Name: value})
	if msgs, ok := rejected(t, ex, rule, ref, el.Name); ok {
		named(t, ex, msgs, el, rule, ref)
	}
	t.env.baseNow = unchanged(t, id, before)
}

// unchanged shows the user again and records a failure if it differs from before; it returns the user as shown.
func unchanged(t *checkRun, id int64, before map[string]any) map[string]any {
	after, sex := t.env.show(t, id)
	if diff := diffKeys(before, after); len(diff) > 0 {
		t.failBody(sex, compact(pick(after, diff), 600), "a refused request changes nothing", refUpdate+"/responses/400",
			"after the refused update, %s changed (before: %s)", strings.Join(diff, ", "), compact(pick(before, diff), 300))
	}
	return after
}

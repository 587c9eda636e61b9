package contract

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/coupa-kit/coupa-users/spec"
)

// The values the writing checks send are derived from the element table: a string of the element's maximum length
// at most, one of its enum values, a boolean, or a reference to an object the sample shows exists. Everything a run
// creates carries the run's prefix.

// emailDomain is the domain of the e-mail addresses the suite makes up (reserved by RFC 2606: nothing is ever sent
// there).
const emailDomain = "@example.com"

// loginFor is the login of a user this format's checks create ("ct-1a2b3c4d-j-base").
func (e *env) loginFor(suffix string) string { return e.tag + "-" + suffix }

// requiredBody is a create body with every required element, for the user whose login ends in suffix.
func (e *env) requiredBody(suffix string) map[string]any {
	login := e.loginFor(suffix)
	body := map[string]any{}
	for _, el := range createRequired() {
		body[el.Name] = scalarValue(el, login, 0)
	}
	return body
}

// scalarValue is a valid value of a scalar element for the user with that login; variant picks another one (an
// update's). "login" and "email" are special: the login is the user's own, and e-mail addresses must look like one.
func scalarValue(el *spec.Element, login string, variant int) any {
	suffix := ""
	if variant > 0 {
		suffix = "-v" + strconv.Itoa(variant)
	}
	switch el.Kind {
	case spec.KindString:
		if en := enumValues(el); len(en) > 0 {
			return en[variant%len(en)]
		}
		switch el.Name {
		case "login":
			return fit(login+suffix, el.MaxLength)
		case "email":
			return login + suffix + emailDomain
		}
		return fit(login+"-"+el.Name+suffix, el.MaxLength)
	case spec.KindInteger:
		if en := enumValues(el); len(en) > 0 {
			return en[(variant+1)%len(en)]
		}
		return int64(1 - variant%2)
	case spec.KindBoolean:
		return variant%2 == 0
	case spec.KindDecimal:
		return strconv.Itoa(100+variant) + ".00"
	}
	return nil
}

// fit cuts s to max runes (no limit when max is 0), keeping its beginning (the run's prefix).
func fit(s string, max int) string {
	r := []rune(s)
	if max > 0 && len(r) > max {
		return string(r[:max])
	}
	return s
}

// tooLong is a value one character longer than the element's maximum, still well formed (an e-mail address for
// email) and unique to the run.
func tooLong(el *spec.Element, login string) string {
	n := el.MaxLength + 1
	if el.Name == "email" {
		local := login + "-"
		pad := n - len(local) - len(emailDomain)
		if pad < 1 {
			pad = 1
		}
		return local + strings.Repeat("x", pad) + emailDomain
	}
	s := login + "-"
	if len(s) >= n {
		return strings.Repeat("x", n)
	}
	return s + strings.Repeat("x", n-len(s))
}

// outsideEnum is a value of the element's type that its enum does not allow (and its maximum length does).
func outsideEnum(el *spec.Element) any {
	if el.Kind == spec.KindInteger {
		var top int64
		for _, v := range enumValues(el) {
			if n, ok := toInt(v); ok && n > top {
				top = n
			}
		}
		return top + 7
	}
	v := fit("ct-not-an-option", el.MaxLength)
	for slices.ContainsFunc(enumValues(el), func(x any) bool { return fmt.Sprint(x) == v }) {
		v = fit("zz"+v, el.MaxLength)
	}
	return v
}

func toInt(v any) (int64, bool) {
	switch x := v.(type) {
	case float64:
		return int64(x), true
	case int:
		return int64(x), true
	case int64:
		return x, true
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// known collects the associated objects the sample shows, by object type, distinct by id, in order of appearance:
// the objects the writing checks may refer to. Inactive objects and omnipotent roles are left out (a test user gets
// no administrator rights). Users are the sample's own users.
func (e *env) known(t *checkRun) map[string][]map[string]any {
	sample := e.getSample(t)
	out := map[string][]map[string]any{}
	seen := map[string]bool{}
	add := func(object string, m map[string]any) {
		id, ok := idOf(m)
		if !ok {
			return
		}
		if active, isBool := m["active"].(bool); isBool && !active {
			return
		}
		if omni, _ := m["omnipotent"].(bool); omni {
			return
		}
		key := object + "#" + strconv.FormatInt(id, 10)
		if seen[key] {
			return
		}
		seen[key] = true
		out[object] = append(out[object], m)
	}
	for _, u := range sample {
		if active, _ := u["active"].(bool); active {
			add(spec.UserRef, u)
		}
		for _, el := range e.r.sp.Elements {
			if el.Kind != spec.KindObject || ownedByValue(el.Object) || el.Object == spec.UserRef {
				continue
			}
			switch v := u[el.Name].(type) {
			case map[string]any:
				add(el.Object, v)
			case []any:
				for _, item := range v {
					if m, ok := item.(map[string]any); ok {
						add(el.Object, m)
					}
				}
			}
		}
	}
	return out
}

// reference is how a request refers to an existing object: by id, or by its first natural key the request schema
// accepts (the candidate must have a value for it). ok is false when it cannot be referred to that way.
func reference(object string, cand map[string]any, byKey bool) (map[string]any, bool) {
	if !byKey {
		id, ok := idOf(cand)
		return map[string]any{"id": id}, ok
	}
	input := inputObject(object)
	ob := theSpec().Objects[object]
	if input == nil || ob == nil {
		return nil, false
	}
	for _, k := range ob.NaturalKeys {
		if input.Properties[k] == nil {
			continue
		}
		if s, ok := cand[k].(string); ok && s != "" {
			return map[string]any{k: s}, true
		}
	}
	return nil, false
}

// ownedValue is an object sent by value (a phone number): every string property of its request schema, as digits
// within its maximum length.
func ownedValue(object string, variant int) map[string]any {
	input := inputObject(object)
	out := map[string]any{}
	if input == nil {
		return out
	}
	for i, name := range sortedKeys(input.Properties) {
		p := input.Properties[name].Value
		if p == nil || !p.Type.Is("string") {
			continue
		}
		n := 7
		if p.MaxLength != nil && *p.MaxLength < 20 {
			n = 3
		}
		digits := strconv.Itoa(1000000 + 7919*(i+1) + 104729*variant)
		out[name] = digits[len(digits)-n:]
	}
	return out
}

// fixture returns a user the format's checks share, creating it on first use; a failure to create it is replayed
// in every check that needs it.
func (e *env) fixture(t *checkRun, name string, body func() map[string]any) map[string]any {
	fx, ok := e.fixtures[name]
	if !ok {
		fx = &fixture{}
		e.fixtures[name] = fx
		ex := e.tryCreate(t, body())
		u, isMap := ex.value.(map[string]any)
		_, hasID := idOf(u)
		if ex.err != nil || (ex.status != http.StatusCreated && ex.status != http.StatusOK) || !isMap || !hasID {
			fx.fail = &Failure{
				Message:  fmt.Sprintf("could not create the %q user the check needs: status %d", name, ex.status),
				Rule:     "create answers 201 (or 200) with the user",
				Spec:     refCreate,
				Request:  reqEvidence(ex),
				Response: respEvidence(ex, excerpt(ex.body, 600)),
			}
		} else {
			fx.user = u
		}
	}
	if fx.fail != nil {
		t.failures = append(t.failures, *fx.fail)
		panic(stop{})
	}
	return fx.user
}

// baseUser is the user the validation checks write their refused values to, and whose unique values the unique
// checks repeat: every required element, and every unique one.
func (e *env) baseUser(t *checkRun) map[string]any {
	return e.fixture(t, "base", func() map[string]any {
		body := e.requiredBody("base")
		for _, el := range e.r.sp.Elements {
			if el.Unique && el.In && body[el.Name] == nil {
				body[el.Name] = scalarValue(el, e.loginFor("base"), 0)
			}
		}
		return body
	})
}

// userID is a user's id, which fixtures always have.
func userID(u map[string]any) int64 {
	id, _ := idOf(u)
	return id
}

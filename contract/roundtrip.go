package contract

import (
	"fmt"
	"slices"
	"strings"

	"github.com/coupa-kit/coupa-users/spec"
)

// expectation is what show must return for an element a request set.
type expectation struct {
	el *spec.Element
	// value is the scalar sent, or the object sent by value.
	value any
	// ids are the ids of the objects referred to (one for a single association).
	ids []int64
	// kept are the ids a list held before an update: they may remain, since Coupa's playbooks describe roles on
	// update as additive (a non-empty list adds), while other implementations replace.
	kept []int64
}

// mayKeep lets the list expectations of an update accept the ids the user held before (before is a show).
func mayKeep(exp []expectation, before map[string]any) {
	for i := range exp {
		if x := &exp[i]; x.el.List && !ownedByValue(x.el.Object) {
			list, _ := before[x.el.Name].([]any)
			for _, item := range list {
				m, _ := item.(map[string]any)
				if id, ok := idOf(m); ok {
					x.kept = append(x.kept, id)
				}
			}
		}
	}
}

// met checks the element in a record.
func (x expectation) met(u map[string]any) bool {
	got := u[x.el.Name]
	switch {
	case x.el.Kind != spec.KindObject:
		return sameValue(got, x.value)
	case ownedByValue(x.el.Object):
		m, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range x.value.(map[string]any) {
			if !sameValue(m[k], v) {
				return false
			}
		}
		return true
	case x.el.List:
		list, ok := got.([]any)
		if !ok && got != nil {
			return false
		}
		var have []int64
		for _, item := range list {
			m, _ := item.(map[string]any)
			id, ok := idOf(m)
			if !ok {
				return false
			}
			have = append(have, id)
		}
		// Every id sent, and nothing else but what the user may keep (replaced or added to).
		for _, id := range x.ids {
			if !slices.Contains(have, id) {
				return false
			}
		}
		for _, id := range have {
			if !slices.Contains(x.ids, id) && !slices.Contains(x.kept, id) {
				return false
			}
		}
		return len(have) == len(slices.Compact(slices.Sorted(slices.Values(have))))
	default:
		m, _ := got.(map[string]any)
		id, ok := idOf(m)
		return ok && id == x.ids[0]
	}
}

// want renders the expectation for messages.
func (x expectation) want() string {
	switch {
	case x.el.Kind != spec.KindObject || ownedByValue(x.el.Object):
		return compact(x.value, 200)
	case x.el.List:
		return fmt.Sprintf("ids %v", x.ids)
	}
	return fmt.Sprintf("id %d", x.ids[0])
}

// roundTripElements are the elements sent and returned, which a round trip can compare: every input-and-output
// element but active (deactivation has its own check) and custom-fields (which fields exist is each tenant's
// setup, unknown to the suite).
func roundTripElements() []*spec.Element {
	var out []*spec.Element
	for _, e := range theSpec().Elements {
		if ob := theSpec().Objects[e.Object]; ob != nil && ob.Namespace {
			continue
		}
		if e.In && e.Out && e.Name != "active" {
			out = append(out, e)
		}
	}
	return out
}

// users are the users a round trip may refer to (manager): this format's own fixtures, so that a live tenant's real
// users are never touched.
func (e *env) refUsers(t *checkRun) []map[string]any {
	return []map[string]any{e.baseUser(t), e.fixture(t, "peer", func() map[string]any { return e.requiredBody("peer") })}
}

// setBody builds a body that sets every element given, with values of the variant, associations referred to by
// natural key (byKey) or id. Elements it cannot set (no known object to refer to) are returned as skipped.
func (e *env) setBody(t *checkRun, els []*spec.Element, login string, variant int, byKey bool) (map[string]any, []expectation, []string) {
	known := e.known(t)
	body := map[string]any{}
	var exp []expectation
	var skipped []string
	for _, el := range els {
		if el.Kind != spec.KindObject {
			v := scalarValue(el, login, variant)
			body[el.Name] = v
			exp = append(exp, expectation{el: el, value: v})
			continue
		}
		if ownedByValue(el.Object) {
			v := ownedValue(el.Object, variant)
			body[el.Name] = v
			exp = append(exp, expectation{el: el, value: v})
			continue
		}
		cands := known[el.Object]
		if el.Object == spec.UserRef {
			cands = e.refUsers(t)
		}
		if len(cands) == 0 {
			skipped = append(skipped, el.Name+" (no known "+el.Object+")")
			continue
		}
		var chosen []map[string]any
		switch {
		case !el.List:
			chosen = cands[variant%len(cands) : variant%len(cands)+1]
		case variant%2 == 0:
			chosen = cands[:min(2, len(cands))]
		default:
			chosen = cands[len(cands)-1:]
		}
		var refs []any
		var idList []int64
		for _, c := range chosen {
			ref, ok := reference(el.Object, c, byKey)
			if !ok {
				continue
			}
			id, _ := idOf(c)
			refs = append(refs, ref)
			idList = append(idList, id)
		}
		if len(refs) == 0 {
			skipped = append(skipped, el.Name+" (no natural key to refer to a "+el.Object+" by)")
			continue
		}
		if el.List {
			body[el.Name] = refs
		} else {
			body[el.Name] = refs[0]
		}
		exp = append(exp, expectation{el: el, ids: idList})
	}
	return body, exp, skipped
}

// verifyExpectations checks a record (from show) against what was sent.
func verifyExpectations(t *checkRun, ex *exchange, u map[string]any, exp []expectation, rule string) {
	var bad []string
	for _, x := range exp {
		if !x.met(u) {
			bad = append(bad, fmt.Sprintf("%s: sent %s, got %s", x.el.Name, x.want(), compact(u[x.el.Name], 200)))
		}
	}
	if len(bad) > 0 {
		names := make([]string, 0, len(bad))
		for _, b := range bad {
			name, _, _ := strings.Cut(b, ":")
			names = append(names, name)
		}
		t.failBody(ex, compact(pick(u, names), maxEvidence), rule, "#/components/schemas/User",
			"%d element(s) did not come back as sent: %s", len(bad), strings.Join(bad, "; "))
	}
}

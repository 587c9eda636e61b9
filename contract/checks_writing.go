package contract

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/coupa-kit/coupa-users/spec"
)

func writingChecks() []*check {
	return []*check{
		{name: "writing/create/required-only", write: true, doc: "a create with only the required elements succeeds (201 or 200) and the server fills its defaults", run: checkCreateRequiredOnly},
		{name: "writing/round-trip/create", write: true, doc: "every input-and-output element sent on create comes back equal on show", run: func(t *checkRun) { checkRoundTrip(t, false) }},
		{name: "writing/round-trip/update", write: true, doc: "every input-and-output element sent on update comes back equal on show", run: func(t *checkRun) { checkRoundTrip(t, true) }},
		{name: "writing/update/partial", write: true, doc: "an update changes the elements sent and nothing else, and persists", run: checkPartialUpdate},
		{name: "writing/update/fullname", write: true, doc: "fullname follows firstname and lastname", run: checkFullname},
		{name: "writing/deactivate-reactivate", write: true, doc: "{\"active\": false} deactivates (status=active no longer finds the user), {\"active\": true} reactivates", run: checkDeactivate},
		{name: "writing/associations/by-id", write: true, doc: "associations set by id come back on show", run: func(t *checkRun) { checkAssociations(t, false) }},
		{name: "writing/associations/by-natural-key", write: true, doc: "associations set by natural key (login, code, name...) come back on show", run: func(t *checkRun) { checkAssociations(t, true) }},
		{name: "writing/associations/unresolvable", write: true, doc: "an unresolvable reference fails a create with an error body (an update may ignore it), and changes nothing", run: checkUnresolvable},
		{name: "writing/output-only-ignored", write: true, doc: "output-only elements in a request are ignored", run: checkOutputOnlyIgnored},
		{name: "writing/failed-request-changes-nothing", write: true, doc: "a refused update changes nothing, not even the valid part of it (show before and after)", run: checkFailedChangesNothing},
		{name: "writing/no-delete", write: true, doc: "DELETE is not an operation: it is refused with a 4xx and the user is still there", run: checkNoDelete},
	}
}

func checkCreateRequiredOnly(t *checkRun) {
	body := t.env.requiredBody("min")
	created, _ := t.env.create(t, body)
	id, _ := idOf(created)
	u, sex := t.env.show(t, id)
	rule := "create fills the server's defaults: active, coupa_credentials, fullname, the User role, a default currency, licence flags off"
	ref := refCreate + "/description"
	for k, v := range body {
		if !sameValue(u[k], v) {
			t.failBody(sex, compact(u[k], 200), "create stores what it was sent", "#/components/schemas/UserCreate", "%s: sent %s, show says %s", k, compact(v, 100), compact(u[k], 100))
		}
	}
	want := map[string]any{"active": true, "authentication-method": "coupa_credentials",
		"fullname": strings.TrimSpace(fmt.Sprint(body["firstname"]) + " " + fmt.Sprint(body["lastname"]))}
	for _, k := range sortedKeys(want) {
		if theSpec().Element(k) != nil && !sameValue(u[k], want[k]) {
			t.failBody(sex, compact(u[k], 200), rule, ref, "%s is %s, want %s", k, compact(u[k], 100), compact(want[k], 100))
		}
	}
	if theSpec().Element("default-currency") != nil && u["default-currency"] == nil {
		t.fail(sex, rule, ref, "default-currency is null: the instance's currency is the default")
	}
	if theSpec().Element("mention-name") != nil {
		if s, ok := u["mention-name"].(string); u["mention-name"] != nil && (!ok || s == "") {
			t.fail(sex, rule, ref, "mention-name is %s: the server derives one", compact(u["mention-name"], 100))
		}
	}
	if theSpec().Element("roles") != nil {
		roles, _ := u["roles"].([]any)
		if !slices.ContainsFunc(roles, func(r any) bool { m, _ := r.(map[string]any); return m["name"] == "User" }) {
			t.failBody(sex, compact(u["roles"], 300), rule, ref, "the roles do not include User")
		}
	}
	for _, e := range theSpec().Elements {
		if e.Kind == spec.KindBoolean && e.In && e.Out && e.Name != "active" && body[e.Name] == nil {
			if b, _ := u[e.Name].(bool); b {
				t.fail(sex, rule, ref, "%s is true: licence flags default to false", e.Name)
			}
		}
	}
}

func checkRoundTrip(t *checkRun, update bool) {
	name := "rt-create"
	if update {
		name = "rt-update"
	}
	login := t.env.loginFor(name)
	els := roundTripElements()
	body, exp, skipped := t.env.setBody(t, els, login, 0, true)
	created, _ := t.env.create(t, body)
	id, _ := idOf(created)
	rule := "every input-and-output element sent comes back equal on show"
	if update {
		login = t.env.loginFor(name + "-v1")
		body, exp, skipped = t.env.setBody(t, els, login, 1, false)
		before, _ := t.env.show(t, id)
		mayKeep(exp, before)
		t.env.update(t, id, body)
	}
	u, sex := t.env.show(t, id)
	t.note("%d elements sent", len(exp))
	if len(skipped) > 0 {
		t.note("not sent: %s", strings.Join(skipped, ", "))
	}
	verifyExpectations(t, sex, u, exp, rule)
	if len(skipped) > 0 && !t.failed() && len(exp) == 0 {
		t.skip("no element could be sent: %s", strings.Join(skipped, ", "))
	}
}

// partialElement is the element a partial update changes: the first optional, non-unique, free-text element.
func partialElement() *spec.Element {
	for _, e := range theSpec().Elements {
		if e.In && e.Out && e.Kind == spec.KindString && !e.Required && !e.Unique && len(e.Enum) == 0 {
			return e
		}
	}
	return nil
}

// serverMaintained are the elements every write changes.
var serverMaintained = []string{"updated-at", "updated-by"}

func checkPartialUpdate(t *checkRun) {
	el := partialElement()
	if el == nil {
		t.skip("the spec has no optional free-text element to update")
	}
	u := t.env.fixture(t, "update", func() map[string]any { return t.env.requiredBody("update") })
	id := userID(u)
	before, _ := t.env.show(t, id)
	v := scalarValue(el, t.env.loginFor("update"), 3)
	resp, ex := t.env.update(t, id, map[string]any{el.Name: v})
	rule := "an update changes the elements sent, and only those, and the change persists"
	if !sameValue(resp[el.Name], v) {
		t.failBody(ex, compact(resp[el.Name], 200), rule, refUpdate, "the update's answer has %s=%s, sent %s", el.Name, compact(resp[el.Name], 100), compact(v, 100))
	}
	after, sex := t.env.show(t, id)
	if !sameValue(after[el.Name], v) {
		t.failBody(sex, compact(after[el.Name], 200), rule, refUpdate, "show has %s=%s after the update sent %s", el.Name, compact(after[el.Name], 100), compact(v, 100))
	}
	if diff := diffKeys(before, after, append([]string{el.Name}, serverMaintained...)...); len(diff) > 0 {
		t.failBody(sex, compact(pick(after, diff), 600), rule, refUpdate, "sending only %s also changed %s (before: %s)", el.Name, strings.Join(diff, ", "), compact(pick(before, diff), 300))
	}
}

func checkFullname(t *checkRun) {
	first, last := theSpec().Element("firstname"), theSpec().Element("lastname")
	if first == nil || last == nil || theSpec().Element("fullname") == nil {
		t.skip("the spec has no firstname, lastname and fullname")
	}
	u := t.env.fixture(t, "update", func() map[string]any { return t.env.requiredBody("update") })
	id := userID(u)
	login := t.env.loginFor("update")
	f, l := scalarValue(first, login, 5), scalarValue(last, login, 5)
	want := strings.TrimSpace(fmt.Sprint(f) + " " + fmt.Sprint(l))
	resp, ex := t.env.update(t, id, map[string]any{"firstname": f, "lastname": l})
	rule := "fullname is \"firstname lastname\", recomputed on every update"
	if resp["fullname"] != want {
		t.failBody(ex, compact(resp["fullname"], 200), rule, refUpdate+"/description", "the update's answer has fullname %s, want %q", compact(resp["fullname"], 100), want)
	}
	after, sex := t.env.show(t, id)
	if after["fullname"] != want {
		t.failBody(sex, compact(after["fullname"], 200), rule, refUpdate+"/description", "show has fullname %s, want %q", compact(after["fullname"], 100), want)
	}
}

func checkDeactivate(t *checkRun) {
	u := t.env.fixture(t, "active", func() map[string]any { return t.env.requiredBody("active") })
	id := userID(u)
	login, _ := u["login"].(string)
	rule := "{\"active\": false} deactivates a user, {\"active\": true} reactivates it"
	ref := refUpdate + "/description"
	resp, ex := t.env.update(t, id, map[string]any{"active": false})
	if resp["active"] != false {
		t.fail(ex, rule, ref, "the answer to {\"active\": false} has active=%s", compact(resp["active"], 50))
	}
	after, sex := t.env.show(t, id)
	if after["active"] != false {
		t.fail(sex, rule, ref, "after {\"active\": false}, show has active=%s", compact(after["active"], 50))
	}
	found, fex := t.env.index(t, q("status", "active", "login", login))
	if len(found) > 0 {
		t.fail(fex, "status=active leaves inactive users out", "#/components/parameters/status", "status=active still finds the deactivated user %d", id)
	}
	found, fex = t.env.index(t, q("login", login))
	if !slices.Contains(ids(found), id) {
		t.fail(fex, "a deactivated user still exists (users are never deleted)", ref, "login=%s no longer finds user %d", login, id)
	}
	resp, ex = t.env.update(t, id, map[string]any{"active": true})
	if resp["active"] != true {
		t.fail(ex, rule, ref, "the answer to {\"active\": true} has active=%s", compact(resp["active"], 50))
	}
	if after, sex = t.env.show(t, id); after["active"] != true {
		t.fail(sex, rule, ref, "after {\"active\": true}, show has active=%s", compact(after["active"], 50))
	}
}

// associationElements are the input-and-output elements that refer to other records.
func associationElements() []*spec.Element {
	var out []*spec.Element
	for _, e := range roundTripElements() {
		if e.Kind == spec.KindObject && !ownedByValue(e.Object) {
			out = append(out, e)
		}
	}
	return out
}

func checkAssociations(t *checkRun, byKey bool) {
	u := t.env.fixture(t, "assoc", func() map[string]any { return t.env.requiredBody("assoc") })
	id := userID(u)
	variant := 1
	if byKey {
		variant = 0
	}
	body, exp, skipped := t.env.setBody(t, associationElements(), t.env.loginFor("assoc"), variant, byKey)
	if len(exp) == 0 {
		t.skip("no association could be set: %s", strings.Join(skipped, ", "))
	}
	before, _ := t.env.show(t, id)
	mayKeep(exp, before)
	t.env.update(t, id, body)
	t.note("%d associations sent", len(exp))
	if len(skipped) > 0 {
		t.note("not sent: %s", strings.Join(skipped, ", "))
	}
	after, sex := t.env.show(t, id)
	how := "id"
	if byKey {
		how = "natural key"
	}
	verifyExpectations(t, sex, after, exp, "associations set by "+how+" come back on show")
}

// unresolvableElement is the association the unresolvable check refers through: a single association to users
// (manager), else the first single association with a natural key.
func unresolvableElement() (*spec.Element, string) {
	var fallback *spec.Element
	for _, e := range associationElements() {
		if e.List || len(theSpec().Objects[e.Object].NaturalKeys) == 0 {
			continue
		}
		if e.Object == spec.UserRef {
			return e, theSpec().Objects[e.Object].NaturalKeys[0]
		}
		if fallback == nil {
			fallback = e
		}
	}
	if fallback == nil {
		return nil, ""
	}
	return fallback, theSpec().Objects[fallback.Object].NaturalKeys[0]
}

func checkUnresolvable(t *checkRun) {
	el, key := unresolvableElement()
	if el == nil {
		t.skip("the spec has no association with a natural key")
	}
	nobody := map[string]any{key: t.env.loginFor("nobody")}
	body := t.env.requiredBody("unresolvable")
	body[el.Name] = nobody
	ex := t.env.tryCreate(t, body)
	rule := "a reference that does not resolve fails a create (\"Unable to find valid ... record\")"
	if _, ok := rejected(t, ex, rule, refCreate+"/responses/400", "login", el.Name); ok {
		notCreated(t, body)
	}
	u := t.env.fixture(t, "assoc", func() map[string]any { return t.env.requiredBody("assoc") })
	id := userID(u)
	before, _ := t.env.show(t, id)
	uex := t.env.tryUpdate(t, id, map[string]any{el.Name: nobody})
	if uex.status != http.StatusOK {
		rejected(t, uex, "an update with an unresolvable reference is ignored (200) or refused (400, 422)", refUpdate+"/description", el.Name)
	}
	after, sex := t.env.show(t, id)
	if !sameValue(before[el.Name], after[el.Name]) {
		t.failBody(sex, compact(after[el.Name], 300), "an unresolvable reference changes nothing", refUpdate+"/description",
			"%s changed from %s", el.Name, compact(before[el.Name], 200))
	}
}

// notCreated checks that a refused create left no user behind (looked up by login, or e-mail when there is none).
func notCreated(t *checkRun, body map[string]any) {
	key := "login"
	if body["login"] == nil {
		key = "email"
	}
	v, ok := body[key].(string)
	if !ok || theSpec().Element(key) == nil {
		return
	}
	found, ex := t.env.index(t, q(key, v))
	for _, u := range found {
		if u[key] == v {
			t.env.noteCreated(t, &exchange{status: http.StatusCreated, value: u})
			t.fail(ex, "a refused request changes nothing", refCreate, "the refused create left user %s behind", compact(u["id"], 20))
		}
	}
}

// outputOnlyValue is a well-typed value for an output-only element, different from the current one.
func outputOnlyValue(t *checkRun, el *spec.Element, current any) (any, bool) {
	switch el.Kind {
	case spec.KindInteger:
		n, _ := current.(float64)
		return int64(n) + 1000000000, true
	case spec.KindBoolean:
		b, _ := current.(bool)
		return !b, true
	case spec.KindDateTime:
		return "2001-02-03T04:05:06+00:00", true
	case spec.KindString, spec.KindDecimal:
		return fit("ct-ignored", el.MaxLength), true
	case spec.KindObject:
		cands := t.env.known(t)[el.Object]
		if el.Object == spec.UserRef {
			cands = t.env.refUsers(t)
		}
		if len(cands) == 0 {
			return nil, false
		}
		ref, _ := reference(el.Object, cands[len(cands)-1], false)
		if el.List {
			return []any{ref}, true
		}
		return ref, true
	}
	return nil, false
}

func checkOutputOnlyIgnored(t *checkRun) {
	u := t.env.fixture(t, "update", func() map[string]any { return t.env.requiredBody("update") })
	id := userID(u)
	before, _ := t.env.show(t, id)
	body := map[string]any{}
	for _, el := range theSpec().Elements {
		if el.Out && !el.In {
			if v, ok := outputOnlyValue(t, el, before[el.Name]); ok {
				body[el.Name] = v
			}
		}
	}
	if len(body) == 0 {
		t.skip("the spec has no output-only element")
	}
	ex := t.env.tryUpdate(t, id, body)
	rule := "output-only elements in a request are ignored: the update succeeds and leaves them as they were"
	ref := "#/components/schemas/UserUpdate/description"
	if ex.status != http.StatusOK {
		t.fatal(ex, rule, ref, "an update carrying output-only elements answered %d", ex.status)
	}
	after, sex := t.env.show(t, id)
	var changed []string
	for _, k := range sortedKeys(body) {
		if slices.Contains(serverMaintained, k) {
			if sameValue(after[k], body[k]) {
				changed = append(changed, k)
			}
			continue
		}
		if !sameValue(before[k], after[k]) {
			changed = append(changed, k)
		}
	}
	if len(changed) > 0 {
		t.failBody(sex, compact(pick(after, changed), 600), rule, ref, "the update changed %s (sent %s)", strings.Join(changed, ", "), compact(pick(body, changed), 300))
	}
}

// lengthLimited is the first input element with a maximum length, for requests that must fail.
func lengthLimited() *spec.Element {
	for _, e := range theSpec().Elements {
		if e.In && e.Out && e.Kind == spec.KindString && e.MaxLength > 0 && len(e.Enum) == 0 && !e.Unique {
			return e
		}
	}
	return nil
}

func checkFailedChangesNothing(t *checkRun) {
	good, bad := partialElement(), lengthLimited()
	if good == nil || bad == nil {
		t.skip("the spec has no free-text element or no length-limited one")
	}
	u := t.env.fixture(t, "update", func() map[string]any { return t.env.requiredBody("update") })
	id := userID(u)
	login := t.env.loginFor("update")
	before, _ := t.env.show(t, id)
	body := map[string]any{good.Name: scalarValue(good, login, 7), bad.Name: tooLong(bad, login)}
	ex := t.env.tryUpdate(t, id, body)
	rejected(t, ex, fmt.Sprintf("an update with %s over %d characters is refused", bad.Name, bad.MaxLength), inputRef(bad, "maxLength"), good.Name, bad.Name)
	after, sex := t.env.show(t, id)
	if diff := diffKeys(before, after); len(diff) > 0 {
		t.failBody(sex, compact(pick(after, diff), 600), "a refused request changes nothing", refUpdate+"/responses/400",
			"after the refused update, %s changed (before: %s)", strings.Join(diff, ", "), compact(pick(before, diff), 300))
	}
}

func checkNoDelete(t *checkRun) {
	u := t.env.fixture(t, "delete", func() map[string]any { return t.env.requiredBody("delete") })
	id := userID(u)
	ex := t.do(request{method: http.MethodDelete, path: "/api/users/" + strconv.FormatInt(id, 10)})
	rule := "users are never deleted: DELETE is refused (users are deactivated instead)"
	if ex.status < 400 || ex.status > 499 {
		t.fail(ex, rule, "#/paths/~1api~1users~1{id}", "DELETE /api/users/%d answered %d", id, ex.status)
	}
	sex := t.get("/api/users/"+strconv.FormatInt(id, 10), nil)
	if sex.status != http.StatusOK {
		t.fail(sex, rule, "#/paths/~1api~1users~1{id}", "after DELETE, GET /api/users/%d answers %d", id, sex.status)
	}
}

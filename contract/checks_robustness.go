package contract

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/coupa-kit/coupa-users/spec"
)

// largeBody is the size of the body the large-body check sends: larger than the 1 MiB many servers take, small
// enough to send to a live tenant.
const largeBody = 2 << 20

func robustnessChecks() []*check {
	return []*check{
		{name: "robustness/malformed-body", write: true, doc: "a malformed JSON or XML body answers 4xx with an error body, never 5xx or a dropped connection", run: checkMalformedBody},
		{name: "robustness/wrong-types", write: true, doc: "values of the wrong type answer 4xx with an error body, or scalars are cast as Rails casts them; never 5xx", run: checkWrongTypes},
		{name: "robustness/absurd-paging", doc: "absurd limit and offset values answer 4xx with an error body or a sane page, never 5xx", run: checkAbsurdPaging},
		{name: "robustness/unknown-operator", doc: "an unknown filter operator answers 4xx with an error body, never 5xx", run: checkUnknownOperator},
		{name: "robustness/unknown-response-filter", doc: "filter=<a name no tenant defines>, or a blank filter=, answers 4xx with an error body or ignores the name, never 5xx", run: checkUnknownFilter},
		{name: "robustness/large-body", write: true, doc: "a very large body answers 4xx with an error body, never 5xx or a dropped connection", run: checkLargeBody},
	}
}

// clientError checks that a hostile request got a 4xx with Coupa's error body.
func clientError(t *checkRun, ex *exchange, what string) {
	rule := what + " answers 4xx with an error body, never 5xx or a dropped connection"
	switch {
	case ex.err != nil:
		t.fail(ex, rule, refBadRequest, "no response: %v", ex.err)
	case ex.status < 400 || ex.status > 499:
		t.fail(ex, rule, refBadRequest, "status %d", ex.status)
	default:
		if _, ok := errorMessages(ex.value); !ok {
			t.fail(ex, rule, refErrors, "status %d without Coupa's error body", ex.status)
		}
	}
}

func (t *checkRun) updateFixtureID() int64 {
	return userID(t.env.fixture(t, "update", func() map[string]any { return t.env.requiredBody("update") }))
}

func checkMalformedBody(t *checkRun) {
	raw := map[Format]string{
		FormatJSON: `{"login": "` + t.env.loginFor("malformed") + `", "email": `,
		FormatXML:  `<?xml version="1.0" encoding="UTF-8"?>` + "\n<user><login>" + t.env.loginFor("malformed") + "</login><email>",
	}[t.format]
	ex := t.try(request{method: http.MethodPost, path: "/api/users", raw: []byte(raw), rawType: t.format.mediaType()})
	t.env.noteCreated(t, ex)
	clientError(t, ex, "a create with a malformed body")
	ex = t.try(request{method: http.MethodPut, path: "/api/users/" + strconv.FormatInt(t.updateFixtureID(), 10), raw: []byte(raw), rawType: t.format.mediaType()})
	clientError(t, ex, "an update with a malformed body")
}

func checkWrongTypes(t *checkRun) {
	id := t.updateFixtureID()
	sent := map[string]bool{}
	for _, e := range theSpec().Elements {
		if !e.In || e.Name == "active" {
			continue
		}
		var kind string
		switch {
		case e.Kind == spec.KindBoolean:
			kind = "boolean"
		case e.Kind == spec.KindInteger:
			kind = "integer"
		case e.Kind == spec.KindObject && e.List:
			kind = "list"
		case e.Kind == spec.KindObject:
			kind = "object"
		default:
			continue
		}
		if sent[kind] {
			continue
		}
		sent[kind] = true
		ex := t.try(request{method: http.MethodPut, path: "/api/users/" + strconv.FormatInt(id, 10),
			body: map[string]any{e.Name: "ct-not-a-" + kind}, bodySchema: "UserUpdate"})
		what := fmt.Sprintf("a string for %s (%s)", e.Name, kind)
		if e.Kind != spec.KindObject && ex.err == nil && ex.status >= 200 && ex.status <= 299 {
			stayedTyped(t, ex, e, what)
			continue
		}
		clientError(t, ex, what)
	}
}

// stayedTyped holds an update that took a string for a scalar to what Rails does, which Coupa may do rather than
// refuse it: cast it (any string but "false", "0" and the like is true; "abc" is the integer 0) and store a value
// of the element's type. A server that stores the string itself answers with a value of the wrong type.
func stayedTyped(t *checkRun, ex *exchange, e *spec.Element, what string) {
	rule := what + " is refused with 4xx, or cast to the element's type as Rails casts it; never 5xx"
	u, ok := ex.value.(map[string]any)
	if !ok {
		t.fail(ex, rule, refUpdate, "status %d without the user", ex.status)
		return
	}
	v, present := u[e.Name]
	var typed bool
	switch x := v.(type) {
	case bool:
		typed = e.Kind == spec.KindBoolean
	case float64:
		typed = e.Kind == spec.KindInteger && x == float64(int64(x))
	case nil:
		typed = present && e.Nullable
	}
	if !typed {
		t.failBody(ex, compact(v, 120), rule, inputRef(e, ""), "status %d, and %s is now %s", ex.status, e.Name, compact(v, 80))
		return
	}
	t.note("%s: cast and stored as %v (status %d), as Rails casts", what, v, ex.status)
}

func checkAbsurdPaging(t *checkRun) {
	for _, kv := range [][2]string{
		{"limit", "-1"}, {"limit", "0"}, {"limit", "abc"}, {"limit", "99999999999999999999999"},
		{"offset", "-1"}, {"offset", "abc"}, {"offset", "99999999999999999999999"}, {"offset", "1000000000"},
	} {
		ex := t.try(request{method: http.MethodGet, path: "/api/users", query: q(kv[0], kv[1])})
		what := fmt.Sprintf("%s=%s", kv[0], kv[1])
		rule := what + " answers 4xx with an error body or a sane page, never 5xx"
		switch {
		case ex.err != nil:
			t.fail(ex, rule, refIndex, "no response: %v", ex.err)
		case ex.status >= 400 && ex.status <= 499 && !(ex.status == http.StatusNotFound && t.format == FormatXML):
			if _, ok := errorMessages(ex.value); !ok {
				t.fail(ex, rule, refErrors, "status %d without Coupa's error body", ex.status)
			}
		default:
			users, ok := listOf(ex, t.format)
			if !ok || len(users) > pageMax {
				t.fail(ex, rule, refIndex, "status %d, %d users", ex.status, len(users))
			}
		}
	}
}

func checkUnknownOperator(t *checkRun) {
	ex := t.try(request{method: http.MethodGet, path: "/api/users", query: q("login[ct_bogus]", "x")})
	clientError(t, ex, "an unknown operator (login[ct_bogus])")
}

func checkLargeBody(t *checkRun) {
	el := partialElement()
	if el == nil {
		t.skip("the spec has no free-text element")
	}
	pad := strings.Repeat("x", largeBody)
	var raw string
	if t.format == FormatXML {
		raw = `<?xml version="1.0" encoding="UTF-8"?>` + "\n<user><" + el.Name + ">" + pad + "</" + el.Name + "></user>\n"
	} else {
		raw = `{"` + el.Name + `": "` + pad + `"}`
	}
	ex := t.try(request{method: http.MethodPut, path: "/api/users/" + strconv.FormatInt(t.updateFixtureID(), 10), raw: []byte(raw), rawType: t.format.mediaType()})
	clientError(t, ex, fmt.Sprintf("a %d MiB body", largeBody>>20))
}

package contract

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
)

// The other forms a write takes: an empty answer (return_object=none), PATCH, and a path with the format's suffix
// (/api/users/5.json). Every Coupa Swagger (R21–R39) lists PATCH beside PUT and the suffixed paths; Rails routes
// them to the same actions.

func writeFormChecks() []*check {
	return []*check{
		{name: "writing/return-object-none", write: true, doc: "return_object=none: a create and an update answer 2xx with an empty body, and the write is made", run: checkReturnNone},
		{name: "writing/update/patch", write: true, doc: "PATCH /api/users/:id updates as PUT does", run: func(t *checkRun) { checkUpdateForm(t, http.MethodPatch, "") }},
		{name: "writing/format-suffix", write: true, doc: "POST /api/users.json (.xml) creates, and PUT /api/users/:id.json (.xml) updates, as without the suffix", run: checkFormatSuffix},
	}
}

// emptyAnswer records a failure unless the exchange is a 2xx with nothing in its body.
func emptyAnswer(t *checkRun, ex *exchange, rule, ref string, statuses ...int) bool {
	ok := false
	for _, s := range statuses {
		ok = ok || ex.status == s
	}
	switch {
	case !ok:
		t.fail(ex, rule, ref, "status %d, want one of %v", ex.status, statuses)
	case len(bytes.TrimSpace(ex.body)) > 0:
		t.failBody(ex, excerpt(ex.body, 300), rule, ref, "return_object=none answered with a body of %d bytes", len(ex.body))
	default:
		return true
	}
	return false
}

func checkReturnNone(t *checkRun) {
	none := q("return_object", "none")
	body := t.env.requiredBody("none")
	ex := t.do(request{method: http.MethodPost, path: "/api/users", query: none, body: body, bodySchema: "UserCreate"})
	rule := "a create with return_object=none answers 201 (or 200, 204) without a body, and creates the user"
	emptyAnswer(t, ex, rule, refCreate, http.StatusCreated, http.StatusOK, http.StatusNoContent)
	// Without an answer, the user is found by its login.
	login := body["login"].(string)
	found, iex := t.env.index(t, q("login", login))
	var u map[string]any
	for _, f := range found {
		if f["login"] == login {
			u = f
			t.env.noteCreated(t, &exchange{status: http.StatusCreated, value: f})
		}
	}
	if u == nil {
		t.fatal(iex, rule, refCreate, "no user with login %s after the create answered %d", login, ex.status)
	}
	el := partialElement()
	if el == nil {
		return
	}
	id := userID(u)
	v := scalarValue(el, t.env.loginFor("none"), 5)
	ex = t.do(request{method: http.MethodPut, path: "/api/users/" + strconv.FormatInt(id, 10), query: none,
		body: map[string]any{el.Name: v}, bodySchema: "UserUpdate"})
	rule = "an update with return_object=none answers 200 (or 204) without a body, and makes the change"
	emptyAnswer(t, ex, rule, refUpdate, http.StatusOK, http.StatusNoContent)
	if after, sex := t.env.show(t, id); !sameValue(after[el.Name], v) {
		t.failBody(sex, compact(after[el.Name], 200), rule, refUpdate, "show has %s=%s after the update sent %s", el.Name,
			compact(after[el.Name], 100), compact(v, 100))
	}
}

// checkUpdateForm sends an update of one element by method, to the user's path with suffix, and requires what a
// PUT gives: 200 with the user, changed, and the change shown afterwards.
func checkUpdateForm(t *checkRun, method, suffix string) {
	el := partialElement()
	if el == nil {
		t.skip("the spec has no optional free-text element to update")
	}
	name := "form-" + strings.ToLower(method) + strings.TrimPrefix(suffix, ".")
	u := t.env.fixture(t, name, func() map[string]any { return t.env.requiredBody(name) })
	id := userID(u)
	v := scalarValue(el, t.env.loginFor(name), 4)
	path := "/api/users/" + strconv.FormatInt(id, 10) + suffix
	ex := t.do(request{method: method, path: path, body: map[string]any{el.Name: v}, bodySchema: "UserUpdate"})
	rule := method + " " + "/api/users/:id" + suffix + " updates as PUT /api/users/:id does"
	resp, ok := ex.value.(map[string]any)
	if ex.status != http.StatusOK || !ok {
		t.fatal(ex, rule, refUpdate+"/responses/200", "%s %s answered %d", method, path, ex.status)
	}
	if !sameValue(resp[el.Name], v) {
		t.failBody(ex, compact(resp[el.Name], 200), rule, refUpdate, "the answer has %s=%s, sent %s", el.Name, compact(resp[el.Name], 100), compact(v, 100))
	}
	if after, sex := t.env.show(t, id); !sameValue(after[el.Name], v) {
		t.failBody(sex, compact(after[el.Name], 200), rule, refUpdate, "show has %s=%s afterwards", el.Name, compact(after[el.Name], 100))
	}
}

func checkFormatSuffix(t *checkRun) {
	suffix := "." + string(t.format)
	body := t.env.requiredBody("suffix")
	ex := t.do(request{method: http.MethodPost, path: "/api/users" + suffix, body: body, bodySchema: "UserCreate"})
	t.env.noteCreated(t, ex)
	u, ok := ex.value.(map[string]any)
	rule := "POST /api/users" + suffix + " creates as POST /api/users does"
	if ex.status != http.StatusCreated && ex.status != http.StatusOK || !ok || u["login"] != body["login"] {
		t.fatal(ex, rule, refCreate+"/responses/201", "POST /api/users%s answered %d", suffix, ex.status)
	}
	checkUpdateForm(t, http.MethodPut, suffix)
}

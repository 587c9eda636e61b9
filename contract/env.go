package contract

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// sampleSize is how many users, from the lowest id, the reading checks learn their test data from. The sample is a
// prefix of the collection (ascending id), which lets a check know every match below a given id.
const sampleSize = 100

// env is a run's state in one format: its sample of existing users and the users it created for its checks. The
// checks of a format run one after the other, so env needs no lock.
type env struct {
	r      *runner
	format Format
	// tag prefixes what this format's checks create: the run id and the format's initial ("ct-1a2b3c4d-j").
	tag string

	sample     []map[string]any
	sampleDone bool
	sampleFail *Failure

	fixtures map[string]*fixture
	// baseNow is the base user as show last returned it.
	baseNow map[string]any
	// baselineDone is set once the conformance checks have sent their own few requests.
	baselineDone bool
}

// fixture is a user a format's checks share, created on first use.
type fixture struct {
	user map[string]any
	fail *Failure
}

func newEnv(r *runner, f Format) *env {
	return &env{r: r, format: f, tag: r.runID + "-" + string(f)[:1], fixtures: map[string]*fixture{}}
}

// Specification references used by several checks.
const (
	refIndex        = "#/paths/~1api~1users/get"
	refShow         = "#/paths/~1api~1users~1{id}/get"
	refCreate       = "#/paths/~1api~1users/post"
	refUpdate       = "#/paths/~1api~1users~1{id}/put"
	refToken        = "#/paths/~1oauth2~1token/post"
	refFilters      = refIndex + "/x-coupa-filters"
	refErrors       = "#/components/schemas/Errors"
	refBadRequest   = "#/components/responses/BadRequest"
	refUnauthorized = "#/components/responses/Unauthorized"
)

// getSample reads the first pages of users (the sample the reading checks take their data from). A failure to read
// it ends the check.
func (e *env) getSample(t *checkRun) []map[string]any {
	if !e.sampleDone {
		e.sampleDone = true
		var all []map[string]any
		for offset := 0; offset < sampleSize; offset += 50 {
			ex := t.do(request{method: http.MethodGet, path: "/api/users", query: url.Values{"limit": {"50"}, "offset": {strconv.Itoa(offset)}}})
			page, ok := listOf(ex, e.format)
			if !ok {
				why := fmt.Sprintf("status %d", ex.status)
				if ex.decodeErr != nil {
					why += ", and the body does not parse: " + ex.decodeErr.Error()
				} else if ex.err != nil {
					why = "no response: " + ex.err.Error()
				}
				e.sampleFail = &Failure{Message: "could not read the sample of users: " + why,
					Rule: "index answers 200 with a list of users", Spec: refIndex, Request: reqEvidence(ex), Response: respEvidence(ex, excerpt(ex.body, 500))}
				break
			}
			all = append(all, page...)
			if len(page) < 50 {
				break
			}
		}
		e.sample = all
	}
	if e.sampleFail != nil {
		f := *e.sampleFail
		t.failures = append(t.failures, f)
		panic(stop{})
	}
	if len(e.sample) == 0 {
		t.skip("the collection is empty: nothing to read")
	}
	return e.sample
}

// sampleComplete reports whether the sample is the whole collection.
func (e *env) sampleComplete() bool { return len(e.sample) < sampleSize }

// listOf reads an index response: 200 with a list, or (XML) 404 with Coupa's errors body, which is how XML says
// that nothing matches.
func listOf(ex *exchange, f Format) ([]map[string]any, bool) {
	if ex.status == http.StatusNotFound && f == FormatXML {
		if _, ok := errorMessages(ex.value); ok {
			return []map[string]any{}, true
		}
	}
	if ex.status != http.StatusOK {
		return nil, false
	}
	raw, ok := ex.value.([]any)
	if !ok {
		return nil, false
	}
	out := make([]map[string]any, 0, len(raw))
	for _, x := range raw {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, false
		}
		out = append(out, m)
	}
	return out, true
}

// index sends GET /api/users and returns the users, ending the check when the answer is not a list.
func (e *env) index(t *checkRun, q url.Values) ([]map[string]any, *exchange) {
	ex := t.get("/api/users", q)
	users, ok := listOf(ex, e.format)
	if !ok {
		rule := "index answers 200 with a list of users"
		if e.format == FormatXML {
			rule += " (or, in XML, 404 with an errors body when nothing matches)"
		}
		t.fatal(ex, rule, refIndex+"/responses", "GET /api/users?%s answered %d, not a list of users", decoded(q), ex.status)
	}
	return users, ex
}

// show sends GET /api/users/:id and returns the user, ending the check unless it is 200 with a user.
func (e *env) show(t *checkRun, id int64) (map[string]any, *exchange) {
	ex := t.get("/api/users/"+strconv.FormatInt(id, 10), nil)
	u, ok := ex.value.(map[string]any)
	if ex.status != http.StatusOK || !ok {
		t.fatal(ex, "show answers 200 with the user", refShow+"/responses/200", "GET /api/users/%d answered %d", id, ex.status)
	}
	return u, ex
}

// create sends POST /api/users and returns the user, ending the check unless it is 200 or 201 with a user.
func (e *env) create(t *checkRun, body map[string]any) (map[string]any, *exchange) {
	ex := e.tryCreate(t, body)
	u, ok := ex.value.(map[string]any)
	if ex.status != http.StatusCreated && ex.status != http.StatusOK || !ok {
		t.fatal(ex, "create answers 201 (or 200) with the user", refCreate+"/responses/201", "POST /api/users answered %d", ex.status)
	}
	if _, ok := idOf(u); !ok {
		t.fatal(ex, "create answers with the user, id included", "#/components/schemas/User/required", "the created user has no id")
	}
	return u, ex
}

// tryCreate sends POST /api/users and records what it created, whatever the check expects.
func (e *env) tryCreate(t *checkRun, body map[string]any) *exchange {
	ex := t.do(request{method: http.MethodPost, path: "/api/users", body: body, bodySchema: "UserCreate"})
	e.noteCreated(t, ex)
	return ex
}

// noteCreated records the user a successful create answered with.
func (e *env) noteCreated(t *checkRun, ex *exchange) {
	if ex.status < 200 || ex.status > 299 {
		return
	}
	u, _ := ex.value.(map[string]any)
	if id, ok := idOf(u); ok {
		login, _ := u["login"].(string)
		e.r.created.add(id, login, e.format, t.check.name)
	}
}

// update sends PUT /api/users/:id and returns the user, ending the check unless it is 200 with a user.
func (e *env) update(t *checkRun, id int64, body map[string]any) (map[string]any, *exchange) {
	ex := e.tryUpdate(t, id, body)
	u, ok := ex.value.(map[string]any)
	if ex.status != http.StatusOK || !ok {
		t.fatal(ex, "update answers 200 with the user", refUpdate+"/responses/200", "PUT /api/users/%d answered %d", id, ex.status)
	}
	return u, ex
}

// tryUpdate sends PUT /api/users/:id and returns the exchange.
func (e *env) tryUpdate(t *checkRun, id int64, body map[string]any) *exchange {
	return t.do(request{method: http.MethodPut, path: "/api/users/" + strconv.FormatInt(id, 10), body: body, bodySchema: "UserUpdate"})
}

// rejected checks that a write was refused as a validation failure: 400 or 422 with Coupa's error body. It records
// a failure and returns false otherwise; when the server accepted the write, the evidence is the focus elements of
// its answer.
func rejected(t *checkRun, ex *exchange, rule, spec string, focus ...string) ([]string, bool) {
	if ex.status >= 200 && ex.status <= 299 {
		body := excerpt(ex.body, 300)
		if u, ok := ex.value.(map[string]any); ok && len(focus) > 0 {
			body = compact(pick(u, append([]string{"id"}, focus...)), maxEvidence)
		}
		t.failBody(ex, body, rule, spec, "the server accepted it (%d)", ex.status)
		return nil, false
	}
	if ex.status != http.StatusBadRequest && ex.status != http.StatusUnprocessableEntity {
		t.fail(ex, rule, spec, "status %d: a failed validation answers 400 (Coupa's documentation) or 422", ex.status)
		return nil, false
	}
	msgs, ok := errorMessages(ex.value)
	if !ok {
		t.fail(ex, rule+", with Coupa's error body", refErrors, "status %d without Coupa's error body", ex.status)
		return nil, false
	}
	return msgs, true
}

// errorMessages reads Coupa's error body: {"errors": {"user": [...]}} in JSON, <errors><error>...</error></errors>
// in XML (decoded as {"error": "..."} or {"error": [...]}). `warnings`, inside "errors" (Coupa's current body) or
// beside it, holds no error: a check must not pass on a message found there. ok is false when the body is not one.
func errorMessages(v any) ([]string, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	var out []string
	// Coupa's published XML puts each CDATA message on a line of its own inside <error>: the newlines around it
	// are layout, not message.
	add := func(x any) {
		switch y := x.(type) {
		case string:
			out = append(out, strings.TrimSpace(y))
		case []any:
			for _, s := range y {
				if str, ok := s.(string); ok {
					out = append(out, strings.TrimSpace(str))
				}
			}
		}
	}
	switch errs := m["errors"].(type) {
	case map[string]any:
		for _, k := range sortedKeys(errs) {
			if k != "warnings" {
				add(errs[k])
			}
		}
	case []any:
		add(errs)
	}
	add(m["error"])
	return out, len(out) > 0
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// idOf reads a user's (or object's) id.
func idOf(m map[string]any) (int64, bool) {
	if m == nil {
		return 0, false
	}
	switch v := m["id"].(type) {
	case float64:
		return int64(v), v == float64(int64(v))
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// ids returns the ids of users, in order.
func ids(users []map[string]any) []int64 {
	out := make([]int64, 0, len(users))
	for _, u := range users {
		id, _ := idOf(u)
		out = append(out, id)
	}
	return out
}

// decoded renders a query for messages, unescaped.
func decoded(q url.Values) string {
	s, err := url.QueryUnescape(q.Encode())
	if err != nil {
		return q.Encode()
	}
	return s
}

package contract

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/coupa-kit/coupa-users/spec"
)

func readingChecks() []*check {
	return []*check{
		{name: "reading/status-active", doc: "status=active returns active users only, and all of them", run: checkStatusActive},
		{name: "reading/fields", doc: "fields=[...] returns exactly the fields asked for, nested ones included, with the full record's values", run: checkFields},
		{name: "reading/return-object/limited", doc: "return_object=limited returns ids only", run: checkLimited},
		{name: "reading/return-object/shallow", doc: "return_object=shallow returns every attribute, associations reduced to id and natural keys", run: checkShallow},
		{name: "reading/show/matches-index", doc: "GET /api/users/:id returns the same record as the index", run: checkShowMatchesIndex},
		{name: "reading/show/unknown-id", doc: "GET /api/users/:id of an unknown id answers 404 with an error body", run: checkUnknownID},
		{name: "reading/show/escaped-query", doc: "GET /api/users/:id with a query string escaped into the path (5%3Ffields=..., as Go's url.JoinPath makes it) reads that user: Rails casts the id from its leading digits", run: checkEscapedQueryID},
		{name: "reading/no-match", doc: "a filter that matches nothing answers [] in JSON and 404 with Coupa's errors body in XML", run: checkNoMatch},
	}
}

func checkStatusActive(t *checkRun) {
	c, err := newCond("active", spec.Eq, "true")
	if err != nil {
		t.skip("the spec has no filterable active element")
	}
	sample := t.env.getSample(t)
	if m, n := count(sample, c); n == 0 || m == 0 {
		t.skip("the %d sampled users are all active or all inactive: status=active cannot be told from no filter", len(sample))
	}
	got, ex := t.env.index(t, q("status", "active", "limit", strconv.Itoa(pageMax)))
	verifyFilter(t, ex, got, sample, []cond{c}, pageMax)
}

// projection is a parsed `fields` value: top-level names, with the sub-fields of the associations named.
type projection struct {
	names []string
	sub   map[string][]string
}

// fieldsExample is the spec's example of the fields parameter.
func fieldsExample() (string, projection, error) {
	p := theSpec().Doc.Components.Parameters["fields"]
	if p == nil || p.Value == nil {
		return "", projection{}, fmt.Errorf("the spec has no fields parameter")
	}
	raw, ok := p.Value.Example.(string)
	if !ok {
		return "", projection{}, fmt.Errorf("the fields parameter has no example")
	}
	var list []any
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		return "", projection{}, err
	}
	pr := projection{sub: map[string][]string{}}
	for _, x := range list {
		switch v := x.(type) {
		case string:
			pr.names = append(pr.names, v)
		case map[string]any:
			for k, sub := range v {
				pr.names = append(pr.names, k)
				for _, s := range sub.([]any) {
					pr.sub[k] = append(pr.sub[k], fmt.Sprint(s))
				}
			}
		}
	}
	return raw, pr, nil
}

// checkProjected checks one projected record against the full one.
func checkProjected(t *checkRun, ex *exchange, got, full map[string]any, pr projection) {
	rule := "fields returns exactly the fields asked for, with their values"
	ref := "#/components/parameters/fields"
	id, _ := idOf(full)
	for k := range got {
		if !slices.Contains(pr.names, k) {
			t.failBody(ex, compact(got, 600), rule, ref, "user %d: %q was not asked for", id, k)
		}
	}
	for _, k := range pr.names {
		v, present := got[k]
		if !present && full[k] != nil {
			t.failBody(ex, compact(got, 600), rule, ref, "user %d: %q is missing", id, k)
			continue
		}
		sub, nested := pr.sub[k]
		if !nested {
			if !sameValue(v, full[k]) {
				t.failBody(ex, compact(got, 600), rule, ref, "user %d: %s is %s, the full record says %s", id, k, compact(v, 100), compact(full[k], 100))
			}
			continue
		}
		if !sameValue(reduce(full[k], func(string) bool { return true }, sub), v) {
			t.failBody(ex, compact(got, 600), rule, ref, "user %d: %s is %s, want only %v of %s", id, k, compact(v, 200), sub, compact(full[k], 200))
		}
	}
}

// reduce keeps, of an association's value (an object or a list of them), the fields keep allows and, when only is
// not nil, only those.
func reduce(v any, keep func(string) bool, only []string) any {
	one := func(m map[string]any) map[string]any {
		out := map[string]any{}
		for k, x := range m {
			if keep(k) && (only == nil || slices.Contains(only, k)) {
				out[k] = x
			}
		}
		return out
	}
	switch x := v.(type) {
	case map[string]any:
		return one(x)
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			if m, ok := item.(map[string]any); ok {
				out[i] = one(m)
			} else {
				out[i] = item
			}
		}
		return out
	}
	return v
}

// byID indexes records by id.
func byID(users []map[string]any) map[int64]map[string]any {
	out := map[int64]map[string]any{}
	for _, u := range users {
		if id, ok := idOf(u); ok {
			out[id] = u
		}
	}
	return out
}

func checkFields(t *checkRun) {
	raw, pr, err := fieldsExample()
	if err != nil {
		t.skip("%v", err)
	}
	sample := t.env.getSample(t)
	full := byID(sample)
	got, ex := t.env.index(t, q("limit", "5", "fields", raw))
	samePrefix(t, ex, got, sample, 0, 5, "fields does not change which users come back", refIndex)
	for _, u := range got {
		id, _ := idOf(u)
		if f, ok := full[id]; ok {
			checkProjected(t, ex, u, f, pr)
		}
	}
	id, _ := idOf(sample[0])
	ex = t.get("/api/users/"+strconv.FormatInt(id, 10), q("fields", raw))
	u, ok := ex.value.(map[string]any)
	if ex.status != http.StatusOK || !ok {
		t.fatal(ex, "show takes fields", refShow, "GET /api/users/%d?fields=... answered %d", id, ex.status)
	}
	checkProjected(t, ex, u, sample[0], pr)
}

func checkLimited(t *checkRun) {
	sample := t.env.getSample(t)
	rule := "return_object=limited returns the ids only"
	ref := "#/components/parameters/return_object"
	got, ex := t.env.index(t, q("limit", "5", "return_object", "limited"))
	samePrefix(t, ex, got, sample, 0, 5, "return_object does not change which users come back", refIndex)
	for _, u := range got {
		if len(u) != 1 {
			t.failBody(ex, compact(u, 400), rule, ref, "a record has %d keys: %v", len(u), sortedKeys(u))
			return
		}
	}
	id, _ := idOf(sample[0])
	ex = t.get("/api/users/"+strconv.FormatInt(id, 10), q("return_object", "limited"))
	if u, ok := ex.value.(map[string]any); ex.status != http.StatusOK || !ok || len(u) != 1 || !sameValue(u["id"], sample[0]["id"]) {
		t.fail(ex, rule, ref, "GET /api/users/%d?return_object=limited: status %d", id, ex.status)
	}
}

// shallowKeep says which fields of an associated object a shallow record keeps: id and its natural keys.
func shallowKeep(object string) func(string) bool {
	ob := theSpec().Objects[object]
	return func(k string) bool { return k == "id" || ob != nil && slices.Contains(ob.NaturalKeys, k) }
}

func checkShallowRecord(t *checkRun, ex *exchange, got, full map[string]any) {
	rule := "return_object=shallow returns every attribute, associations reduced to id and natural keys"
	ref := "#/components/parameters/return_object"
	id, _ := idOf(full)
	for _, e := range theSpec().Elements {
		if !e.Out {
			continue
		}
		want := full[e.Name]
		if e.Kind == spec.KindObject && !ownedByValue(e.Object) {
			want = reduce(want, shallowKeep(e.Object), nil)
		}
		if e.Kind == spec.KindObject && ownedByValue(e.Object) {
			continue // objects sent by value have no natural key: either reading is plausible
		}
		if !sameValue(got[e.Name], want) {
			t.failBody(ex, compact(got[e.Name], 400), rule, ref, "user %d: %s is %s, want %s", id, e.Name, compact(got[e.Name], 200), compact(want, 200))
		}
	}
}

func checkShallow(t *checkRun) {
	sample := t.env.getSample(t)
	full := byID(sample)
	got, ex := t.env.index(t, q("limit", "5", "return_object", "shallow"))
	samePrefix(t, ex, got, sample, 0, 5, "return_object does not change which users come back", refIndex)
	for _, u := range got {
		id, _ := idOf(u)
		if f, ok := full[id]; ok {
			checkShallowRecord(t, ex, u, f)
		}
	}
}

func checkShowMatchesIndex(t *checkRun) {
	sample := t.env.getSample(t)
	fewerThan(t, sample, 2, "a server answering every id with the same user would pass")
	picks := []map[string]any{sample[0], sample[len(sample)/2], sample[len(sample)-1]}
	for i, u := range picks {
		if i > 0 && sameValue(u["id"], picks[i-1]["id"]) {
			continue
		}
		id, _ := idOf(u)
		got, ex := t.env.show(t, id)
		if diff := diffKeys(u, got); len(diff) > 0 {
			t.failBody(ex, compact(pick(got, diff), 600), "show returns the same record as the index", refShow,
				"GET /api/users/%d differs from the index on %s (index: %s)", id, strings.Join(diff, ", "), compact(pick(u, diff), 300))
		}
	}
}

func checkUnknownID(t *checkRun) {
	sample := t.env.getSample(t)
	var top int64
	for _, id := range ids(sample) {
		top = max(top, id)
	}
	id := top*10 + 987654321
	ex := t.get("/api/users/"+strconv.FormatInt(id, 10), nil)
	if ex.status != http.StatusNotFound {
		t.fatal(ex, "an unknown id answers 404", refShow+"/responses/404", "GET /api/users/%d answered %d", id, ex.status)
	}
	if _, ok := errorMessages(ex.value); !ok {
		t.fail(ex, "a 404 carries Coupa's error body", "#/components/responses/NotFound", "404 without an error body")
	}
}

// checkEscapedQueryID reads a user the sample holds through the path baton-coupa sends: its query string escaped
// into the id segment. Rails reads the id from the segment's leading digits, so this is user id; whether the
// escaped fields are applied is not judged (Rails ignores them), only which user comes back. It is a GET of a known
// id: safe against production.
func checkEscapedQueryID(t *checkRun) {
	sample := t.env.getSample(t)
	id, _ := idOf(sample[0])
	path := "/api/users/" + strconv.FormatInt(id, 10) + "%3Ffields=%5B%22id%22%5D"
	ex := t.get(path, nil)
	u, ok := ex.value.(map[string]any)
	if ex.status != http.StatusOK || !ok {
		t.fatal(ex, "an id is read from its leading digits, as Rails casts it", refShow+"/parameters",
			"GET %s answered %d", path, ex.status)
	}
	if got, ok := idOf(u); !ok || got != id {
		t.failBody(ex, compact(pick(u, []string{"id"}), 200), "an id is read from its leading digits, as Rails casts it",
			refShow+"/parameters", "GET %s answered another user (id %v)", path, u["id"])
	}
}

func checkNoMatch(t *checkRun) {
	login := t.env.loginFor("no-such-user")
	ex := t.get("/api/users", q("login", login))
	if t.format == FormatXML {
		msgs, ok := errorMessages(ex.value)
		if ex.status != http.StatusNotFound || !ok {
			t.fail(ex, "in XML, no match answers 404 with <errors><error>No results match your search criteria.</error></errors>",
				refIndex+"/responses/404", "login=%s answered %d", login, ex.status)
		} else if !slices.ContainsFunc(msgs, func(m string) bool { return strings.Contains(strings.ToLower(m), "no results") }) {
			t.fail(ex, "in XML, no match says \"No results match your search criteria.\"", refIndex+"/responses/404", "the error says %q", msgs)
		}
		return
	}
	list, ok := ex.value.([]any)
	if ex.status != http.StatusOK || !ok || len(list) != 0 {
		t.fail(ex, "in JSON, no match answers 200 with []", refIndex+"/responses/200", "login=%s answered %d", login, ex.status)
	}
}

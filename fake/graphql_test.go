package fake_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fake/auth"
	"github.com/coupa-kit/coupa-users/internal/graphql"
	"github.com/coupa-kit/coupa-users/spec"
)

// gqlAnswer is a GraphQL response body.
type gqlAnswer struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message   string `json:"message"`
		Locations []struct{ Line, Column int }
		Path      []any `json:"path"`
	} `json:"errors"`
}

// graphQL posts a query with a full-scope token unless headers set Authorization, as baton-coupa posts it.
func graphQL(t *testing.T, s *fake.Server, query string, headers ...header) (response, gqlAnswer) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	r := call(t, s, http.MethodPost, fake.GraphQLPath, string(body), append([]header{{"Content-Type", "application/json"}}, headers...)...)
	var a gqlAnswer
	if r.status == http.StatusOK {
		if err := json.Unmarshal(r.body, &a); err != nil {
			t.Fatalf("not a GraphQL answer (%v): %s", err, r.body)
		}
	}
	return r, a
}

// TestGraphQLPagesAsBatonCoupa pages through every user with `id[gt]=<last id>` until a page is empty, as
// baton-coupa's user sync does, and sees each user of the REST index exactly once, with the same values.
func TestGraphQLPagesAsBatonCoupa(t *testing.T) {
	s := newServer(t, fake.Options{Users: 23})
	want := map[string]map[string]any{}
	for _, u := range call(t, s, http.MethodGet, "/api/users?limit=50", "", header{"Accept", "application/json"}).list(t) {
		m := u.(map[string]any)
		want[fmt.Sprint(m["id"])] = m
	}
	seen := map[string]int{}
	last, pages := "", 0
	for {
		// baton-coupa's sync asks for users whose type is blank on every page.
		q := "type[blank]=true&limit=7"
		if last != "" {
			q = "id[gt]=" + last + "&type[blank]=true&limit=7"
		}
		r, a := graphQL(t, s, `query getUsers{ users(query: "`+q+`") { id email fullname active employeeNumber } }`)
		if r.status != http.StatusOK || len(a.Errors) > 0 {
			t.Fatalf("page after %q: %d %s", last, r.status, r.body)
		}
		var page []map[string]any
		if err := json.Unmarshal(a.Data["users"], &page); err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if pages++; pages > 10 {
			t.Fatal("paging does not end")
		}
		for _, u := range page {
			id := u["id"].(string)
			seen[id]++
			rest := want[id]
			if rest == nil || u["email"] != rest["email"] || u["fullname"] != rest["fullname"] ||
				u["active"] != rest["active"] || u["employeeNumber"] != rest["employee-number"] {
				t.Errorf("user %s: GraphQL %v, REST %v", id, u, rest)
			}
			last = id
		}
	}
	if len(seen) != len(want) {
		t.Errorf("saw %d users, REST lists %d", len(seen), len(want))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("user %s seen %d times", id, n)
		}
	}
}

func TestGraphQLUserByID(t *testing.T) {
	s := newServer(t, fake.Options{})
	r, a := graphQL(t, s, `{ user(id: 5) { id login manager { login } roles { name } defaultCurrency { code } customFields } none: user(id: "999999") { id } }`)
	if r.status != http.StatusOK || len(a.Errors) > 0 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	rest := call(t, s, http.MethodGet, "/api/users/5", "", header{"Accept", "application/json"}).object(t)
	var u map[string]any
	if err := json.Unmarshal(a.Data["user"], &u); err != nil {
		t.Fatal(err)
	}
	if u["id"] != "5" || u["login"] != rest["login"] {
		t.Errorf("user(id: 5) = %v, REST has login %v", u, rest["login"])
	}
	if roles := u["roles"].([]any); len(roles) != len(rest["roles"].([]any)) {
		t.Errorf("roles %v, REST %v", roles, rest["roles"])
	}
	if string(a.Data["none"]) != "null" {
		t.Errorf("unknown id: %s, want null", a.Data["none"])
	}
}

// TestGraphQLErrors: what GraphQL judges is a 200 with errors; what is not a GraphQL request, or lacks
// credentials or scope, is refused as the REST API refuses it.
func TestGraphQLErrors(t *testing.T) {
	s := newServer(t, fake.Options{})

	// A bad query string: the REST API's message, on the users field.
	rest := call(t, s, http.MethodGet, "/api/users?id[gtt]=5", "", header{"Accept", "application/json"})
	wantStatus(t, rest, http.StatusBadRequest)
	r, a := graphQL(t, s, `{ users(query: "id[gtt]=5") { id } }`)
	if r.status != http.StatusOK || len(a.Errors) != 1 || a.Errors[0].Message != rest.errors(t)[0] ||
		fmt.Sprint(a.Errors[0].Path) != "[users]" || a.Data != nil {
		t.Errorf("bad query: %d %s, REST says %s", r.status, r.body, rest.body)
	}

	for name, c := range map[string]struct{ query, message string }{
		"unknown field":    {`{ users { id nickname } }`, `Cannot query field "nickname" on type "User".`},
		"input only":       {`{ users { password } }`, `Cannot query field "password" on type "User".`},
		"syntax":           {`{ users { id `, "Syntax Error GraphQL request (1:14) Expected Name, found EOF"},
		"mutation":         {`mutation { createUser { id } }`, "Schema is not configured for mutations"},
		"too many fetches": {"{ " + aliases(11) + " }", "The query asks for users more than 10 times"},
	} {
		r, a := graphQL(t, s, c.query)
		if r.status != http.StatusOK || len(a.Errors) == 0 || !strings.HasPrefix(a.Errors[0].Message, c.message) {
			t.Errorf("%s: %d %s, want 200 with the error %q", name, r.status, r.body, c.message)
		}
	}

	for name, body := range map[string]string{"not JSON": "query { users { id } }", "no query": `{"variables":{}}`,
		"not an object": `["{ users { id } }"]`} {
		r := call(t, s, http.MethodPost, fake.GraphQLPath, body)
		var a gqlAnswer
		if r.status != http.StatusBadRequest || json.Unmarshal(r.body, &a) != nil || len(a.Errors) != 1 {
			t.Errorf("%s: %d %s, want 400 with a GraphQL error", name, r.status, r.body)
		}
	}

	// No token: the REST API's 401 and error body, in JSON whatever the Accept.
	r, _ = graphQL(t, s, `{ users { id } }`, header{"Authorization", ""}, header{"Accept", "application/xml"})
	wantStatus(t, r, http.StatusUnauthorized)
	if len(r.errors(t)) != 1 {
		t.Errorf("401 body: %s", r.body)
	}
	// A token without core.user.read: 403, as GET /api/users answers it.
	tok, err := s.Token("core.common.read")
	if err != nil {
		t.Fatal(err)
	}
	r, _ = graphQL(t, s, `{ users { id } }`, header{"Authorization", "Bearer " + tok})
	wantStatus(t, r, http.StatusForbidden)
	if len(r.errors(t)) != 1 || !strings.Contains(r.header.Get("WWW-Authenticate"), "insufficient_scope") {
		t.Errorf("403: %v %s", r.header, r.body)
	}
	// core.user.read alone is enough: GraphQL is read-only.
	tok, err = s.Token(auth.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	if r, a := graphQL(t, s, `{ users(limit: 1) { id } }`, header{"Authorization", "Bearer " + tok}); r.status != 200 || len(a.Errors) > 0 {
		t.Errorf("read scope: %d %s", r.status, r.body)
	}
}

func aliases(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "u%d: users { id } ", i)
	}
	return b.String()
}

// TestGraphQLIntrospection: GraphiQL's schema query works (Coupa points its users to GraphiQL's Docs).
func TestGraphQLIntrospection(t *testing.T) {
	s := newServer(t, fake.Options{})
	r, a := graphQL(t, s, `{ __type(name: "User") { fields { name type { kind name ofType { kind name } } } } }`)
	if r.status != http.StatusOK || len(a.Errors) > 0 || !strings.Contains(string(a.Data["__type"]), `"employeeNumber"`) {
		t.Fatalf("%d %.500s", r.status, r.body)
	}
}

// everyField is a selection of every field of User, associated objects with all their fields and the objects
// nested in those by id: the most a query can ask of one user without repeating itself.
func everyField(s *spec.Spec) string {
	var b strings.Builder
	var object func(name string, depth int)
	object = func(name string, depth int) {
		b.WriteString(" {")
		for _, f := range s.Objects[name].Fields {
			b.WriteString(" " + graphql.FieldName(f.Name))
			if nested := s.Objects[f.Object]; f.Kind == spec.KindObject && !nested.Namespace {
				if depth > 0 {
					b.WriteString(" { id }")
				} else {
					object(f.Object, depth+1)
				}
			}
		}
		b.WriteString(" }")
	}
	b.WriteString("{")
	for _, e := range s.Elements {
		if !e.Out {
			continue
		}
		b.WriteString(" " + graphql.FieldName(e.Name))
		if ob := s.Objects[e.Object]; e.Kind == spec.KindObject && !ob.Namespace {
			object(e.Object, 0)
		}
	}
	b.WriteString(" }")
	return b.String()
}

// TestGraphQLCostIsBounded: hostile GraphQL requests are refused for at most 160 bytes allocated per byte of
// request and 1 MiB (the REST API's budget is 64, TestRequestCostIsBounded; the GraphQL parser's syntax tree takes
// up to about 130 bytes per byte of a query of short fields, and the query is bounded to graphql.MaxQueryBytes). The
// most expensive query the limits let through, every field of 50 users and graphql.MaxFetches fetches in all, stays
// within a stated ceiling.
func TestGraphQLCostIsBounded(t *testing.T) {
	f, err := fake.New(fake.Options{Users: 60})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tok, err := f.Token()
	if err != nil {
		t.Fatal(err)
	}
	body := func(q string) string { b, _ := json.Marshal(map[string]string{"query": q}); return string(b) }
	serve := func(b string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, fake.GraphQLPath, strings.NewReader(b))
		r.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		f.ServeHTTP(w, r)
		return w
	}
	measure := func(b string) uint64 {
		alloc := uint64(1 << 63) // the least of three runs, as TestRequestCostIsBounded measures
		for range 3 {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			serve(b)
			runtime.ReadMemStats(&after)
			alloc = min(alloc, after.TotalAlloc-before.TotalAlloc)
		}
		return alloc
	}
	const mib = 1 << 20
	var bomb strings.Builder
	bomb.WriteString("{ users { ...F0 } }")
	for i := range 40 {
		fmt.Fprintf(&bomb, " fragment F%d on User { ...F%d ...F%d }", i, i+1, i+1)
	}
	bomb.WriteString(" fragment F40 on User { id }")
	for _, c := range []struct{ name, body, message string }{
		{"deep brackets", body(strings.Repeat("{", graphql.MaxQueryBytes-10)), "nests deeper than"},
		{"long query", body("{ users { id } }" + strings.Repeat(" ", mib-100)), "longer than"},
		{"wide", body("{ users {" + strings.Repeat(" id", graphql.MaxQueryBytes/3-20) + " } }"), "selects more than"},
		{"fragment bomb", body(bomb.String()), "selects more than"},
		{"many fetches", body("{" + aliases(graphql.MaxQueryBytes/20) + "}"), "more than 10 times"},
		{"deep variables", `{"query":"{ users { id } }","variables":{"a":` + strings.Repeat("[", mib/2) + `}}`, "nests deeper than"},
		{"many variables", `{"query":"{ users { id } }","variables":{"a":[` + strings.Repeat("1,", mib/2-40) + `1]}}`, "holds more than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := serve(c.body)
			if w.Code != http.StatusOK && w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), c.message) {
				t.Fatalf("status %d, want an error with %q; body %.300s", w.Code, c.message, w.Body.String())
			}
			alloc, budget := measure(c.body), uint64(160*len(c.body)+mib)
			t.Logf("%d bytes of request: %d bytes allocated (%.1f per byte)", len(c.body), alloc, float64(alloc)/float64(len(c.body)))
			if alloc > budget {
				t.Errorf("%d bytes allocated for %d bytes of request, over the budget of %d", alloc, len(c.body), budget)
			}
		})
	}

	var most strings.Builder
	most.WriteString("{ u0: users" + everyField(spec.MustLoad()))
	for i := 1; i < graphql.MaxFetches; i++ {
		fmt.Fprintf(&most, " u%d: users { id }", i) // each renders 50 whole users all the same
	}
	most.WriteString(" }")
	// One run: this query takes the better part of a second under -race, and against a ceiling of 256 MiB the
	// little the runtime allocates meanwhile does not matter.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	w := serve(body(most.String()))
	runtime.ReadMemStats(&after)
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), `"errors"`) {
		t.Fatalf("%d %.500s", w.Code, w.Body.String())
	}
	const ceiling = 256 * mib
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("the most a query may ask: %d bytes of answer, %d bytes allocated", w.Body.Len(), alloc)
	if alloc > ceiling {
		t.Errorf("%d bytes allocated, over the ceiling of %d", alloc, ceiling)
	}
}

// TestGraphQLConcurrent: the schema and its executor are shared by every request (run with -race).
func TestGraphQLConcurrent(t *testing.T) {
	s := newServer(t, fake.Options{})
	client := s.Client() // not call: t.Fatal may not run outside the test's goroutine
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			body := fmt.Sprintf(`{"query":"{ users(query: \"id[gt]=%d\", limit: 5) { id roles { name } manager { login } } }"}`, i)
			resp, err := client.Post(s.URL+fake.GraphQLPath, "application/json", strings.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil || resp.StatusCode != http.StatusOK || strings.Contains(string(b), `"errors"`) {
				t.Errorf("%d %.300s %v", resp.StatusCode, b, err)
			}
		})
	}
	wg.Wait()
}

// TestGraphQLCustomFields: customFields is the REST API's custom-fields object, typed as REST types it, and the
// namespace filters work in the query string.
func TestGraphQLCustomFields(t *testing.T) {
	s := newServer(t, fake.Options{CustomFields: tenantFields})
	body := newUser("cf.gql")
	body["custom-fields"] = map[string]any{"cost-center": "CC-77", "headcount": "7", "remote": "true"}
	wantStatus(t, sendJSON(t, s, http.MethodPost, "/api/users", body), http.StatusCreated)
	r, a := graphQL(t, s, `{ users(query: "custom-fields[cost-center]=CC-77") { login customFields } }`)
	if r.status != http.StatusOK || len(a.Errors) > 0 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var users []struct {
		Login        string
		CustomFields map[string]any
	}
	if err := json.Unmarshal(a.Data["users"], &users); err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 || users[0].Login != "cf.gql" {
		t.Fatalf("users: %s", a.Data["users"])
	}
	if cf := users[0].CustomFields; cf["cost-center"] != "CC-77" || cf["headcount"] != 7.0 || cf["remote"] != true || len(cf) != len(tenantFields) {
		t.Errorf("customFields: %v", cf)
	}
}

// TestGraphQLBatonCoupaQueries runs the users queries of baton-coupa's client (its grants of roles, licences and
// accounts, and a user's roles, groups and account) against the fake; its sync's paging, with
// `type[blank]=true`, is TestGraphQLPagesAsBatonCoupa.
func TestGraphQLBatonCoupaQueries(t *testing.T) {
	s := newServer(t, fake.Options{})
	for _, q := range []string{
		`query getRoleGrants { users(query: "roles[id]=3&id[gt]=10") { id } }`,
		`query getRoleGrants { users(query: "purchasing_user=true") { id } }`,
		`query getAccountGrants { users(query: "default_account[id]=1") { id } }`,
		`query getUsers { users(query: "id=5") { id roles { id name description } } }`,
		`query getUsers { users(query: "id=5") { id userGroups { id name description } } }`,
		`query getUsers { users(query: "id=5") { id defaultAccount { id name code } } }`,
	} {
		if r, a := graphQL(t, s, q); r.status != http.StatusOK || len(a.Errors) > 0 {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
}

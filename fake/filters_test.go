package fake_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
)

// testFilters are the README's example filters.
var testFilters = map[string]string{
	"ids-and-logins": `["id","login"]`,
	"with-roles":     `["id","login",{"roles":["name"]}]`,
}

// keysOf returns an object's keys, sorted.
func keysOf(t testing.TB, v any) []string {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("not an object: %v", v)
	}
	return slices.Sorted(mapKeys(m))
}

// wantFilterShape checks a user rendered by the with-roles filter.
func wantFilterShape(t *testing.T, what string, u any) {
	t.Helper()
	if k := keysOf(t, u); !slices.Equal(k, []string{"id", "login", "roles"}) {
		t.Errorf("%s: keys %v", what, k)
		return
	}
	roles, _ := u.(map[string]any)["roles"].([]any)
	if len(roles) == 0 {
		t.Errorf("%s: no roles", what)
	}
	for _, r := range roles {
		if k := keysOf(t, r); !slices.Equal(k, []string{"name"}) {
			t.Errorf("%s: role keys %v", what, k)
		}
	}
}

// filter=<name> renders what the filter lists, on index, show, create and update, in JSON.
func TestResponseFilterJSON(t *testing.T) {
	s := newServer(t, fake.Options{ResponseFilters: testFilters})
	r := getJSON(t, s, "/api/users?limit=3&filter=with-roles")
	wantStatus(t, r, http.StatusOK)
	list := r.list(t)
	if len(list) != 3 {
		t.Fatalf("%d users", len(list))
	}
	for _, u := range list {
		wantFilterShape(t, "index", u)
	}
	// The filter changes the shape, not which users: the same ids as without it, with the same values.
	full := getJSON(t, s, "/api/users?limit=3").list(t)
	for i, u := range list {
		got, want := u.(map[string]any), full[i].(map[string]any)
		if got["id"] != want["id"] || got["login"] != want["login"] {
			t.Errorf("user %d: %v, the full record %v %v", i, got, want["id"], want["login"])
		}
	}
	// Names match ignoring case.
	wantFilterShape(t, "show", getJSON(t, s, "/api/users/5?filter=WITH-ROLES").object(t))
	r = sendJSON(t, s, http.MethodPost, "/api/users?filter=ids-and-logins", newUser("filtered"))
	wantStatus(t, r, http.StatusCreated)
	if k := keysOf(t, r.object(t)); !slices.Equal(k, []string{"id", "login"}) {
		t.Errorf("create: keys %v", k)
	}
	r = sendJSON(t, s, http.MethodPut, "/api/users/5?filter=ids-and-logins", map[string]any{"lastname": "Filtered"})
	wantStatus(t, r, http.StatusOK)
	if k := keysOf(t, r.object(t)); !slices.Equal(k, []string{"id", "login"}) {
		t.Errorf("update: keys %v", k)
	}
	if getJSON(t, s, "/api/users/5").object(t)["lastname"] != "Filtered" {
		t.Error("the filtered update did not update")
	}
	// A blank filter= is ignored, as Coupa's sample URLs send it.
	if a, b := getJSON(t, s, "/api/users?limit=2&filter="), getJSON(t, s, "/api/users?limit=2"); string(a.body) != string(b.body) {
		t.Errorf("blank filter= changed the answer:\n%.300s\n%.300s", a.body, b.body)
	}
}

// In XML the filter renders the same elements, Rails-style.
func TestResponseFilterXML(t *testing.T) {
	s := newServer(t, fake.Options{ResponseFilters: testFilters})
	xml := header{"Accept", "application/xml"}
	r := call(t, s, http.MethodGet, "/api/users?limit=2&filter=with-roles", "", xml)
	wantStatus(t, r, http.StatusOK)
	root, v := r.xml(t, "UserList")
	list, _ := v.([]any)
	if root != "users" || len(list) != 2 {
		t.Fatalf("root %q, %d users: %.300s", root, len(list), r.body)
	}
	for _, u := range list {
		wantFilterShape(t, "XML index", u)
	}
	if !strings.Contains(string(r.body), "<roles type=\"array\">\n      <role>\n        <name>") {
		t.Errorf("XML roles: %.600s", r.body)
	}
	r = call(t, s, http.MethodGet, "/api/users/5?filter=with-roles", "", xml)
	wantStatus(t, r, http.StatusOK)
	if root, v := r.xml(t, "User"); root != "user" {
		t.Errorf("XML show: root %q", root)
	} else {
		wantFilterShape(t, "XML show", v)
	}
	body := "<user><login>xml-filtered</login><email>xml-filtered@example.com</email><firstname>X</firstname><lastname>F</lastname></user>"
	r = call(t, s, http.MethodPost, "/api/users.xml?filter=ids-and-logins", body, header{"Content-Type", "application/xml"})
	wantStatus(t, r, http.StatusCreated)
	if _, v := r.xml(t, "User"); !slices.Equal(keysOf(t, v), []string{"id", "login"}) {
		t.Errorf("XML create: %s", r.body)
	}
	r = call(t, s, http.MethodPut, "/api/users/5.xml?filter=ids-and-logins", "<user><lastname>X</lastname></user>",
		header{"Content-Type", "application/xml"})
	wantStatus(t, r, http.StatusOK)
	if _, v := r.xml(t, "User"); !slices.Equal(keysOf(t, v), []string{"id", "login"}) {
		t.Errorf("XML update: %s", r.body)
	}
	r = call(t, s, http.MethodGet, "/api/users?filter=nope", "", xml)
	wantStatus(t, r, http.StatusBadRequest)
	if root, v := r.xml(t, "ErrorsXML"); root != "errors" || !strings.Contains(string(r.body), "Unknown response filter 'nope' in 'filter'") {
		t.Errorf("XML error: %v %s", v, r.body)
	}
}

// An unknown name, and filter with fields or return_object, answer 400 with Coupa's error body on every operation,
// as an unknown filter attribute does; a refused write changes nothing.
func TestResponseFilterErrors(t *testing.T) {
	s := newServer(t, fake.Options{ResponseFilters: testFilters})
	cases := []struct{ query, msg string }{
		{"filter=nope", "Unknown response filter 'nope' in 'filter'"},
		{"filter=ids-and-logins&filter=with-roles", "Parameter 'filter' is given 2 times with different values; give it once"},
		{"filter=ids-and-logins&fields=" + url.QueryEscape(`["id"]`), "Use either 'fields' or 'filter', not both"},
		{"filter=ids-and-logins&return_object=limited", "Use either 'filter' or 'return_object', not both"},
	}
	for _, c := range cases {
		for _, op := range []struct{ method, path string }{
			{http.MethodGet, "/api/users"}, {http.MethodGet, "/api/users/5"},
			{http.MethodPost, "/api/users"}, {http.MethodPut, "/api/users/5"},
		} {
			var body any
			switch op.method {
			case http.MethodPost:
				body = newUser("never-created")
			case http.MethodPut:
				body = map[string]any{"lastname": "Never"}
			}
			var r response
			if body == nil {
				r = getJSON(t, s, op.path+"?"+c.query)
			} else {
				r = sendJSON(t, s, op.method, op.path+"?"+c.query, body)
			}
			wantStatus(t, r, http.StatusBadRequest)
			if msgs := r.errors(t); len(msgs) != 1 || msgs[0] != c.msg {
				t.Errorf("%s %s?%s: %v, want %q", op.method, op.path, c.query, msgs, c.msg)
			}
		}
	}
	if n := len(getJSON(t, s, "/api/users?login=never-created").list(t)); n != 0 {
		t.Error("a refused create created the user")
	}
	if getJSON(t, s, "/api/users/5").object(t)["lastname"] == "Never" {
		t.Error("a refused update updated the user")
	}
	// A fake without filters knows no name; filter[...] is a malformed filter, not a crash.
	bare := newServer(t, fake.Options{})
	wantStatus(t, getJSON(t, bare, "/api/users?filter=ids-and-logins"), http.StatusBadRequest)
	wantStatus(t, getJSON(t, bare, "/api/users?filter%5Bname%5D=x"), http.StatusBadRequest)
	wantStatus(t, getJSON(t, bare, "/api/users?filter="), http.StatusOK)
}

// The fake refuses bad definitions at start, as --response-filters reports them; StrictFields applies to them as
// to fields=.
func TestResponseFilterOptions(t *testing.T) {
	for _, c := range []struct {
		defs   map[string]string
		strict bool
		want   string
	}{
		{map[string]string{"x": `[`}, false, "response filter 'x': Invalid JSON in 'fields'"},
		{map[string]string{"": `["id"]`}, false, "a response filter needs a name that is not blank"},
		{map[string]string{"a": `["id"]`, "A": `["id"]`}, false, "names must differ by more than case"},
		{map[string]string{"x": `["id","nope"]`}, true, "response filter 'x': Unknown field 'nope' in 'fields'"},
	} {
		_, err := fake.New(fake.Options{Users: -1, ResponseFilters: c.defs, StrictFields: c.strict})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.defs, err, c.want)
		}
	}
	// Leniently, an unknown name is left out, as in fields=.
	s := newServer(t, fake.Options{ResponseFilters: map[string]string{"x": `["id","nope"]`}})
	if k := keysOf(t, getJSON(t, s, "/api/users/5?filter=x").object(t)); !slices.Equal(k, []string{"id"}) {
		t.Errorf("lenient filter: %v", k)
	}
}

func TestReadResponseFilters(t *testing.T) {
	defs, err := fake.ReadResponseFilters(strings.NewReader(`{"ids-and-logins": ["id", "login"], "with-roles": ["id","login",{"roles":["name"]}]}`))
	if err != nil || len(defs) != 2 || defs["ids-and-logins"] != `["id", "login"]` {
		t.Errorf("%v %v", defs, err)
	}
	for _, bad := range []string{``, `null`, `[]`, `{"x": ["id"]} {}`, `{"x": `} {
		if _, err := fake.ReadResponseFilters(strings.NewReader(bad)); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}

// The admin surface lists, defines, replaces and removes filters; DELETE of the collection returns to Options'.
func TestAdminResponseFilters(t *testing.T) {
	s := newServer(t, fake.Options{ResponseFilters: map[string]string{"ids-and-logins": `["id", "login"]`}})
	defs := func() map[string]any {
		r := admin(t, s, http.MethodGet, "/response-filters", "")
		wantStatus(t, r, http.StatusOK)
		return r.object(t)
	}
	if d := defs(); len(d) != 1 || !slices.Equal(d["ids-and-logins"].([]any), []any{"id", "login"}) {
		t.Errorf("the configured filters: %v", d)
	}
	// PUT one: 201 when new, 200 when it replaces one (ignoring case, the new spelling kept).
	r := admin(t, s, http.MethodPut, "/response-filters/With-Roles", `["id", {"roles": ["name"]}]`)
	wantStatus(t, r, http.StatusCreated)
	if m := r.object(t); m["name"] != "With-Roles" {
		t.Errorf("PUT: %v", m)
	}
	r = admin(t, s, http.MethodPut, "/response-filters/with-roles", `["id","login",{"roles":["name"]}]`)
	wantStatus(t, r, http.StatusOK)
	r = admin(t, s, http.MethodGet, "/response-filters/WITH-ROLES", "")
	wantStatus(t, r, http.StatusOK)
	var one struct {
		Name   string          `json:"name"`
		Fields json.RawMessage `json:"fields"`
	}
	var compact bytes.Buffer
	if err := json.Unmarshal(r.body, &one); err != nil || one.Name != "with-roles" || json.Compact(&compact, one.Fields) != nil ||
		compact.String() != `["id","login",{"roles":["name"]}]` {
		t.Errorf("GET one: %s", r.body)
	}
	wantFilterShape(t, "after PUT", getJSON(t, s, "/api/users/5?filter=with-roles").object(t))
	// A name with a slash or a space, escaped in the path.
	wantStatus(t, admin(t, s, http.MethodPut, "/response-filters/a%2Fb%20c", `["email"]`), http.StatusCreated)
	if k := keysOf(t, getJSON(t, s, "/api/users/5?filter="+url.QueryEscape("a/b c")).object(t)); !slices.Equal(k, []string{"email"}) {
		t.Errorf("escaped name: %v", k)
	}
	// Bad definitions: 400, nothing changes.
	before := defs()
	for _, c := range []struct{ path, body, want string }{
		{"/response-filters/x", ``, "the body is empty"},
		{"/response-filters/x", `[`, "Invalid JSON in 'fields'"},
		{"/response-filters/x", `{"fields":["id"]}`, "'fields' must be a JSON array"},
		{"/response-filters/x", `["id"` + strings.Repeat(`,"id"`, 20000) + `]`, "the body is larger than"},
		{"/response-filters/%20x", `["id"]`, "the name starts or ends with a space"},
		{"/response-filters", `{"a":["id"],"A":["login"]}`, "names must differ by more than case"},
		{"/response-filters", `{"a":"id"}`, "'fields' must be a JSON array"},
		{"/response-filters", `["id"]`, "want a JSON object of names and fields lists"},
	} {
		r := admin(t, s, http.MethodPut, c.path, c.body)
		wantStatus(t, r, http.StatusBadRequest)
		if msg, _ := r.object(t)["error"].(string); !strings.Contains(msg, c.want) {
			t.Errorf("PUT %s %.40s: %q, want %q", c.path, c.body, msg, c.want)
		}
	}
	if after := defs(); len(after) != len(before) {
		t.Errorf("refused definitions changed the filters: %v → %v", before, after)
	}
	// DELETE one, then an unknown one.
	wantStatus(t, admin(t, s, http.MethodDelete, "/response-filters/WITH-roles", ""), http.StatusOK)
	wantStatus(t, getJSON(t, s, "/api/users/5?filter=with-roles"), http.StatusBadRequest)
	wantStatus(t, admin(t, s, http.MethodDelete, "/response-filters/with-roles", ""), http.StatusNotFound)
	wantStatus(t, admin(t, s, http.MethodGet, "/response-filters/with-roles", ""), http.StatusNotFound)
	// PUT the collection replaces every filter.
	r = admin(t, s, http.MethodPut, "/response-filters", `{"only-email":["email"]}`)
	wantStatus(t, r, http.StatusOK)
	if d := r.object(t); len(d) != 1 || d["only-email"] == nil {
		t.Errorf("PUT all: %v", d)
	}
	wantStatus(t, getJSON(t, s, "/api/users/5?filter=ids-and-logins"), http.StatusBadRequest)
	// DELETE the collection returns to the configured filters; reset (of the users) leaves filters alone.
	wantStatus(t, admin(t, s, http.MethodDelete, "/response-filters", ""), http.StatusOK)
	if d := defs(); len(d) != 1 || d["ids-and-logins"] == nil {
		t.Errorf("after DELETE: %v", d)
	}
	wantStatus(t, admin(t, s, http.MethodPut, "/response-filters/kept", `["id"]`), http.StatusCreated)
	wantStatus(t, admin(t, s, http.MethodPost, "/reset", ""), http.StatusOK)
	if _, ok := s.ResponseFilters()["kept"]; !ok {
		t.Error("reset dropped a filter")
	}
	// The Go methods do what the endpoints do.
	if replaced, err := s.SetResponseFilter("go", `["login"]`); err != nil || replaced {
		t.Errorf("SetResponseFilter: %v %v", replaced, err)
	}
	if !s.DeleteResponseFilter("GO") || s.DeleteResponseFilter("go") {
		t.Error("DeleteResponseFilter")
	}
	if err := s.SetResponseFilters(map[string]string{"bad": `[`}); err == nil {
		t.Error("SetResponseFilters took a bad definition")
	}
	s.ResetResponseFilters()
	if d := s.ResponseFilters(); len(d) != 1 || d["ids-and-logins"] != `["id","login"]` {
		t.Errorf("ResetResponseFilters: %v", d)
	}
}

// The filter endpoints are behind the admin surface's access rule.
func TestAdminResponseFiltersAccess(t *testing.T) {
	f, err := fake.New(fake.Options{Users: 3, AdminToken: "let-me-in"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	for _, c := range []struct {
		remote, token string
		want          int
	}{
		{"203.0.113.9:5555", "", http.StatusForbidden},
		{"203.0.113.9:5555", "let-me-in", http.StatusCreated},
		{"127.0.0.1:5555", "", http.StatusOK},
	} {
		req := httptest.NewRequest(http.MethodPut, fake.AdminPrefix+"/response-filters/ids", strings.NewReader(`["id"]`))
		req.RemoteAddr, req.Host = c.remote, "127.0.0.1:8080"
		req.Header.Set("Content-Type", "application/json")
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s %q: %d, want %d: %s", c.remote, c.token, rec.Code, c.want, rec.Body)
		}
	}
}

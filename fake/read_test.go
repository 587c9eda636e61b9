package fake_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
)

// offsetTime is Rails' xmlschema: whole seconds, "Z" for UTC (the fake's default zone), an offset otherwise.
var offsetTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$`)

func TestShowJSON(t *testing.T) {
	s := newServer(t, fake.Options{})
	r := getJSON(t, s, "/api/users/5")
	wantStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	u := r.object(t)
	if u["id"] != 5.0 {
		t.Errorf("id %v", u["id"])
	}
	for _, k := range []string{"created-at", "updated-at"} {
		if s, _ := u[k].(string); !offsetTime.MatchString(s) {
			t.Errorf("%s %q is not a datetime with an offset", k, u[k])
		}
	}
	if u["fullname"] != fmt.Sprint(u["firstname"], " ", u["lastname"]) {
		t.Errorf("fullname %q for %q %q", u["fullname"], u["firstname"], u["lastname"])
	}
	for k := range u {
		if strings.Contains(k, "_") {
			t.Errorf("key %q has an underscore", k)
		}
	}
	for _, k := range []string{"password", "generate-password-and-notify", "approval-limit", "salesforce-enabled"} {
		if _, ok := u[k]; ok {
			t.Errorf("input-only %q returned", k)
		}
	}
	roles, ok := u["roles"].([]any)
	if !ok || len(roles) == 0 {
		t.Fatalf("roles %v", u["roles"])
	}
	if _, ok := roles[0].(map[string]any)["name"].(string); !ok {
		t.Errorf("role without a name: %v", roles[0])
	}
	if cur, ok := u["default-currency"].(map[string]any); !ok || cur["code"] == nil {
		t.Errorf("default-currency %v", u["default-currency"])
	}
	if cb, ok := u["created-by"].(map[string]any); !ok || cb["login"] == nil {
		t.Errorf("created-by %v", u["created-by"])
	}
}

func TestShowXML(t *testing.T) {
	s := newServer(t, fake.Options{})
	// No Accept: XML, as Coupa answers by default.
	r := call(t, s, http.MethodGet, "/api/users/5", "")
	wantStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
		t.Errorf("Content-Type %q", ct)
	}
	body := string(r.body)
	for _, want := range []string{
		`<?xml version="1.0" encoding="UTF-8"?>`, "\n<user>\n", `<id type="integer">5</id>`,
		`<active type="boolean">`, `<created-at type="dateTime">`, `<roles type="array">`, "<role>",
		`<authentication-method type="symbol">`, `nil="true"/>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("XML lacks %q", want)
		}
	}
	root, v := r.xml(t, "User")
	if root != "user" {
		t.Fatalf("root %q", root)
	}
	// The XML carries the same data as the JSON.
	j := getJSON(t, s, "/api/users/5").object(t)
	x := v.(map[string]any)
	for k, jv := range j {
		if fmt.Sprint(x[k]) != fmt.Sprint(jv) {
			t.Errorf("%s: XML %v, JSON %v", k, x[k], jv)
		}
	}
	// The format suffix wins over Accept.
	if r := call(t, s, http.MethodGet, "/api/users/5.json", "", header{"Accept", "application/xml"}); r.object(t)["id"] != 5.0 {
		t.Errorf("/api/users/5.json did not answer JSON")
	}
}

func TestShowUnknown(t *testing.T) {
	s := newServer(t, fake.Options{})
	for _, id := range []string{"999999", "abc", "0"} {
		r := getJSON(t, s, "/api/users/"+id)
		wantStatus(t, r, http.StatusNotFound)
		if msgs := r.errors(t); len(msgs) == 0 {
			t.Errorf("%s: no message", id)
		}
	}
	r := call(t, s, http.MethodGet, "/api/users/999999", "")
	if !strings.Contains(string(r.body), "<errors>") {
		t.Errorf("XML 404 body: %s", r.body)
	}
}

func ids(t *testing.T, r response) []float64 {
	t.Helper()
	var out []float64
	for _, u := range r.list(t) {
		out = append(out, u.(map[string]any)["id"].(float64))
	}
	return out
}

func TestIndexPaging(t *testing.T) {
	s := newServer(t, fake.Options{Users: 120})
	first := getJSON(t, s, "/api/users")
	if got := len(first.list(t)); got != 50 {
		t.Fatalf("default page: %d users, want 50", got)
	}
	if got := len(getJSON(t, s, "/api/users?limit=500").list(t)); got != 50 {
		t.Errorf("limit=500: %d users, want 50 (clamped)", got)
	}
	var all []float64
	for off := 0; ; off += 7 {
		page := ids(t, getJSON(t, s, fmt.Sprintf("/api/users?limit=7&offset=%d", off)))
		all = append(all, page...)
		if len(page) < 7 {
			break
		}
	}
	if len(all) != 123 || !slices.IsSorted(all) || len(slices.Compact(slices.Clone(all))) != len(all) {
		t.Fatalf("paging walked %d ids (sorted %v): %v", len(all), slices.IsSorted(all), all)
	}
	desc := ids(t, getJSON(t, s, "/api/users?order_by=id&dir=desc&limit=3"))
	if !slices.Equal(desc, []float64{123, 122, 121}) {
		t.Errorf("order_by=id&dir=desc: %v", desc)
	}
	for _, bad := range []string{"limit=0", "limit=abc", "offset=-1", "dir=sideways", "order_by=nope"} {
		r := getJSON(t, s, "/api/users?"+bad)
		wantStatus(t, r, http.StatusBadRequest)
		if len(r.errors(t)) == 0 {
			t.Errorf("%s: no message", bad)
		}
	}
	strict := newServer(t, fake.Options{RejectOverLimit: true})
	wantStatus(t, getJSON(t, strict, "/api/users?limit=51"), http.StatusBadRequest)
}

func TestIndexFilters(t *testing.T) {
	s := newServer(t, fake.Options{Users: 200})
	u := getJSON(t, s, "/api/users/40").object(t)
	login := u["login"].(string)
	check := func(query string, match func(map[string]any) bool, wantSome bool) {
		t.Helper()
		r := getJSON(t, s, "/api/users?limit=50&"+query)
		wantStatus(t, r, http.StatusOK)
		list := r.list(t)
		if wantSome && len(list) == 0 {
			t.Errorf("%s: no match", query)
		}
		for _, it := range list {
			if !match(it.(map[string]any)) {
				t.Errorf("%s: returned %v (login %v)", query, it.(map[string]any)["id"], it.(map[string]any)["login"])
			}
		}
	}
	check("login="+url.QueryEscape(login), func(m map[string]any) bool { return m["login"] == login }, true)
	check("login="+url.QueryEscape(strings.ToUpper(login)), func(m map[string]any) bool { return m["login"] == login }, true)
	part := login[1:4]
	check("login[contains]="+url.QueryEscape(part), func(m map[string]any) bool {
		return strings.Contains(strings.ToLower(m["login"].(string)), strings.ToLower(part))
	}, true)
	check("login[starts_with]="+login[:2], func(m map[string]any) bool { return strings.HasPrefix(m["login"].(string), login[:2]) }, true)
	check("id[gt]=190", func(m map[string]any) bool { return m["id"].(float64) > 190 }, true)
	check("id[in]=3,5,7", func(m map[string]any) bool { return slices.Contains([]float64{3, 5, 7}, m["id"].(float64)) }, true)
	check("id[not_in]=1,2,3&id[lt_or_eq]=10", func(m map[string]any) bool { id := m["id"].(float64); return id > 3 && id <= 10 }, true)
	check("status=active", func(m map[string]any) bool { return m["active"] == true }, true)
	check("active=false", func(m map[string]any) bool { return m["active"] == false }, true)
	check("updated_at[gt]=2020-01-01", func(m map[string]any) bool { return m["updated-at"].(string) > "2020" }, true)
	check("roles[name]=Buyer", func(m map[string]any) bool {
		for _, r := range m["roles"].([]any) {
			if r.(map[string]any)["name"] == "Buyer" {
				return true
			}
		}
		return false
	}, true)
	mgr := getJSON(t, s, "/api/users/10").object(t)["login"].(string)
	check("manager[login]="+url.QueryEscape(mgr), func(m map[string]any) bool {
		mm, _ := m["manager"].(map[string]any)
		return mm != nil && mm["login"] == mgr
	}, false)
	check("default_currency[code]=USD", func(m map[string]any) bool {
		return m["default-currency"].(map[string]any)["code"] == "USD"
	}, true)
	check("middlename[blank]=true", func(m map[string]any) bool { return m["middlename"] == nil || m["middlename"] == "" }, true)

	// No match: JSON [] and XML 404.
	r := getJSON(t, s, "/api/users?login=nobody-at-all")
	wantStatus(t, r, http.StatusOK)
	if string(r.body) != "[]" {
		t.Errorf("no match in JSON: %s", r.body)
	}
	x := call(t, s, http.MethodGet, "/api/users?login=nobody-at-all", "")
	wantStatus(t, x, http.StatusNotFound)
	if !strings.Contains(string(x.body), "No results match your search criteria.") {
		t.Errorf("no match in XML: %s", x.body)
	}
	for _, bad := range []string{"nope=1", "login[containz]=a", "id[contains]=1", "id[gt]=abc", "updated-at[gt]=yesterday", "active=maybe"} {
		r := getJSON(t, s, "/api/users?"+bad)
		wantStatus(t, r, http.StatusBadRequest)
		if len(r.errors(t)) == 0 {
			t.Errorf("%s: no message", bad)
		}
	}
}

func TestIndexProjections(t *testing.T) {
	s := newServer(t, fake.Options{})
	r := getJSON(t, s, `/api/users?limit=2&fields=`+url.QueryEscape(`["id","login",{"roles":["id","name"]}]`))
	wantStatus(t, r, http.StatusOK)
	for _, it := range r.list(t) {
		m := it.(map[string]any)
		keys := slices.Sorted(mapKeys(m))
		if !slices.Equal(keys, []string{"id", "login", "roles"}) {
			t.Errorf("fields: keys %v", keys)
		}
		for _, role := range m["roles"].([]any) {
			if k := slices.Sorted(mapKeys(role.(map[string]any))); !slices.Equal(k, []string{"id", "name"}) {
				t.Errorf("nested fields: %v", k)
			}
		}
	}
	r = getJSON(t, s, "/api/users?limit=2&return_object=limited")
	for _, it := range r.list(t) {
		if k := slices.Sorted(mapKeys(it.(map[string]any))); !slices.Equal(k, []string{"id"}) {
			t.Errorf("limited: %v", k)
		}
	}
	r = getJSON(t, s, "/api/users/5?return_object=shallow")
	u := r.object(t)
	if k := slices.Sorted(mapKeys(u["default-currency"].(map[string]any))); !slices.Equal(k, []string{"code", "id"}) {
		t.Errorf("shallow currency: %v", k)
	}
	if k := slices.Sorted(mapKeys(u["created-by"].(map[string]any))); !slices.Equal(k, []string{"email", "id", "login"}) {
		t.Errorf("shallow user reference: %v", k)
	}
	wantStatus(t, getJSON(t, s, "/api/users?fields=not-json"), http.StatusBadRequest)
	wantStatus(t, getJSON(t, s, "/api/users?return_object=none"), http.StatusBadRequest)
	// show equals the record in index.
	one := getJSON(t, s, "/api/users?id=5").list(t)[0].(map[string]any)
	show := getJSON(t, s, "/api/users/5").object(t)
	if fmt.Sprint(one) != fmt.Sprint(show) {
		t.Error("show differs from the same user in index")
	}
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestIndexAndErrorsInXML(t *testing.T) {
	s := newServer(t, fake.Options{})
	r := call(t, s, http.MethodGet, "/api/users?limit=3", "", header{"Accept", "application/xml"})
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(string(r.body), "\n<users type=\"array\">\n  <user>\n") {
		t.Errorf("XML index: %.200s", r.body)
	}
	root, v := r.xml(t, "UserList")
	if list, ok := v.([]any); root != "users" || !ok || len(list) != 3 {
		t.Errorf("XML index: root %q, %T", root, v)
	}
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/users?id[contains]=1", ""},
		{"POST", "/api/users", "<user><login>only-login</login></user>"},
	} {
		r := call(t, s, c.method, c.path, c.body, header{"Content-Type", "application/xml"})
		wantStatus(t, r, http.StatusBadRequest)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
			t.Errorf("%s %s: Content-Type %q", c.method, c.path, ct)
		}
		root, v := r.xml(t, "ErrorsXML")
		if root != "errors" || v.(map[string]any)["error"] == nil {
			t.Errorf("%s %s: XML error body %s", c.method, c.path, r.body)
		}
	}
}

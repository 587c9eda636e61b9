package fake_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/spec"
)

var tenantFields = []spec.CustomField{
	{Name: "cost-center", Type: "string", MaxLength: 8},
	{Name: "region", Type: "string", Options: []string{"EMEA", "AMER", "APAC"}},
	{Name: "headcount", Type: "integer"},
	{Name: "remote", Type: "boolean"},
	{Name: "start-date", Type: "datetime"},
}

// TestCustomFields: a tenant's custom fields sit in the user's custom-fields object (Coupa's custom field
// namespace page), in JSON and XML; they are accepted on input, cast by their type, kept across partial updates,
// filterable through the namespace and projectable.
func TestCustomFields(t *testing.T) {
	s := newServer(t, fake.Options{Users: 30, CustomFields: tenantFields})
	body := newUser("cf.jo")
	body["custom-fields"] = map[string]any{"cost-center": "CC-12", "region": "EMEA", "headcount": "7", "remote": "true"}
	r := sendJSON(t, s, http.MethodPost, "/api/users", body)
	wantStatus(t, r, http.StatusCreated)
	u := r.object(t)
	cf, _ := u["custom-fields"].(map[string]any)
	if cf["cost-center"] != "CC-12" || cf["region"] != "EMEA" || cf["headcount"] != 7.0 || cf["remote"] != true ||
		cf["start-date"] != nil || len(cf) != 5 {
		t.Fatalf("custom-fields after create: %v", u["custom-fields"])
	}
	id := u["id"].(float64)
	path := fmt.Sprintf("/api/users/%d", int(id))

	// A partial update changes the fields it names and keeps the others.
	r = sendJSON(t, s, http.MethodPut, path, map[string]any{"custom-fields": map[string]any{"headcount": 9, "start-date": "2024-03-04"}})
	wantStatus(t, r, http.StatusOK)
	cf = r.object(t)["custom-fields"].(map[string]any)
	if cf["cost-center"] != "CC-12" || cf["headcount"] != 9.0 || cf["start-date"] != "2024-03-04T00:00:00Z" {
		t.Errorf("custom-fields after a partial update: %v", cf)
	}

	// XML: <custom-fields><cost-center>, typed leaves.
	x := string(call(t, s, http.MethodGet, path, "", header{"Accept", "application/xml"}).body)
	for _, want := range []string{"<custom-fields>", "<cost-center>CC-12</cost-center>", `<headcount type="integer">9</headcount>`,
		`<remote type="boolean">true</remote>`} {
		if !strings.Contains(x, want) {
			t.Errorf("XML lacks %q", want)
		}
	}
	// XML input, cast as Rails casts it.
	wantStatus(t, call(t, s, http.MethodPut, path, `<user><custom-fields><remote>false</remote></custom-fields></user>`,
		header{"Content-Type", "application/xml"}, header{"Accept", "application/json"}), http.StatusOK)
	if cf := getJSON(t, s, path).object(t)["custom-fields"].(map[string]any); cf["remote"] != false || cf["cost-center"] != "CC-12" {
		t.Errorf("after an XML update: %v", cf)
	}

	// Filters and projections through the namespace.
	got := ids(t, getJSON(t, s, "/api/users?custom-fields[cost-center]=cc-12"))
	if len(got) != 1 || got[0] != id {
		t.Errorf("custom-fields[cost-center]=cc-12: %v", got)
	}
	if got := ids(t, getJSON(t, s, "/api/users?custom_fields[headcount][gt]=8&login=cf.jo")); len(got) != 1 {
		t.Errorf("custom_fields[headcount][gt]=8: %v", got)
	}
	p := getJSON(t, s, path+"?fields="+url.QueryEscape(`["id",{"custom-fields":["region"]}]`)).object(t)
	if pcf, _ := p["custom-fields"].(map[string]any); len(p) != 2 || len(pcf) != 1 || pcf["region"] != "EMEA" {
		t.Errorf("projection: %v", p)
	}

	// Bad values get Coupa's messages, and change nothing.
	for _, bad := range []map[string]any{{"region": "MARS"}, {"cost-center": "123456789"}, {"headcount": "many"}, {"remote": "perhaps"}} {
		r := sendJSON(t, s, http.MethodPut, path, map[string]any{"custom-fields": bad})
		wantStatus(t, r, http.StatusBadRequest)
		if len(r.errors(t)) != 1 {
			t.Errorf("%v: %v", bad, r.errors(t))
		}
	}
	if cf := getJSON(t, s, path).object(t)["custom-fields"].(map[string]any); cf["region"] != "EMEA" {
		t.Errorf("a refused update changed custom-fields: %v", cf)
	}
	wantStatus(t, getJSON(t, s, "/api/users?custom-fields[nope]=1"), http.StatusBadRequest)

	// Generated users carry values too.
	withValues := 0
	for _, v := range getJSON(t, s, "/api/users?limit=50").list(t) {
		if cf, ok := v.(map[string]any)["custom-fields"].(map[string]any); ok && cf["region"] != nil {
			withValues++
		}
	}
	if withValues == 0 {
		t.Error("no generated user has a region")
	}
}

// TestCustomFieldDefinitionsAreChecked: a bad definition stops the fake with a clear error.
func TestCustomFieldDefinitionsAreChecked(t *testing.T) {
	for _, defs := range [][]spec.CustomField{
		{{Name: "Cost Center", Type: "string"}},
		{{Name: "a", Type: "string"}, {Name: "a", Type: "integer"}},
		{{Name: "a", Type: "money"}},
		{{Name: "a", Type: "integer", Options: []string{"1"}}},
	} {
		if _, err := fake.New(fake.Options{Users: 1, CustomFields: defs}); err == nil {
			t.Errorf("%+v: accepted", defs)
		}
	}
}

// TestNoCustomFields: a tenant without any answers custom-fields null.
func TestNoCustomFields(t *testing.T) {
	s := newServer(t, fake.Options{Users: 3})
	if u := getJSON(t, s, "/api/users/4").object(t); u["custom-fields"] != nil {
		t.Errorf("custom-fields %v", u["custom-fields"])
	}
}

package fake_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/spec"
)

// The tests here pin behaviours real clients depend on, with the source that says Coupa behaves so
// (../shared/coupa-api-notes.md keeps the sources).

// roleNames reads the role names of a JSON user.
func roleNames(t *testing.T, u map[string]any) []string {
	t.Helper()
	var names []string
	for _, r := range u["roles"].([]any) {
		names = append(names, r.(map[string]any)["name"].(string))
	}
	slices.Sort(names)
	return names
}

// TestRolesOnUpdateAreAdditive: Coupa's ERP playbook 1.6 adds a role with a one-role PUT; 1.7 removes one by
// clearing all, then putting back the rest. --roles-update replace is the alternative a client may expect.
func TestRolesOnUpdateAreAdditive(t *testing.T) {
	role := func(name string) map[string]any { return map[string]any{"name": name} }
	put := func(s *fake.Server, body map[string]any) map[string]any {
		t.Helper()
		r := sendJSON(t, s, http.MethodPut, "/api/users/6", body)
		wantStatus(t, r, http.StatusOK)
		return r.object(t)
	}
	s := newServer(t, fake.Options{})
	put(s, map[string]any{"roles": []any{}})
	put(s, map[string]any{"roles": []any{role("User")}})
	if got := roleNames(t, put(s, map[string]any{"roles": []any{role("Buyer")}})); !slices.Equal(got, []string{"Buyer", "User"}) {
		t.Errorf("a one-role PUT: roles %v, want Buyer added to User", got)
	}
	if got := roleNames(t, put(s, map[string]any{"roles": []any{role("Buyer")}})); !slices.Equal(got, []string{"Buyer", "User"}) {
		t.Errorf("adding a role the user has: %v", got)
	}
	if got := put(s, map[string]any{"roles": nil})["roles"].([]any); len(got) != 0 {
		t.Errorf(`{"roles": null} (baton-coupa's revoke) left %v`, got)
	}

	// XML: <roles/> clears, <roles><role>… adds.
	xmlPut := func(body string) {
		t.Helper()
		r := call(t, s, http.MethodPut, "/api/users/6", body, header{"Content-Type", "application/xml"}, header{"Accept", "application/xml"})
		wantStatus(t, r, http.StatusOK)
	}
	xmlPut(`<user><roles type="array"><role><name>User</name></role></roles></user>`)
	xmlPut(`<user><roles type="array"><role><name>Buyer</name></role></roles></user>`)
	if got := roleNames(t, getJSON(t, s, "/api/users/6").object(t)); !slices.Equal(got, []string{"Buyer", "User"}) {
		t.Errorf("XML: roles %v, want Buyer added to User", got)
	}
	xmlPut(`<user><roles type="array"/></user>`)
	if got := getJSON(t, s, "/api/users/6").object(t)["roles"].([]any); len(got) != 0 {
		t.Errorf("XML <roles/> left %v", got)
	}

	rs := newServer(t, fake.Options{ReplaceRoles: true})
	put(rs, map[string]any{"roles": []any{role("User")}})
	if got := roleNames(t, put(rs, map[string]any{"roles": []any{role("Buyer")}})); !slices.Equal(got, []string{"Buyer"}) {
		t.Errorf("ReplaceRoles: roles %v, want Buyer alone", got)
	}
}

// TestInputCastInXML: XML values are text; Rails casts them into the columns, so an untyped <active>false</active>
// is false and <account-security-type>1</account-security-type> is 1.
func TestInputCastInXML(t *testing.T) {
	s := newServer(t, fake.Options{})
	body := `<user><login>cast.xml</login><email>cast.xml@example.com</email><firstname>Cast</firstname>` +
		`<lastname>Xml</lastname><active>false</active><aic-user>yes</aic-user><account-security-type>1</account-security-type></user>`
	r := call(t, s, http.MethodPost, "/api/users", body, header{"Content-Type", "application/xml"}, header{"Accept", "application/json"})
	wantStatus(t, r, http.StatusCreated)
	u := r.object(t)
	if u["active"] != false || u["aic-user"] != true || u["account-security-type"] != 1.0 {
		t.Errorf("cast: active %v, aic-user %v, account-security-type %v", u["active"], u["aic-user"], u["account-security-type"])
	}
	bad := strings.Replace(body, "cast.xml", "cast2.xml", 2)
	bad = strings.Replace(bad, "<active>false</active>", "<active>perhaps</active>", 1)
	r = call(t, s, http.MethodPost, "/api/users", bad, header{"Content-Type", "application/xml"}, header{"Accept", "application/xml"})
	wantStatus(t, r, http.StatusBadRequest)
	if !strings.Contains(string(r.body), "Active is not a valid boolean") {
		t.Errorf("XML refusal: %s", r.body)
	}
}

// TestIncrementalSyncDoesNotRefetch: PostHog's Coupa source syncs with updated_at[gt]=<the newest updated-at it
// saw>; Coupa keeps whole seconds, so the user last seen does not come back.
func TestIncrementalSyncDoesNotRefetch(t *testing.T) {
	clock := fake.NewClock(nil)
	s := newServer(t, fake.Options{Clock: clock})
	clock.Set(clock.Now().Truncate(1e9).Add(6e8), true) // frozen, 0.6 s into a second
	u := sendJSON(t, s, http.MethodPut, "/api/users/5", map[string]any{"middlename": "Q"}).object(t)
	seen := u["updated-at"].(string)
	if !strings.HasSuffix(seen, "Z") {
		t.Errorf("updated-at %q: UTC is written with Z (Rails' xmlschema)", seen)
	}
	for _, id := range ids(t, getJSON(t, s, "/api/users?updated_at[gt]="+seen)) {
		if id == 5 {
			t.Errorf("updated_at[gt]=%s returned the user updated at that second", seen)
		}
	}
	if got := ids(t, getJSON(t, s, "/api/users?updated_at[gt_or_eq]="+seen)); !slices.Contains(got, 5.0) {
		t.Errorf("updated_at[gt_or_eq]=%s: %v lacks user 5", seen, got)
	}
}

// TestUnknownFieldsAreIgnored: a `fields` list written for another release names elements this one lacks; Rails
// leaves them out. StrictFields refuses them, in Coupa's error format.
func TestUnknownFieldsAreIgnored(t *testing.T) {
	path := "/api/users/5?fields=" + url.QueryEscape(`["id","clm-advanced-user-v2",{"roles":["name","nope"]}]`)
	s := newServer(t, fake.Options{})
	r := getJSON(t, s, path)
	wantStatus(t, r, http.StatusOK)
	u := r.object(t)
	if len(u) != 2 || u["id"] != 5.0 || u["roles"] == nil {
		t.Errorf("lenient fields: %v", u)
	}
	xr := call(t, s, http.MethodGet, path, "", header{"Accept", "application/xml"})
	wantStatus(t, xr, http.StatusOK)
	if !strings.Contains(string(xr.body), `<id type="integer">5</id>`) || strings.Contains(string(xr.body), "nope") {
		t.Errorf("lenient fields in XML: %s", xr.body)
	}

	strict := newServer(t, fake.Options{StrictFields: true})
	r = getJSON(t, strict, path)
	wantStatus(t, r, http.StatusBadRequest)
	if msgs := r.errors(t); !containsMessage(msgs, "clm-advanced-user-v2") {
		t.Errorf("strict fields: %v", msgs)
	}
	xr = call(t, strict, http.MethodGet, path, "", header{"Accept", "application/xml"})
	wantStatus(t, xr, http.StatusBadRequest)
	if !strings.Contains(string(xr.body), "<errors>") {
		t.Errorf("strict fields in XML: %s", xr.body)
	}
}

// TestR39WritableElements: Coupa's R39 Swagger marks invoicing-user and business-function writable, though the
// element table gives them as output only.
func TestR39WritableElements(t *testing.T) {
	s := newServer(t, fake.Options{})
	r := sendJSON(t, s, http.MethodPut, "/api/users/5", map[string]any{"invoicing-user": true, "business-function": "Finance"})
	wantStatus(t, r, http.StatusOK)
	u := getJSON(t, s, "/api/users/5").object(t)
	if u["invoicing-user"] != true || u["business-function"] != "Finance" {
		t.Errorf("invoicing-user %v, business-function %v", u["invoicing-user"], u["business-function"])
	}
}

// TestXMLShapes: Rails names list items after the list, in the singular (<content-groups><content-group>, Coupa's
// 2016 show sample), writes a nil leaf as <x nil="true"/> without a type, and keys come in Coupa's model order
// (id, created-at, updated-at, login, email, ... as the 2024 user of the Delegates API page has them).
func TestXMLShapes(t *testing.T) {
	s := newServer(t, fake.Options{})
	wantStatus(t, sendJSON(t, s, http.MethodPut, "/api/users/5", map[string]any{
		"content-groups": []any{map[string]any{"name": "North America"}}, "middlename": nil,
		"roles": []any{map[string]any{"name": "Buyer"}}}), 200)
	r := call(t, s, http.MethodGet, "/api/users/5", "", header{"Accept", "application/xml"})
	wantStatus(t, r, http.StatusOK)
	body := string(r.body)
	for _, want := range []string{
		"<content-groups type=\"array\">\n    <content-group>\n",
		"<roles type=\"array\">\n    <role>\n",
		"<middlename nil=\"true\"/>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("XML lacks %q:\n%.2000s", want, body)
		}
	}
	if strings.Contains(body, "<business-group>") {
		t.Error("list items named after their type, not the list")
	}
	order := []string{"<id ", "<created-at ", "<updated-at ", "<login>", "<email>", "<purchasing-user ", "<roles ",
		"<manager", "<created-by>", "<updated-by>"}
	last := -1
	for _, tag := range order {
		i := strings.Index(body, "\n  "+tag)
		if i < 0 || i < last {
			t.Errorf("%s at %d, after %d: keys out of Coupa's model order", tag, i, last)
		}
		last = i
	}
	js := string(getJSON(t, s, "/api/users/5").body)
	last = -1
	for _, key := range []string{`"id":`, `"created-at":`, `"updated-at":`, `"login":`, `"email":`, `"roles":`, `"updated-by":`} {
		i := strings.Index(js, key)
		if i < 0 || i < last {
			t.Errorf("JSON: %s at %d, after %d: keys out of Coupa's model order", key, i, last)
		}
		last = i
	}
}

// TestNestedObjectsCarryTimestamps: Coupa's samples and the R39 Swagger give departments, approval limits,
// addresses, accounts, account types and content groups their created-at and updated-at, after the id.
func TestNestedObjectsCarryTimestamps(t *testing.T) {
	s := newServer(t, fake.Options{})
	wantStatus(t, sendJSON(t, s, http.MethodPut, "/api/users/5", map[string]any{
		"department": map[string]any{"name": "Sales"}, "content-groups": []any{map[string]any{"name": "North America"}}}), 200)
	js := string(getJSON(t, s, "/api/users/5").body)
	u := getJSON(t, s, "/api/users/5").object(t)
	dept := u["department"].(map[string]any)
	group := u["content-groups"].([]any)[0].(map[string]any)
	for name, ob := range map[string]map[string]any{"department": dept, "content group": group} {
		for _, k := range []string{"created-at", "updated-at"} {
			if v, _ := ob[k].(string); !offsetTime.MatchString(v) {
				t.Errorf("%s %s: %v", name, k, ob[k])
			}
		}
	}
	i := strings.Index(js, `"department":{`)
	if i < 0 || !strings.HasPrefix(js[i:], `"department":{"id":`) || strings.Index(js[i:], `"created-at"`) > strings.Index(js[i:], `"name"`) {
		t.Errorf("department keys out of order: %.200s", js[max(i, 0):])
	}
}

// TestNestedObjectsShowTheirAuthors: in Coupa's 2024 user (Delegates API page) a role the tenant made carries
// created-by and updated-by as user references, while the system roles Coupa seeds carry neither key; and every user
// reference ends with "custom-fields": null.
func TestNestedObjectsShowTheirAuthors(t *testing.T) {
	s := newServer(t, fake.Options{CustomFields: []spec.CustomField{{Name: "cost-center", Type: "string"}}})
	wantStatus(t, sendJSON(t, s, http.MethodPut, "/api/users/5", map[string]any{
		"roles": []any{map[string]any{"name": "User"}, map[string]any{"name": "Analytics"}}, "manager": map[string]any{"id": 1},
		"custom-fields": map[string]any{"cost-center": "CC-1"}}), 200)
	// The author is the user as it is now, not as it was when the record was cached.
	wantStatus(t, sendJSON(t, s, http.MethodPut, "/api/users/1", map[string]any{"firstname": "Renamed",
		"custom-fields": map[string]any{"cost-center": "CC-9"}}), 200)
	u := getJSON(t, s, "/api/users/5").object(t)
	byName := map[string]map[string]any{}
	for _, r := range u["roles"].([]any) {
		byName[r.(map[string]any)["name"].(string)] = r.(map[string]any)
	}
	if _, ok := byName["User"]["created-by"]; ok {
		t.Errorf("a system role carries created-by: %v", byName["User"])
	}
	for _, k := range []string{"created-by", "updated-by"} {
		a, _ := byName["Analytics"][k].(map[string]any)
		if a["id"] != float64(1) || a["firstname"] != "Renamed" || a["fullname"] == nil {
			t.Errorf("Analytics %s: %v", k, byName["Analytics"][k])
		}
		if v, ok := a["custom-fields"]; !ok || v != nil {
			t.Errorf("Analytics %s custom-fields: %v, %v (want a null key)", k, v, ok)
		}
	}
	if cf, _ := u["custom-fields"].(map[string]any); cf["cost-center"] != "CC-1" {
		t.Errorf("the user's own custom fields: %v", u["custom-fields"])
	}
	if m, _ := u["manager"].(map[string]any); m == nil || m["custom-fields"] != nil || !hasKey(m, "custom-fields") {
		t.Errorf("manager: %v, want custom-fields null", u["manager"])
	}
	dept := getJSON(t, s, "/api/users/5").object(t)["department"]
	if d, _ := dept.(map[string]any); d != nil && d["created-by"] == nil {
		t.Errorf("department without its author: %v", d)
	}

	x := string(call(t, s, http.MethodGet, "/api/users/5", "", header{"Accept", "application/xml"}).body)
	for _, want := range []string{"<system-role type=\"boolean\">false</system-role>\n      <created-by>\n        <id type=\"integer\">1</id>",
		"<custom-fields nil=\"true\"/>\n      </created-by>", "<custom-fields nil=\"true\"/>\n  </manager>"} {
		if !strings.Contains(x, want) {
			t.Errorf("XML lacks %q", want)
		}
	}
}

func hasKey(m map[string]any, k string) bool { _, ok := m[k]; return ok }

// TestAllowedInvoiceInboxesFollowMobileUpload: the 2024 user of Coupa's Delegates API page, who may upload
// invoices from Coupa Mobile, lists the tenant's inboxes as {name, email-address}, without ids; the list is output
// only and follows the permission.
func TestAllowedInvoiceInboxesFollowMobileUpload(t *testing.T) {
	s := newServer(t, fake.Options{})
	inboxes := func(r response) []any {
		t.Helper()
		wantStatus(t, r, http.StatusOK)
		l, ok := r.object(t)["allowed-invoice-inboxes"].([]any)
		if !ok {
			t.Fatalf("allowed-invoice-inboxes: %v", r.object(t)["allowed-invoice-inboxes"])
		}
		return l
	}
	got := inboxes(sendJSON(t, s, http.MethodPut, "/api/users/5", map[string]any{"allow-user-to-upload-invoice-from-mobile": true,
		"allowed-invoice-inboxes": []any{}}))
	if len(got) != 2 {
		t.Fatalf("inboxes of a mobile uploader: %v, want the tenant's two", got)
	}
	first := got[0].(map[string]any)
	if len(first) != 2 || first["name"] != "Default" || !strings.HasPrefix(first["email-address"].(string), "invoices@") {
		t.Errorf("an inbox: %v, want only name and email-address", first)
	}
	if got := inboxes(sendJSON(t, s, http.MethodPut, "/api/users/5", map[string]any{"allow-user-to-upload-invoice-from-mobile": "0"})); len(got) != 0 {
		t.Errorf("inboxes once the permission is withdrawn: %v", got)
	}
	x := string(call(t, s, http.MethodPut, "/api/users/5", "<user><allow-user-to-upload-invoice-from-mobile>true</allow-user-to-upload-invoice-from-mobile></user>",
		header{"Content-Type", "application/xml"}, header{"Accept", "application/xml"}).body)
	if !strings.Contains(x, "<allowed-invoice-inboxes type=\"array\">\n    <allowed-invoice-inbox>\n      <name>Default</name>\n      <email-address>") {
		t.Errorf("XML inboxes: %.3000s", x)
	}
	ids := getJSON(t, s, "/api/users?allowed-invoice-inboxes[email-address][contains]=emea&fields=[\"id\"]&limit=50").list(t)
	if !slices.ContainsFunc(ids, func(u any) bool { return u.(map[string]any)["id"] == float64(5) }) {
		t.Errorf("user 5 not found by its inbox: %v", ids)
	}
}

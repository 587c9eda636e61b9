package fake_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
)

func newUser(login string) map[string]any {
	return map[string]any{"login": login, "email": login + "@example.com", "firstname": "Ada", "lastname": "Lovelace"}
}

func TestCreateDefaults(t *testing.T) {
	s := newServer(t, fake.Options{})
	r := sendJSON(t, s, http.MethodPost, "/api/users", newUser("ada"))
	wantStatus(t, r, http.StatusCreated)
	u := r.object(t)
	checks := map[string]any{
		"active": true, "authentication-method": "coupa_credentials", "account-security-type": 0.0,
		"business-group-security-type": 0.0, "api-user": false, "purchasing-user": false, "fullname": "Ada Lovelace",
		"mention-name": "AdaLovelace", "employee-payment-channel": "ERP",
	}
	for k, want := range checks {
		if u[k] != want {
			t.Errorf("%s = %v, want %v", k, u[k], want)
		}
	}
	if roles := u["roles"].([]any); len(roles) != 1 || roles[0].(map[string]any)["name"] != "User" {
		t.Errorf("roles %v, want [User]", roles)
	}
	if u["default-currency"].(map[string]any)["code"] != "USD" {
		t.Errorf("default-currency %v", u["default-currency"])
	}
	if u["created-by"].(map[string]any)["login"] != "coupa-fake-client" || u["updated-by"].(map[string]any)["login"] != "coupa-fake-client" {
		t.Errorf("created-by %v updated-by %v, want the caller's API user", u["created-by"], u["updated-by"])
	}
	if u["created-at"] != u["updated-at"] {
		t.Errorf("created-at %v updated-at %v", u["created-at"], u["updated-at"])
	}
	// The same first and last names get the next free mention name.
	second := sendJSON(t, s, http.MethodPost, "/api/users", newUser("ada2")).object(t)
	if second["mention-name"] != "AdaLovelace2" {
		t.Errorf("second mention-name %v", second["mention-name"])
	}
	// Persisted: show returns it.
	shown := getJSON(t, s, fmt.Sprintf("/api/users/%v", u["id"])).object(t)
	if fmt.Sprint(shown) != fmt.Sprint(u) {
		t.Error("show differs from the create response")
	}
}

func TestCreateValidation(t *testing.T) {
	s := newServer(t, fake.Options{})
	before := len(getJSON(t, s, "/api/users?limit=50&offset=0").list(t))
	for _, missing := range []string{"login", "email", "firstname", "lastname"} {
		body := newUser("x-" + missing)
		delete(body, missing)
		r := sendJSON(t, s, http.MethodPost, "/api/users", body)
		wantStatus(t, r, http.StatusBadRequest)
		want := map[string]string{"login": "Login", "email": "Email", "firstname": "First Name", "lastname": "Last Name"}[missing]
		if msgs := r.errors(t); !containsMessage(msgs, want+" can't be blank") {
			t.Errorf("missing %s: %v", missing, msgs)
		}
	}
	blank := newUser("blank")
	blank["firstname"] = "  "
	if msgs := sendJSON(t, s, http.MethodPost, "/api/users", blank).errors(t); !containsMessage(msgs, "First Name can't be blank") {
		t.Errorf("blank firstname: %v", msgs)
	}
	cases := []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"too long", func(b map[string]any) { b["firstname"] = strings.Repeat("a", 41) }, "First Name is too long (maximum is 40 characters)"},
		{"enum", func(b map[string]any) { b["authentication-method"] = "SAML" }, "Authentication Method is not included in the list"},
		{"integer enum", func(b map[string]any) { b["business-group-security-type"] = 7 }, "is not included in the list"},
		{"boolean", func(b map[string]any) { b["active"] = "yes please" }, "Active is not a valid boolean"},
		{"email", func(b map[string]any) { b["email"] = "not-an-email" }, "Email is invalid"},
		{"unresolvable role", func(b map[string]any) { b["roles"] = []any{map[string]any{"name": "Wizard"}} },
			`Unable to find valid Role record for roles with keys {"name"=>"Wizard"}. Possible keys are ["id", "name"]`},
		{"unresolvable manager", func(b map[string]any) { b["manager"] = map[string]any{"login": "ghost"} }, "Unable to find valid User record for manager"},
		{"empty reference", func(b map[string]any) { b["department"] = map[string]any{} }, "Department"},
	}
	for _, c := range cases {
		body := newUser("v-" + strings.ReplaceAll(c.name, " ", "-"))
		c.edit(body)
		r := sendJSON(t, s, http.MethodPost, "/api/users", body)
		wantStatus(t, r, http.StatusBadRequest)
		if msgs := r.errors(t); !containsMessage(msgs, c.want) {
			t.Errorf("%s: messages %v, want %q", c.name, msgs, c.want)
		}
	}
	// Nothing was stored by the failed creates.
	if after := len(getJSON(t, s, "/api/users?limit=50&offset=0").list(t)); after != before {
		t.Errorf("users before %d, after failed creates %d", before, after)
	}
	unprocessable := newServer(t, fake.Options{ValidationStatus: 422})
	body := newUser("u")
	delete(body, "login")
	wantStatus(t, sendJSON(t, unprocessable, http.MethodPost, "/api/users", body), http.StatusUnprocessableEntity)
}

func TestCreateUniqueness(t *testing.T) {
	s := newServer(t, fake.Options{})
	first := newUser("grace")
	first["employee-number"] = "E-1"
	first["mention-name"] = "Grace"
	wantStatus(t, sendJSON(t, s, http.MethodPost, "/api/users", first), http.StatusCreated)
	for field, value := range map[string]string{"login": "GRACE", "email": "Grace@Example.com", "employee-number": "e-1", "mention-name": "grace"} {
		dup := newUser("other-" + field)
		dup[field] = value
		r := sendJSON(t, s, http.MethodPost, "/api/users", dup)
		wantStatus(t, r, http.StatusBadRequest)
		want := map[string]string{"login": "Login", "email": "Email", "employee-number": "Employee Number", "mention-name": "Mention Name"}[field]
		if msgs := r.errors(t); !containsMessage(msgs, want+" has already been taken") {
			t.Errorf("duplicate %s: %v", field, msgs)
		}
	}
}

func TestCreateAssociationsAndIgnoredFields(t *testing.T) {
	s := newServer(t, fake.Options{})
	mgr := getJSON(t, s, "/api/users/8").object(t)
	body := newUser("linus")
	body["manager"] = map[string]any{"login": mgr["login"]}
	body["roles"] = []any{map[string]any{"name": "Buyer"}, map[string]any{"id": 3}}
	body["default-currency"] = map[string]any{"code": "EUR"}
	body["default-address"] = map[string]any{"location-code": "HQ"}
	body["phone-work"] = map[string]any{"country-code": "1", "area-code": "415", "number": "5550100"}
	body["password"] = "s3cret-Passw0rd"
	body["id"] = 999999       // output only: ignored
	body["fullname"] = "Mr X" // output only: ignored
	body["created_at"] = "2001-01-01T00:00:00Z"
	body["no-such-element"] = 1 // unknown: ignored
	r := sendJSON(t, s, http.MethodPost, "/api/users", body)
	wantStatus(t, r, http.StatusCreated)
	u := r.object(t)
	if u["manager"].(map[string]any)["id"] != mgr["id"] {
		t.Errorf("manager %v", u["manager"])
	}
	var roles []string
	for _, role := range u["roles"].([]any) {
		roles = append(roles, role.(map[string]any)["name"].(string))
	}
	if strings.Join(roles, ",") != "Buyer,User" {
		t.Errorf("roles %v", roles)
	}
	if u["default-currency"].(map[string]any)["code"] != "EUR" || u["default-address"].(map[string]any)["location-code"] != "HQ" {
		t.Errorf("currency %v address %v", u["default-currency"], u["default-address"])
	}
	if p := u["phone-work"].(map[string]any); p["number"] != "5550100" || p["id"] == nil {
		t.Errorf("phone-work %v", p)
	}
	if u["id"] == 999999.0 || u["fullname"] != "Ada Lovelace" || strings.HasPrefix(u["created-at"].(string), "2001") {
		t.Errorf("output-only values were taken: id %v fullname %v created-at %v", u["id"], u["fullname"], u["created-at"])
	}
	if _, ok := u["password"]; ok {
		t.Error("password returned")
	}
}

func TestCreateXMLAndNoContentType(t *testing.T) {
	s := newServer(t, fake.Options{})
	xmlBody := `<?xml version="1.0" encoding="UTF-8"?>
<user>
  <login>xml.user</login>
  <email>xml.user@example.com</email>
  <firstname>Xml</firstname>
  <lastname>User</lastname>
  <active type="boolean">false</active>
  <purchasing-user>true</purchasing-user>
  <roles type="array"><role><name>Buyer</name></role></roles>
  <manager nil="true"/>
</user>`
	r := call(t, s, http.MethodPost, "/api/users", xmlBody, header{"Content-Type", "application/xml"})
	wantStatus(t, r, http.StatusCreated)
	root, v := r.xml(t, "User")
	u := v.(map[string]any)
	if root != "user" || u["login"] != "xml.user" || u["active"] != false || u["purchasing-user"] != true {
		t.Errorf("XML create: root %s, %v %v %v", root, u["login"], u["active"], u["purchasing-user"])
	}
	// A body without Content-Type is sniffed.
	r = call(t, s, http.MethodPost, "/api/users", `{"login":"nct","email":"nct@example.com","firstname":"N","lastname":"C"}`,
		header{"Accept", "application/json"})
	wantStatus(t, r, http.StatusCreated)
	r = call(t, s, http.MethodPost, "/api/users", `<user><login>nct2</login><email>nct2@example.com</email><firstname>N</firstname><lastname>C</lastname></user>`,
		header{"Accept", "application/json"})
	wantStatus(t, r, http.StatusCreated)
	// return_object=none: an empty body.
	r = call(t, s, http.MethodPost, "/api/users?return_object=none", `{"login":"none","email":"none@example.com","firstname":"N","lastname":"O"}`, jsonHeaders()...)
	wantStatus(t, r, http.StatusCreated)
	if len(r.body) != 0 {
		t.Errorf("return_object=none: %q", r.body)
	}
}

func TestBadBodies(t *testing.T) {
	s := newServer(t, fake.Options{})
	cases := map[string]struct {
		body, contentType string
		want              int
	}{
		"malformed JSON":   {`{"login":`, "application/json", 400},
		"JSON array":       {`[1,2]`, "application/json", 400},
		"malformed XML":    {`<user><login>x</user>`, "application/xml", 400},
		"wrong XML root":   {`<person><login>x</login></person>`, "application/xml", 400},
		"typed XML lie":    {`<user><active type="boolean">perhaps</active></user>`, "application/xml", 400},
		"wrong type":       {`{"login": true, "email": "a@b.c", "firstname": "a", "lastname": "b"}`, "application/json", 400},
		"unsupported type": {`login=x`, "application/x-www-form-urlencoded", 415},
		"too large":        {`{"login":"` + strings.Repeat("x", fake.MaxBodyBytes) + `"}`, "application/json", 413},
	}
	for name, c := range cases {
		r := call(t, s, http.MethodPost, "/api/users", c.body, header{"Content-Type", c.contentType}, header{"Accept", "application/json"})
		if r.status != c.want {
			t.Errorf("%s: status %d, want %d: %.200s", name, r.status, c.want, r.body)
			continue
		}
		if len(r.errors(t)) == 0 {
			t.Errorf("%s: no message", name)
		}
	}
}

func TestUpdate(t *testing.T) {
	clock := fake.NewClock(nil)
	s := newServer(t, fake.Options{Clock: clock})
	orig := getJSON(t, s, "/api/users/6").object(t)
	clock.Advance(1e9 * 60)
	r := sendJSON(t, s, http.MethodPut, "/api/users/6", map[string]any{"lastname": "Hopper", "roles": []any{}})
	wantStatus(t, r, http.StatusOK)
	u := r.object(t)
	if u["lastname"] != "Hopper" || u["fullname"] != fmt.Sprint(orig["firstname"], " Hopper") || u["firstname"] != orig["firstname"] || u["email"] != orig["email"] {
		t.Errorf("partial update: %v %v %v", u["lastname"], u["fullname"], u["firstname"])
	}
	if roles := u["roles"].([]any); len(roles) != 0 {
		t.Errorf("roles were not cleared: %v", roles)
	}
	if u["updated-at"] == orig["updated-at"] || u["created-at"] != orig["created-at"] {
		t.Errorf("timestamps: created %v→%v updated %v→%v", orig["created-at"], u["created-at"], orig["updated-at"], u["updated-at"])
	}
	if shown := getJSON(t, s, "/api/users/6").object(t); fmt.Sprint(shown) != fmt.Sprint(u) {
		t.Error("update not persisted")
	}
	// Deactivate and reactivate.
	if u := sendJSON(t, s, http.MethodPut, "/api/users/6", map[string]any{"active": false}).object(t); u["active"] != false {
		t.Error("deactivate")
	}
	if list := getJSON(t, s, "/api/users?status=active&id=6").list(t); len(list) != 0 {
		t.Error("an inactive user matched status=active")
	}
	if u := sendJSON(t, s, http.MethodPut, "/api/users/6", map[string]any{"active": true}).object(t); u["active"] != true {
		t.Error("reactivate")
	}
	// A failed update changes nothing.
	before := getJSON(t, s, "/api/users/6").body
	other := getJSON(t, s, "/api/users/7").object(t)
	r = sendJSON(t, s, http.MethodPut, "/api/users/6", map[string]any{"lastname": "Changed", "login": other["login"]})
	wantStatus(t, r, http.StatusBadRequest)
	if !containsMessage(r.errors(t), "Login has already been taken") {
		t.Errorf("messages %v", r.errors(t))
	}
	if after := getJSON(t, s, "/api/users/6").body; string(after) != string(before) {
		t.Error("a failed update changed the user")
	}
	wantStatus(t, sendJSON(t, s, http.MethodPut, "/api/users/6", map[string]any{"firstname": ""}), http.StatusBadRequest)
	wantStatus(t, sendJSON(t, s, http.MethodPut, "/api/users/6", map[string]any{"manager": map[string]any{"id": 6}}), http.StatusBadRequest)
	// An unresolvable reference is ignored on update, as Coupa does, unless the fake is strict.
	r = sendJSON(t, s, http.MethodPut, "/api/users/6", map[string]any{"department": map[string]any{"name": "Nowhere"}, "middlename": "Q"})
	wantStatus(t, r, http.StatusOK)
	if r.object(t)["middlename"] != "Q" {
		t.Error("the rest of the update was lost")
	}
	strict := newServer(t, fake.Options{StrictReferences: true})
	wantStatus(t, sendJSON(t, strict, http.MethodPut, "/api/users/6", map[string]any{"department": map[string]any{"name": "Nowhere"}}), http.StatusBadRequest)
	wantStatus(t, sendJSON(t, s, http.MethodPut, "/api/users/999999", map[string]any{"lastname": "X"}), http.StatusNotFound)
	// There is no DELETE.
	r = call(t, s, http.MethodDelete, "/api/users/6", "", jsonHeaders()...)
	wantStatus(t, r, http.StatusNotFound)
	wantStatus(t, getJSON(t, s, "/api/users/6"), http.StatusOK)
}

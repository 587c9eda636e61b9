package spec

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"sort"
	"testing"

	"github.com/coupa-kit/coupa-users/spec/internal/table"
	"github.com/getkin/kin-openapi/openapi3"
)

func TestDocumentValidates(t *testing.T) {
	s := MustLoad()
	if err := s.Doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		t.Fatal(err)
	}
	if s.Doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi: got %q, want 3.0.3", s.Doc.OpenAPI)
	}
	var back map[string]any
	if err := json.Unmarshal(s.JSON(), &back); err != nil || back["openapi"] != "3.0.3" {
		t.Fatalf("JSON rendering: %v, openapi=%v", err, back["openapi"])
	}
}

// TestEveryExampleValidates checks each example (schemas, parameters, media types) against its own schema, with
// kin-openapi's validator, independently of doc.Validate's options.
func TestEveryExampleValidates(t *testing.T) {
	s := MustLoad()
	n := 0
	for name, ref := range s.Doc.Components.Schemas {
		if ref.Value.Example == nil {
			continue
		}
		n++
		if err := ref.Value.VisitJSON(ref.Value.Example); err != nil {
			t.Errorf("schema %s: example does not validate: %v", name, err)
		}
	}
	for name, p := range s.Doc.Components.Parameters {
		if p.Value.Example == nil {
			continue
		}
		n++
		if err := p.Value.Schema.Value.VisitJSON(p.Value.Example); err != nil {
			t.Errorf("parameter %s: example does not validate: %v", name, err)
		}
	}
	for _, want := range []string{"User", "UserCreate", "UserUpdate", "Errors", "ErrorsXML", "TokenResponse", "OAuthError", "Role", "UserRef"} {
		if s.Schema(want).Example == nil {
			t.Errorf("schema %s has no example", want)
		}
	}
	if n < 20 {
		t.Errorf("only %d examples found", n)
	}
	// An example that breaks its schema must be caught, or this test proves nothing.
	bad := map[string]any{"id": "forty-two"}
	if s.Schema("User").VisitJSON(bad) == nil {
		t.Error("a user with a string id validated")
	}
}

func TestOperations(t *testing.T) {
	s := MustLoad()
	want := map[string]string{
		"POST /api/users":            "createUser",
		"GET /api/users":             "listUsers",
		"GET /api/users/{id}":        "showUser",
		"PUT /api/users/{id}":        "updateUser",
		"POST /oauth2/token":         "requestToken",
		"POST /oauth2/access_tokens": "requestAccessToken",
		// The users sub-resources of Coupa's R39 Swagger.
		"GET /api/users/{id}/avatar":                            "downloadUserAvatar",
		"PUT /api/users/{id}/avatar":                            "updateUserAvatar",
		"POST /api/users/{id}/avatar":                           "createUserAvatar",
		"DELETE /api/users/{id}/avatar":                         "deleteUserAvatar",
		"GET /api/users/{id}/retrieve_avatar":                   "retrieveUserAvatar",
		"GET /api/users/{id}/addresses":                         "listUserAddresses",
		"POST /api/users/{id}/addresses":                        "createUserAddress",
		"GET /api/users/{id}/addresses/{address_id}":            "showUserAddress",
		"PUT /api/users/{id}/addresses/{address_id}":            "updateUserAddress",
		"GET /api/users/{id}/business_groups":                   "listUserBusinessGroups",
		"PUT /api/users/{id}/business_groups/add":               "addUserToBusinessGroup",
		"PUT /api/users/{id}/business_groups/remove":            "removeUserFromBusinessGroup",
		"PUT /api/users/{id}/business_groups/{group_id}/add":    "addUserToBusinessGroupByID",
		"PUT /api/users/{id}/business_groups/{group_id}/remove": "removeUserFromBusinessGroupByID",
	}
	got := map[string]string{}
	for path, item := range s.Doc.Paths.Map() {
		for method, op := range item.Operations() {
			got[method+" "+path] = op.OperationID
		}
	}
	if len(got) != len(want) {
		t.Errorf("operations: got %v, want %v", got, want)
	}
	for k, id := range want {
		if got[k] != id {
			t.Errorf("%s: operationId %q, want %q", k, got[k], id)
		}
	}
	scope := func(path, method string) []string {
		op := s.Doc.Paths.Find(path).GetOperation(method)
		return (*op.Security)[0]["oauth2"]
	}
	if got := scope("/api/users", "GET"); !slices.Equal(got, []string{"core.user.read"}) {
		t.Errorf("index scope %v", got)
	}
	if got := scope("/api/users/{id}", "PUT"); !slices.Equal(got, []string{"core.user.write"}) {
		t.Errorf("update scope %v", got)
	}
	for _, path := range []string{"/api/users", "/api/users/{id}"} {
		for method, op := range s.Doc.Paths.Find(path).Operations() {
			for code, r := range op.Responses.Map() {
				if code == "429" || code == "401" {
					continue
				}
				for _, mt := range []string{"application/json", "application/xml"} {
					if r.Value.Content.Get(mt) == nil {
						t.Errorf("%s %s %s: no %s", method, path, code, mt)
					}
				}
			}
			for _, code := range []string{"400", "401", "403", "429"} {
				if op.Responses.Value(code) == nil {
					t.Errorf("%s %s: no %s response", method, path, code)
				}
			}
		}
	}
	if s.Doc.Paths.Find("/api/users/{id}").Delete != nil {
		t.Error("users can be deleted in the document; Coupa has no DELETE")
	}
}

func TestSpotChecks(t *testing.T) {
	s := MustLoad()
	user, create := s.Schema("User"), s.Schema("UserCreate")
	if got := *user.Properties["firstname"].Value.MaxLength; got != 40 {
		t.Errorf("firstname maxLength %d, want 40", got)
	}
	if !user.Properties["id"].Value.ReadOnly {
		t.Error("id is not readOnly")
	}
	if user.Properties["password"] != nil {
		t.Error("password is in responses")
	}
	if !s.Schema("UserUpdate").Properties["password"].Value.WriteOnly {
		t.Error("password is not writeOnly")
	}
	req := slices.Clone(create.Required)
	sort.Strings(req)
	if !slices.Equal(req, []string{"email", "firstname", "lastname", "login"}) {
		t.Errorf("create requires %v", req)
	}
	if s.Schema("UserUpdate").Required != nil {
		t.Errorf("update requires %v", s.Schema("UserUpdate").Required)
	}
	if user.Properties["login"].Value.Extensions["x-coupa-unique"] != true {
		t.Error("login lacks x-coupa-unique")
	}
	if got := user.Properties["treasury-user"].Value.Extensions["x-coupa-element"]; got != "treasury_user" {
		t.Errorf("treasury-user x-coupa-element %v", got)
	}
	for _, k := range []string{"category_planner_user", "treasury_user", "invoicing_user", "msp_user"} {
		if user.Properties[k] != nil {
			t.Errorf("%s is spelled with underscores", k)
		}
	}
	if got := s.Schema("UserRef").Extensions["x-coupa-natural-keys"]; !equalAny(got, "login", "email") {
		t.Errorf("UserRef natural keys %v", got)
	}
	if got := s.Schema("Currency").Extensions["x-coupa-natural-keys"]; !equalAny(got, "code") {
		t.Errorf("Currency natural keys %v", got)
	}
	if x := s.Schema("UserList").XML; x == nil || x.Name != "users" || !x.Wrapped {
		t.Errorf("UserList xml %+v", x)
	}
	locales := s.Element("default-locale").Enum
	seen := map[string]bool{}
	for _, l := range locales {
		if seen[l] {
			t.Errorf("default-locale lists %v twice", l)
		}
		seen[l] = true
	}
	if !seen["es-IC"] || !seen["en"] {
		t.Error("default-locale lost values")
	}
	limit := s.Doc.Components.Parameters["limit"].Value.Schema.Value
	// Above 50 a limit is clamped (or refused), not invalid: the document names no maximum, and says the page size.
	if limit.Max != nil || limit.Default != 50.0 && limit.Default != 50 || limit.Extensions["x-coupa-page-size"] != 50.0 {
		t.Errorf("limit: max %v default %v page size %v", limit.Max, limit.Default, limit.Extensions["x-coupa-page-size"])
	}
	schemes := s.Doc.Components.SecuritySchemes
	if schemes["oauth2"].Value.Flows.ClientCredentials.TokenURL != "/oauth2/token" {
		t.Error("oauth2 token URL")
	}
	if schemes["apiKey"].Value.Name != "X-COUPA-API-KEY" {
		t.Error("api key header")
	}
}

func equalAny(v any, want ...string) bool {
	list, ok := v.([]any)
	if !ok || len(list) != len(want) {
		return false
	}
	for i := range list {
		if list[i] != want[i] {
			return false
		}
	}
	return true
}

func TestElementView(t *testing.T) {
	// That the view holds exactly the seed's elements is TestElementViewCoversTheSeed's business.
	s := MustLoad()
	login := s.Element("login")
	if login.Kind != KindString || login.MaxLength != 255 || !login.Required || !login.Unique || !login.In || !login.Out {
		t.Errorf("login: %+v", login)
	}
	if e := s.Element("created_at"); e == nil || e.Kind != KindDateTime || e.In || !e.Out || e.XMLType != "dateTime" {
		t.Errorf("created_at (underscore spelling): %+v", e)
	}
	if e := s.Element("password"); e.Out || !e.In || e.Operators != nil {
		t.Errorf("password: %+v", e)
	}
	if e := s.Element("roles"); e.Kind != KindObject || !e.List || e.Object != "Role" {
		t.Errorf("roles: %+v", e)
	}
	if e := s.Element("manager"); e.Kind != KindObject || e.List || e.Object != "UserRef" || !e.Nullable {
		t.Errorf("manager: %+v", e)
	}
	if e := s.Element("authentication-method"); e.XMLType != "symbol" || !slices.Equal(e.Enum, []string{"coupa_credentials", "ldap", "saml"}) {
		t.Errorf("authentication-method: %+v", e)
	}
	if e := s.Element("business-group-security-type"); e.Kind != KindInteger || !slices.Contains(e.Enum, "1") {
		t.Errorf("business-group-security-type: %+v", e)
	}
	if e := s.Element("email"); e.SeedName != "" || e.MaxLength != 255 {
		t.Errorf("email: %+v", e)
	}
	if e := s.Element("id"); !slices.Contains(e.Operators, "gt") || slices.Contains(e.Operators, "contains") {
		t.Errorf("id operators %v", e.Operators)
	}
	if e := s.Element("updated-at"); slices.Contains(e.Operators, "ends_with") {
		t.Errorf("updated-at operators %v", e.Operators)
	}
	if ops := s.Filters["manager[login]"]; !slices.Contains(ops, "starts_with") {
		t.Errorf("manager[login] operators %v", ops)
	}
	if want := len(loadTableObjects(t)); len(s.Objects) != want {
		t.Errorf("%d objects, the table lists %d", len(s.Objects), want)
	}
	al := s.Objects["ApprovalLimit"]
	if al.XMLName != "approval-limit" || al.Fields[0].Name != "id" || al.Field("amount").Kind != KindDecimal {
		t.Errorf("ApprovalLimit: %+v", al)
	}
	if f := s.Objects["UserRef"].Field("login"); !slices.Contains(f.Operators, "contains") {
		t.Errorf("UserRef.login operators %v", f.Operators)
	}
	if got := s.Objects["Address"].NaturalKeys; !slices.Equal(got, []string{"location-code"}) {
		t.Errorf("Address natural keys %v", got)
	}
}

// loadTableObjects reads the element table's objects, which the document must all describe.
func loadTableObjects(t *testing.T) []table.Object {
	t.Helper()
	data, err := os.ReadFile("elements.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tb, err := table.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return tb.Objects
}

// TestNullableEnums checks the form of nullable enums: null and the listed values pass, others fail, and no enum
// lists null itself, which Prism 5 cannot compile (it appends a second null).
func TestNullableEnums(t *testing.T) {
	s := MustLoad()
	user, update := s.Schema("User"), s.Schema("UserUpdate")
	n := 0
	for _, e := range s.Elements {
		if len(e.Enum) == 0 || !e.Nullable {
			continue
		}
		n++
		for _, sch := range []*openapi3.Schema{user, update} {
			p := sch.Properties[e.Name]
			if p == nil {
				continue
			}
			good := enumValue(e, e.Enum[0])
			for _, v := range []any{nil, good} {
				if err := p.Value.VisitJSON(v); err != nil {
					t.Errorf("%s: %v refused: %v", e.Name, v, err)
				}
			}
			for _, v := range []any{"not-a-listed-value", 3.5, true} {
				if p.Value.VisitJSON(v) == nil {
					t.Errorf("%s: %v accepted", e.Name, v)
				}
			}
		}
	}
	if n < 3 {
		t.Errorf("only %d nullable enums", n)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if list, ok := v["enum"].([]any); ok && slices.Contains(list, nil) {
				t.Errorf("%s: an enum lists null", path)
			}
			for k, x := range v {
				walk(path+"/"+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path+"[]", x)
			}
		}
	}
	var doc map[string]any
	if err := json.Unmarshal(s.JSON(), &doc); err != nil {
		t.Fatal(err)
	}
	walk("#", doc)
}

// enumValue is a listed value as JSON carries it.
func enumValue(e *Element, v string) any {
	if e.Kind == KindInteger {
		var n float64
		json.Unmarshal([]byte(v), &n)
		return n
	}
	return v
}

// TestEmailPattern pins the shape of an e-mail address that a request must send: the document says it once
// (UserUpdate's pattern) and the fake applies the same expression.
func TestEmailPattern(t *testing.T) {
	s := MustLoad()
	e := s.Element("email")
	if e.Pattern == nil {
		t.Fatal("email has no pattern")
	}
	if got := s.Schema("UserUpdate").Properties["email"].Value.Pattern; got != e.Pattern.String() {
		t.Errorf("UserUpdate's pattern %q, the element's %q", got, e.Pattern)
	}
	if s.Schema("User").Properties["email"].Value.Pattern != "" {
		t.Error("returned e-mail addresses are held to the pattern: a tenant's own rule may differ")
	}
	for addr, want := range map[string]bool{
		"jane@example.com": true, "a@b": true, "ünï.çödé@exämple.org": true, "o'brien+tag@example.co.uk": true,
		"": false, "jane": false, "@example.com": false, "jane@": false, "jane@ex@ample.com": false,
		"jane doe@example.com": false, "jane@example.com\n": false, "a,b@example.com": false, "a;b@example.com": false,
		"<jane@example.com>": false, "jane\t@example.com": false,
	} {
		if got := e.Pattern.MatchString(addr); got != want {
			t.Errorf("%q: match %v, want %v", addr, got, want)
		}
	}
}

package query

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

// render prints a projection compactly: id,login,roles(id,name).
func render(p *Projection) string {
	if p == nil {
		return "*"
	}
	var parts []string
	for _, it := range p.Items {
		s := it.Name
		if it.Fields != nil {
			s += "(" + render(it.Fields) + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

func TestParseFields(t *testing.T) {
	cases := map[string]string{
		`["id","login",{"roles":["id","name"]}]`:                 "id,login,roles(id,name)",
		`["id",{"manager":["login"]}]`:                           "id,manager(login)",
		`[{"manager":["login","employee_number"]},"created_at"]`: "manager(login,employee-number),created-at",
		`["roles"]`:           "roles",
		`["id","id","login"]`: "id,login",
		`[{"roles":["id"]},{"roles":["name","id"]}]`:           "roles(id,name)",
		`[{"roles":["id"]},"roles"]`:                           "roles",
		`["roles",{"roles":["id"]}]`:                           "roles",
		`[{"roles":["id"],"manager":["email"]}]`:               "roles(id),manager(email)",
		`[{"default-address":["id",{"country":["code"]}]}]`:    "default-address(id,country(code))",
		`[{"phone_work":["number"]}]`:                          "phone-work(number)",
		`[{"expense-approval-limit":[{"currency":["code"]}]}]`: "expense-approval-limit(currency(code))",
		` [ "id" ] `:                   "id",
		`["aic_user","treasury-user"]`: "aic-user,treasury-user",
	}
	for raw, want := range cases {
		p, err := ParseFields(raw, testSpec)
		if err != nil {
			t.Errorf("%s: %v", raw, err)
			continue
		}
		if got := render(p); got != want {
			t.Errorf("%s: %s, want %s", raw, got, want)
		}
	}
}

func TestProjectionLookups(t *testing.T) {
	p, err := ParseFields(`["id",{"roles":["name"]},"manager"]`, testSpec)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Has("id") || p.Has("login") || !p.Has("roles") || !p.Has("manager") {
		t.Error("Has")
	}
	if s := p.Sub("roles"); !s.Has("name") || s.Has("id") {
		t.Error("Sub(roles)")
	}
	if p.Sub("manager") != nil || p.Sub("login") != nil {
		t.Error("a bare association or an absent name has no sub-projection")
	}
	var none *Projection
	if !none.Has("anything") || none.Sub("roles") != nil {
		t.Error("a nil projection is everything")
	}
}

func TestParseShape(t *testing.T) {
	cases := []struct {
		raw   string
		write bool
		ret   ReturnObject
		proj  string
	}{
		{"", false, ReturnFull, "*"},
		{"return_object=limited", false, ReturnLimited, "*"},
		{"return_object=shallow", true, ReturnShallow, "*"},
		{"return_object=none", true, ReturnNone, "*"},
		{"return_object=none&return_object=none", true, ReturnNone, "*"},
		{`fields=["id"]&login=ignored`, true, ReturnFull, "id"},
	}
	for _, c := range cases {
		v, _ := url.ParseQuery(c.raw)
		sh, err := ParseShape(v, testSpec, c.write)
		if err != nil || sh.Return != c.ret || render(sh.Fields) != c.proj {
			t.Errorf("%s: %+v %v", c.raw, sh, err)
		}
	}
	v, _ := url.ParseQuery("return_object=nothing")
	if _, err := ParseShape(v, testSpec, true); err == nil || err.Error() != "return_object must be limited, shallow or none, not 'nothing'" {
		t.Errorf("bad return_object on a write: %v", err)
	}
	// Index reads the same parameters.
	q := mustParse(t, `fields=`+url.QueryEscape(`["id",{"roles":["name"]}]`))
	if render(q.Fields) != "id,roles(name)" {
		t.Errorf("index fields: %s", render(q.Fields))
	}
}

func TestParseFieldsErrors(t *testing.T) {
	cases := map[string]string{
		``:                     "Invalid JSON in 'fields': unexpected end of JSON input",
		`[`:                    "Invalid JSON in 'fields': unexpected end of JSON input",
		`["id"`:                "Invalid JSON in 'fields': unexpected end of JSON input",
		`[x]`:                  "Invalid JSON in 'fields': invalid character 'x' looking for beginning of value",
		`["id"]x`:              "Invalid JSON in 'fields': invalid character 'x' looking for beginning of value",
		`["id"]["login"]`:      "Invalid JSON in 'fields': unexpected data after the array",
		`["id",]`:              "Invalid JSON in 'fields': invalid character ']' looking for beginning of value",
		`{"id":1}`:             `'fields' must be a JSON array such as ["id","login",{"roles":["id","name"]}]`,
		`"id"`:                 `'fields' must be a JSON array such as ["id","login",{"roles":["id","name"]}]`,
		`id,login`:             "Invalid JSON in 'fields': invalid character 'i' looking for beginning of value",
		`["foo"]`:              "Unknown field 'foo' in 'fields'",
		`["password"]`:         "Field 'password' is never returned, so 'fields' cannot name it",
		`[{"roles":["foo"]}]`:  "Unknown field 'foo' of 'roles' in 'fields'",
		`[{"login":["x"]}]`:    "'login' is not an association, so 'fields' cannot list fields inside it",
		`[{"roles":"id"}]`:     `The fields of 'roles' must be a JSON array, as in ["id","login",{"roles":["id","name"]}]`,
		`[{"roles":{"id":1}}]`: `The fields of 'roles' must be a JSON array, as in ["id","login",{"roles":["id","name"]}]`,
		`[["id"]]`:             `A list inside 'fields' must be keyed by its association, as in ["id","login",{"roles":["id","name"]}]`,
		`[1]`:                  `'fields' lists names as strings, not 1; for example ["id","login",{"roles":["id","name"]}]`,
		`[null]`:               `'fields' lists names as strings, not null; for example ["id","login",{"roles":["id","name"]}]`,
		`[true]`:               `'fields' lists names as strings, not true; for example ["id","login",{"roles":["id","name"]}]`,
		`[]`:                   `'fields' lists no fields; for example ["id","login",{"roles":["id","name"]}]`,
		`[{"roles":[]}]`:       "The list of fields of 'roles' in 'fields' is empty",
		`[{}]`:                 "", // an empty object adds nothing: the list is then empty
		`[{"default-address":[{"country":["code","nope"]}]}]`: "Unknown field 'nope' of 'default-address.country' in 'fields'",
		`[{"default-address":[{"city":["x"]}]}]`:              "'city' is not an association, so 'fields' cannot list fields inside it",
		`[{"roles":["id"]`:                                    "Invalid JSON in 'fields': unexpected end of JSON input",
	}
	strict := Options{StrictFields: true}
	for raw, want := range cases {
		_, err := strict.ParseFields(raw, testSpec)
		var qe *Error
		if !errors.As(err, &qe) || qe.Param != "fields" {
			t.Errorf("%s: %v, want an *Error on fields", raw, err)
			continue
		}
		if want != "" && qe.Message != want {
			t.Errorf("%s:\n got  %s\n want %s", raw, qe.Message, want)
		}
	}
}

// TestUnknownFieldsAreIgnoredByDefault: Rails' serialisation skips names a model lacks, and clients send lists
// written for other releases; StrictFields refuses them (TestParseFieldsErrors).
func TestUnknownFieldsAreIgnoredByDefault(t *testing.T) {
	cases := map[string]string{ // raw → the projection's names, nested in braces
		`["id","foo","login"]`:                  "id login",
		`["password","id"]`:                     "id",
		`[{"roles":["foo","name"]},"id"]`:       "roles{name} id",
		`[{"nope":["id"]},"id"]`:                "id",
		`[{"nope":[{"deeper":["x"]}]},"login"]`: "login",
		`["foo"]`:                               "",
	}
	for raw, want := range cases {
		p, err := ParseFields(raw, testSpec)
		if err != nil {
			t.Errorf("%s: %v", raw, err)
			continue
		}
		if got := projectionNames(p); got != want {
			t.Errorf("%s: %q, want %q", raw, got, want)
		}
	}
	// Structure is still checked: only names are forgiven.
	for _, raw := range []string{`[]`, `[1]`, `[{"roles":[]}]`, `[{"login":["x"]}]`, `["id"`} {
		if _, err := ParseFields(raw, testSpec); err == nil {
			t.Errorf("%s: accepted", raw)
		}
	}
}

func projectionNames(p *Projection) string {
	var parts []string
	for _, it := range p.Items {
		s := it.Name
		if it.Fields != nil {
			s += "{" + projectionNames(it.Fields) + "}"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

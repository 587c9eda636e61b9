package query

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/internal/fuzzcount"
)

func testFilters(t testing.TB, o Options) *ResponseFilters {
	t.Helper()
	rf, err := o.NewResponseFilters(map[string]string{
		"ids-and-logins": `["id", "login"]`,
		"with-roles":     `["id","login",{"roles":["name"]}]`,
		"other-resource": `["invoice_number",{"invoice_lines":["id"]}]`,
	}, testSpec)
	if err != nil {
		t.Fatal(err)
	}
	return rf
}

func TestNewResponseFilters(t *testing.T) {
	rf := testFilters(t, Options{})
	if rf.Len() != 3 {
		t.Fatalf("%d filters", rf.Len())
	}
	f, ok := rf.Lookup("ids-and-logins")
	if !ok || f.Name != "ids-and-logins" || f.Definition != `["id","login"]` || render(f.Fields) != "id,login" {
		t.Errorf("ids-and-logins: %+v %v", f, ok)
	}
	// Names are matched ignoring case, under the fold the filters use (ſ is s).
	for _, name := range []string{"WITH-ROLES", "With-Roles", "with-roleſ"} {
		if f, ok := rf.Lookup(name); !ok || f.Name != "with-roles" || render(f.Fields) != "id,login,roles(name)" {
			t.Errorf("Lookup(%q): %+v %v", name, f, ok)
		}
	}
	for _, name := range []string{"", "with", "with-roles ", "ids_and_logins"} {
		if _, ok := rf.Lookup(name); ok {
			t.Errorf("Lookup(%q) found a filter", name)
		}
	}
	// A filter written for another resource names nothing a user has: leniently, it renders nothing, as Coupa
	// ignores the parts of a filter meant for other documents.
	if f, _ := rf.Lookup("other-resource"); f.Fields == nil || len(f.Fields.Items) != 0 {
		t.Errorf("other-resource: %+v", f.Fields)
	}
	var names []string
	for _, f := range rf.All() {
		names = append(names, f.Name)
	}
	if strings.Join(names, " ") != "ids-and-logins other-resource with-roles" {
		t.Errorf("All: %v", names)
	}
	if d := rf.Definitions(); len(d) != 3 || d["with-roles"] != `["id","login",{"roles":["name"]}]` {
		t.Errorf("Definitions: %v", d)
	}
	var none *ResponseFilters
	if _, ok := none.Lookup("x"); ok || none.Len() != 0 || none.All() != nil || len(none.Definitions()) != 0 {
		t.Error("a nil set has no filters")
	}
}

func TestNewResponseFiltersErrors(t *testing.T) {
	for _, c := range []struct {
		defs   map[string]string
		strict bool
		want   string
	}{
		{map[string]string{"": `["id"]`}, false, "a response filter needs a name that is not blank"},
		{map[string]string{"  ": `["id"]`}, false, "a response filter needs a name that is not blank"},
		{map[string]string{" ids": `["id"]`}, false, "response filter ' ids': the name starts or ends with a space"},
		{map[string]string{"a\x00b": `["id"]`}, false, "response filter 'a\x00b': the name holds a control character"},
		{map[string]string{"a\xffb": `["id"]`}, false, "response filter 'a\xffb': the name is not UTF-8"},
		{map[string]string{strings.Repeat("é", 256): `["id"]`}, false, "the name is longer than 255 characters"},
		{map[string]string{"ids": `["id"]`, "IDS": `["login"]`}, false, "response filters 'IDS' and 'ids': names must differ by more than case"},
		{map[string]string{"ids": `["id"`}, false, "response filter 'ids': Invalid JSON in 'fields': unexpected end of JSON input"},
		{map[string]string{"ids": `{"id":1}`}, false, `response filter 'ids': 'fields' must be a JSON array such as`},
		{map[string]string{"ids": `[]`}, false, "response filter 'ids': 'fields' lists no fields"},
		{map[string]string{"ids": `["password"]`}, true, "response filter 'ids': Field 'password' is never returned"},
		{map[string]string{"ids": `["nope"]`}, true, "response filter 'ids': Unknown field 'nope' in 'fields'"},
		{map[string]string{"big": `["id"` + strings.Repeat(`,"id"`, MaxFilterBytes/5) + `]`}, false, "response filter 'big': the definition is"},
		// The first bad definition in the order of the names.
		{map[string]string{"b": `[1]`, "a": `[2]`}, false, "response filter 'a': 'fields' lists names as strings, not 2"},
	} {
		_, err := Options{StrictFields: c.strict}.NewResponseFilters(c.defs, testSpec)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.defs, err, c.want)
		}
	}
	// Under StrictFields a definition is refused, not trimmed; a lenient parse keeps what it knows.
	rf, err := Options{}.NewResponseFilters(map[string]string{"ids": `["id","nope"]`}, testSpec)
	if f, _ := rf.Lookup("ids"); err != nil || render(f.Fields) != "id" {
		t.Errorf("lenient: %v %v", f, err)
	}
}

func TestResponseFiltersWithAndWithout(t *testing.T) {
	rf := testFilters(t, Options{})
	more, replaced, err := rf.With(Options{}, testSpec, "Email-Only", `["email"]`)
	if err != nil || replaced || more.Len() != 4 || rf.Len() != 3 {
		t.Fatalf("With a new name: %d %v %v (the original has %d)", more.Len(), replaced, err, rf.Len())
	}
	// The same name in another case replaces the filter and its spelling.
	again, replaced, err := more.With(Options{}, testSpec, "email-only", `["email","login"]`)
	if f, _ := again.Lookup("EMAIL-ONLY"); err != nil || !replaced || again.Len() != 4 || f.Name != "email-only" || render(f.Fields) != "email,login" {
		t.Errorf("With a known name: %+v %v %v", f, replaced, err)
	}
	if f, _ := more.Lookup("email-only"); f.Name != "Email-Only" || render(f.Fields) != "email" {
		t.Errorf("With changed the set it was called on: %+v", f)
	}
	if _, _, err := more.With(Options{}, testSpec, "bad", `[`); err == nil {
		t.Error("With took a bad definition")
	}
	fewer, removed, ok := again.Without("EMAIL-only")
	if !ok || removed.Name != "email-only" || fewer.Len() != 3 || again.Len() != 4 {
		t.Errorf("Without: %+v %v %d %d", removed, ok, fewer.Len(), again.Len())
	}
	if same, _, ok := fewer.Without("email-only"); ok || same != fewer {
		t.Error("Without an unknown name")
	}
	var none *ResponseFilters
	one, _, err := none.With(Options{}, testSpec, "ids", `["id"]`)
	if err != nil || one.Len() != 1 {
		t.Errorf("With on a nil set: %v", err)
	}
}

func TestParseShapeFilter(t *testing.T) {
	o := Options{Filters: testFilters(t, Options{})}
	for _, c := range []struct {
		raw    string
		write  bool
		proj   string
		filter string
	}{
		{"filter=ids-and-logins", false, "id,login", "ids-and-logins"},
		{"filter=WITH-ROLES", true, "id,login,roles(name)", "with-roles"},
		{"filter=ids-and-logins&filter=ids-and-logins", false, "id,login", "ids-and-logins"},
		// Blank: as in Coupa's sample URLs, ignored.
		{"filter=", false, "*", ""},
		{"filter=+", true, "*", ""},
		{`filter=&fields=["email"]`, false, "email", ""},
		{"filter=&return_object=limited", false, "*", ""},
	} {
		v, _ := url.ParseQuery(c.raw)
		sh, err := o.ParseShape(v, testSpec, c.write)
		if err != nil || render(sh.Fields) != c.proj || sh.Filter != c.filter {
			t.Errorf("%s: %+v (%s) %v", c.raw, sh, render(sh.Fields), err)
		}
	}
	for raw, want := range map[string]string{
		"filter=nope":                          "Unknown response filter 'nope' in 'filter'",
		"filter=ids-and-logins+":               "Unknown response filter 'ids-and-logins ' in 'filter'",
		"filter=" + strings.Repeat("x", 200):   "Unknown response filter '" + strings.Repeat("x", 80) + "…' in 'filter'",
		"filter=ids-and-logins&filter=x":       "Parameter 'filter' is given 2 times with different values; give it once",
		`filter=with-roles&fields=["id"]`:      "Use either 'fields' or 'filter', not both",
		"filter=with-roles&return_object=none": "Use either 'filter' or 'return_object', not both",
	} {
		v, _ := url.ParseQuery(raw)
		_, err := o.ParseShape(v, testSpec, true)
		var qe *Error
		if !errors.As(err, &qe) || qe.Param != "filter" || qe.Message != want {
			t.Errorf("%s: %v, want %q on filter", raw, err, want)
		}
	}
	// Without filters every name is unknown.
	if _, err := ParseShape(url.Values{"filter": {"ids-and-logins"}}, testSpec, false); err == nil {
		t.Error("a filter was found in no set")
	}
	// Index reads filter as a reserved parameter, not as a filter on an attribute.
	q, err := o.Parse(url.Values{"filter": {"with-roles"}, "login[starts_with]": {"j"}}, testSpec)
	if err != nil || render(q.Fields) != "id,login,roles(name)" || q.Filter != "with-roles" || len(q.Conditions) != 1 {
		t.Errorf("index: %+v %v", q, err)
	}
	if _, err := o.Parse(url.Values{"filter[name]": {"x"}}, testSpec); err == nil {
		t.Error("filter[name] was accepted")
	}
}

// FuzzResponseFilter feeds arbitrary names and definitions: defining one never panics and answers an error or a
// filter found again under its name; applying a name answers the filter's projection, nothing for a blank one, or
// an *Error on filter.
func FuzzResponseFilter(f *testing.F) {
	f.Add("ids", `["id","login"]`, "IDS")
	f.Add("with-roles", `["id",{"roles":["name"]}]`, "with-roles")
	f.Add("x", `[`, "x")
	f.Add(" ", `["id"]`, "")
	f.Add("ſ", `["email"]`, "S")
	f.Add("a\x00", `["id"]`, "a")
	f.Fuzz(func(t *testing.T, name, def, asked string) {
		fuzzcount.Inc()
		rf, err := Options{}.NewResponseFilters(map[string]string{name: def}, testSpec)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("%q %q: an empty error", name, def)
			}
			rf = nil
		} else if got, ok := rf.Lookup(name); !ok || got.Name != name || got.Fields == nil {
			t.Fatalf("%q %q: not found again: %+v", name, def, got)
		}
		sh, err := Options{Filters: rf}.ParseShape(url.Values{"filter": {asked}}, testSpec, false)
		var qe *Error
		switch {
		case err != nil:
			if !errors.As(err, &qe) || qe.Param != "filter" || qe.Message == "" {
				t.Fatalf("%q: %v is not an *Error on filter", asked, err)
			}
		case strings.TrimSpace(asked) == "":
			if sh.Fields != nil || sh.Filter != "" {
				t.Fatalf("blank %q: %+v", asked, sh)
			}
		case sh.Fields == nil || sh.Filter != name:
			t.Fatalf("%q: %+v, want the filter %q", asked, sh, name)
		}
	})
}

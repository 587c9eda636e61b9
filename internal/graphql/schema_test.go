package graphql

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	gql "github.com/graphql-go/graphql"

	"github.com/coupa-kit/coupa-users/spec"
)

// noUsers is a Source with nobody, for tests of the schema alone.
type noUsers struct{}

func (noUsers) Users(context.Context, url.Values) ([]map[string]any, error) { return nil, nil }
func (noUsers) User(context.Context, int64) (map[string]any, bool, error)   { return nil, false, nil }

func TestFieldName(t *testing.T) {
	for in, want := range map[string]string{"id": "id", "employee-number": "employeeNumber", "segment-1": "segment1",
		"allow-user-to-upload-invoice-from-mobile": "allowUserToUploadInvoiceFromMobile", "aic_user": "aicUser"} {
		if got := FieldName(in); got != want {
			t.Errorf("FieldName(%q) = %q, want %q", in, got, want)
		}
	}
}

// typeString is a type as SDL writes it: [Role!]!, String, ID!.
func typeString(t gql.Type) string { return t.String() }

// wantType is the GraphQL type the spec gives a member.
func wantType(name string, kind spec.Kind, object string, list, nullable bool, s *spec.Spec) string {
	var base string
	switch {
	case name == "id":
		base = "ID"
	case kind == spec.KindObject && s.Objects[object].Namespace:
		base = "JSON"
	case kind == spec.KindObject:
		base = object
	default:
		base = map[spec.Kind]string{spec.KindString: "String", spec.KindInteger: "Int", spec.KindBoolean: "Boolean",
			spec.KindDateTime: "DateTime", spec.KindDecimal: "Decimal"}[kind]
	}
	switch {
	case list:
		return "[" + base + "!]!"
	case !nullable:
		return base + "!"
	}
	return base
}

// TestSchemaIsTheTable is the drift test: the User type has exactly the output elements of the spec, each with the
// type the table gives it, and every associated object type exactly its fields. The schema is built from the spec at
// start-up, so this holds for any table; it fails if the builder skips or mistypes a kind of element.
func TestSchemaIsTheTable(t *testing.T) {
	s := spec.MustLoad()
	schema, err := NewSchema(s, noUsers{})
	if err != nil {
		t.Fatal(err)
	}
	user := schema.Type(UserType).(*gql.Object).Fields()
	var want []string
	for _, e := range s.Elements {
		name := FieldName(e.Name)
		f := user[name]
		if !e.Out {
			if f != nil {
				t.Errorf("input-only %s is a field of User", e.Name)
			}
			continue
		}
		want = append(want, name)
		if f == nil {
			t.Errorf("output element %s has no field %s in User", e.Name, name)
			continue
		}
		if got, w := typeString(f.Type), wantType(e.Name, e.Kind, e.Object, e.List, e.Nullable, s); got != w {
			t.Errorf("User.%s: %s, want %s", name, got, w)
		}
	}
	if len(user) != len(want) {
		var got []string
		for n := range user {
			got = append(got, n)
		}
		t.Errorf("User has %d fields, the spec %d output elements: %v", len(user), len(want), got)
	}
	for name, ob := range s.Objects {
		if ob.Namespace {
			continue
		}
		o, ok := schema.Type(name).(*gql.Object)
		if !ok {
			t.Errorf("object %s has no type", name)
			continue
		}
		fields := o.Fields()
		if len(fields) != len(ob.Fields) {
			t.Errorf("%s has %d fields, the spec %d", name, len(fields), len(ob.Fields))
		}
		for _, sf := range ob.Fields {
			f := fields[FieldName(sf.Name)]
			if f == nil {
				t.Errorf("%s.%s is missing", name, sf.Name)
				continue
			}
			if got, w := typeString(f.Type), wantType(sf.Name, sf.Kind, sf.Object, false, sf.Nullable, s); got != w {
				t.Errorf("%s.%s: %s, want %s", name, FieldName(sf.Name), got, w)
			}
		}
	}
}

// TestOneChangeOfTheTable: an element added to the spec is a field of User, with no other change; an element
// GraphQL cannot name, or two that collide, stop the build naming them.
func TestOneChangeOfTheTable(t *testing.T) {
	base := spec.MustLoad()
	with := func(extra ...*spec.Element) *spec.Spec {
		c := *base
		c.Elements = append(slices.Clone(base.Elements), extra...)
		return &c
	}
	schema, err := NewSchema(with(&spec.Element{Name: "hire-date", Kind: spec.KindDateTime, Out: true, Nullable: true}), noUsers{})
	if err != nil {
		t.Fatal(err)
	}
	if f := schema.Type(UserType).(*gql.Object).Fields()["hireDate"]; f == nil || f.Type.String() != "DateTime" {
		t.Errorf("hire-date: %v, want a field hireDate of type DateTime", f)
	}
	for name, e := range map[string]*spec.Element{
		"not a name": {Name: "1st-login", Kind: spec.KindString, Out: true},
		"collision":  {Name: "employee_number", Kind: spec.KindString, Out: true},
	} {
		if _, err := NewSchema(with(e), noUsers{}); err == nil || !strings.Contains(err.Error(), "graphql: User.") {
			t.Errorf("%s: %v, want an error naming the element", name, err)
		}
	}
}

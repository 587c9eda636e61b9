package spec

import (
	"slices"
	"testing"
)

func TestWithCustomFieldsLeavesTheLoadedSpecAlone(t *testing.T) {
	s := MustLoad()
	defs, err := ParseCustomFields([]byte(`[{"name":"cost-center","type":"string","max_length":8},{"name":"remote","type":"boolean"}]`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.WithCustomFields(defs)
	if err != nil {
		t.Fatal(err)
	}
	ns := c.Objects["CustomFields"]
	if len(ns.Fields) != 2 || ns.Field("cost-center").MaxLength != 8 || ns.Field("remote").Kind != KindBoolean {
		t.Errorf("fields %+v", ns.Fields)
	}
	if ops := c.Filters["custom-fields[cost-center]"]; !slices.Contains(ops, Contains) || slices.Contains(ops, Eq) {
		t.Errorf("operators %v", ops)
	}
	if len(s.Objects["CustomFields"].Fields) != 0 || s.Filters["custom-fields[cost-center]"] != nil {
		t.Error("the shared spec changed")
	}
	if _, err := ParseCustomFields([]byte(`[{"name":"a","type":"string","colour":"red"}]`)); err == nil {
		t.Error("an unknown key was accepted")
	}
	many := make([]CustomField, MaxCustomFields+1)
	for i := range many {
		many[i] = CustomField{Name: "f" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Type: "string"}
	}
	if _, err := s.WithCustomFields(many); err == nil {
		t.Error("more than MaxCustomFields accepted")
	}
}

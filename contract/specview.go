package contract

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/coupa-kit/coupa-users/spec"
)

// The suite reads the embedded spec; these helpers are its views of it that the checks share.

// theSpec is the loaded spec (parsed once per process by package spec).
func theSpec() *spec.Spec { return spec.MustLoad() }

// specSchema returns a component schema by name, or nil.
func specSchema(name string) *openapi3.Schema { return theSpec().Schema(name) }

// elementRef is the JSON pointer of an element's schema in the document: the output schema for returned elements,
// the input schema for input-only ones.
func elementRef(e *spec.Element, field string) string {
	schema := "User"
	if !e.Out {
		schema = "UserUpdate"
	}
	ref := "#/components/schemas/" + schema + "/properties/" + e.Name
	if field != "" {
		ref += "/" + field
	}
	return ref
}

// inputRef is the JSON pointer of an element's schema as a request sends it.
func inputRef(e *spec.Element, field string) string {
	ref := "#/components/schemas/UserUpdate/properties/" + e.Name
	if field != "" {
		ref += "/" + field
	}
	return ref
}

// enumValues returns an element's allowed values, typed as decoded JSON types them (a number is a float64).
func enumValues(e *spec.Element) []any {
	var out []any
	for _, v := range e.Enum {
		if n, err := strconv.ParseFloat(v, 64); err == nil && e.Kind == spec.KindInteger {
			out = append(out, n)
		} else {
			out = append(out, v)
		}
	}
	return out
}

// inputObject returns the schema of an object as requests refer to it ("RoleInput"), or nil.
func inputObject(object string) *openapi3.Schema { return specSchema(object + "Input") }

// ownedByValue reports whether an associated object is sent by value (a phone number) rather than referred to by
// id or natural key.
func ownedByValue(object string) bool {
	ob := theSpec().Objects[object]
	return ob != nil && len(ob.NaturalKeys) == 0
}

// createRequired lists the elements a create must carry, in element order.
func createRequired() []*spec.Element {
	var out []*spec.Element
	for _, e := range theSpec().Elements {
		if e.Required && e.In {
			out = append(out, e)
		}
	}
	return out
}

// filterKind is the kind of a filterable attribute ("login", "manager[login]"), and its element and field.
func filterKind(attr string) (spec.Kind, *spec.Element, *spec.Field, error) {
	s := theSpec()
	name, field, assoc := strings.Cut(strings.TrimSuffix(attr, "]"), "[")
	e := s.Element(name)
	if e == nil {
		return 0, nil, nil, fmt.Errorf("filter %s: no element %s", attr, name)
	}
	if !assoc {
		return e.Kind, e, nil, nil
	}
	ob := s.Objects[e.Object]
	if ob == nil {
		return 0, nil, nil, fmt.Errorf("filter %s: %s is not an association", attr, name)
	}
	f := ob.Field(field)
	if f == nil {
		return 0, nil, nil, fmt.Errorf("filter %s: %s has no field %s", attr, e.Object, field)
	}
	return f.Kind, e, f, nil
}

// sortedFilters returns the filterable attributes in a stable order: top-level attributes in element order, then
// association fields in element and field order.
func sortedFilters() []string {
	s := theSpec()
	var out []string
	for _, e := range s.Elements {
		if _, ok := s.Filters[e.Name]; ok {
			out = append(out, e.Name)
		}
	}
	for _, e := range s.Elements {
		ob := s.Objects[e.Object]
		if ob == nil {
			continue
		}
		for _, f := range ob.Fields {
			if _, ok := s.Filters[e.Name+"["+f.Name+"]"]; ok {
				out = append(out, e.Name+"["+f.Name+"]")
			}
		}
	}
	return slices.Compact(out)
}

package railsxml

import "github.com/getkin/kin-openapi/openapi3"

// xmlTypeExtension is the schema extension that names the Rails type of a
// string property whose type attribute the JSON schema cannot express:
// "decimal" (money, sent as a string) or "symbol".
const xmlTypeExtension = "x-coupa-xml-type"

// maxSchemaHops bounds how deep the helpers below follow allOf, oneOf and
// anyOf, so that a composition that refers to itself cannot loop forever.
// Real schemas compose two or three levels at most.
const maxSchemaHops = 8

// find returns the first schema, in s itself and then depth-first through its
// allOf, oneOf and anyOf branches, for which ok is true; nil if none. This is
// the "reasonable" reading of compositions: the first branch that declares a
// thing decides it.
func find(s *openapi3.Schema, ok func(*openapi3.Schema) bool) *openapi3.Schema {
	return findHop(s, ok, 0)
}

func findHop(s *openapi3.Schema, ok func(*openapi3.Schema) bool, hop int) *openapi3.Schema {
	if s == nil || hop > maxSchemaHops {
		return nil
	}
	if ok(s) {
		return s
	}
	for _, refs := range [...]openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, r := range refs {
			if r == nil {
				continue
			}
			if found := findHop(r.Value, ok, hop+1); found != nil {
				return found
			}
		}
	}
	return nil
}

// propSchema returns the schema of property name of object schema s: the
// first declaration of the property, else additionalProperties; nil if
// neither says anything.
func propSchema(s *openapi3.Schema, name string) *openapi3.Schema {
	if s == nil {
		return nil
	}
	if r := s.Properties[name]; r != nil { // the common case, without a closure
		return r.Value
	}
	if d := find(s, func(x *openapi3.Schema) bool { return x.Properties[name] != nil }); d != nil {
		return d.Properties[name].Value
	}
	if d := find(s, func(x *openapi3.Schema) bool { return x.AdditionalProperties.Schema != nil }); d != nil {
		return d.AdditionalProperties.Schema.Value
	}
	return nil
}

// itemsSchema returns the schema of the items of array schema s, or nil.
func itemsSchema(s *openapi3.Schema) *openapi3.Schema {
	if d := find(s, func(x *openapi3.Schema) bool { return x.Items != nil }); d != nil {
		return d.Items.Value
	}
	return nil
}

// schemaTypes returns the JSON types s allows, in the order it lists them:
// its own type, else that of the first allOf/oneOf/anyOf branch that declares
// one; a schema without a type that has properties or items allows an object
// or an array. nil means s does not say.
func schemaTypes(s *openapi3.Schema) []string {
	if s == nil {
		return nil
	}
	if !s.Type.IsEmpty() { // the common case, without a closure
		return s.Type.Slice()
	}
	if d := find(s, func(x *openapi3.Schema) bool { return !x.Type.IsEmpty() }); d != nil {
		return d.Type.Slice()
	}
	if find(s, func(x *openapi3.Schema) bool { return len(x.Properties) > 0 || x.AdditionalProperties.Schema != nil }) != nil {
		return []string{openapi3.TypeObject}
	}
	if find(s, func(x *openapi3.Schema) bool { return x.Items != nil }) != nil {
		return []string{openapi3.TypeArray}
	}
	return nil
}

// kind returns the main JSON type of s: the first of its types other than
// "null" (null is written and read as nil="true" whatever the type), "null"
// if that is all it allows, or "" when s does not say.
func kind(s *openapi3.Schema) string {
	types := schemaTypes(s)
	for _, t := range types {
		if t != openapi3.TypeNull {
			return t
		}
	}
	if len(types) > 0 {
		return openapi3.TypeNull
	}
	return ""
}

// format returns the first format s declares, e.g. "date-time".
func format(s *openapi3.Schema) string {
	if d := find(s, func(x *openapi3.Schema) bool { return x.Format != "" }); d != nil {
		return d.Format
	}
	return ""
}

// xmlTypeExt returns the value of the x-coupa-xml-type extension, or "".
func xmlTypeExt(s *openapi3.Schema) string {
	d := find(s, func(x *openapi3.Schema) bool { _, ok := x.Extensions[xmlTypeExtension]; return ok })
	if d == nil {
		return ""
	}
	v, _ := d.Extensions[xmlTypeExtension].(string)
	return v
}

// xmlName returns the element name s declares with the OpenAPI xml object, or "".
func xmlName(s *openapi3.Schema) string {
	if d := find(s, func(x *openapi3.Schema) bool { return x.XML != nil && x.XML.Name != "" }); d != nil {
		return d.XML.Name
	}
	return ""
}

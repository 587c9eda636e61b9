package spec

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Kind is the data type of an element or field, as the element table names it.
type Kind int

// The kinds of data. Decimal is money: a string in JSON, `type="decimal"` in XML.
const (
	KindString Kind = iota + 1
	KindInteger
	KindBoolean
	KindDateTime
	KindDecimal
	KindObject
)

var kindNames = map[Kind]string{KindString: "string", KindInteger: "integer", KindBoolean: "boolean",
	KindDateTime: "datetime", KindDecimal: "decimal", KindObject: "object"}

// String returns the kind's name in the element table.
func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// XMLType is the Rails `type` attribute for a leaf of this kind ("" for plain strings and objects).
func (k Kind) XMLType() string {
	switch k {
	case KindInteger:
		return "integer"
	case KindBoolean:
		return "boolean"
	case KindDateTime:
		return "dateTime"
	case KindDecimal:
		return "decimal"
	}
	return ""
}

// Element is one element of the user, with everything the fake and the contract suite need to know about it.
type Element struct {
	Name        string // the API key, hyphenated ("created-at")
	SeedName    string // the seed's spelling ("treasury_user"); "" where the seed lost it
	Description string
	Kind        Kind
	MaxLength   int        // 0: no maximum
	Enum        []string   // allowed values, as strings ("0", "1" for integers)
	In          bool       // accepted on create and update
	Out         bool       // returned
	Required    bool       // required on create
	Unique      bool       // unique across users
	Personal    bool       // personal data (x-coupa-personal): what a snapshot pseudonymises
	Nullable    bool       // may be null in responses
	List        bool       // an array of objects
	Object      string     // for KindObject: the associated object's schema name ("Role")
	XMLType     string     // the Rails type attribute of the leaf ("symbol" for authentication-method)
	YesNo       bool       // a boolean that also takes "yes" and "no" on input, as its table row allows
	XMLItem     string     // for lists: the XML name of an item, the list's name in the singular ("content-group")
	Operators   []Operator // filter operators besides the exact match; nil where it cannot be filtered
	// FilterOnly is a column queries filter on that no answer shows (type); Subresource a list only the user's own
	// resource reads and changes (addresses, at /api/users/{id}/addresses). Either is neither In nor Out.
	FilterOnly, Subresource bool
	// Pattern is the shape a value sent must have (email), or nil.
	Pattern *regexp.Regexp
	// Schema is the element's schema as returned, or as sent for input-only elements.
	Schema *openapi3.Schema
}

// Object is an associated object type.
type Object struct {
	Name        string   // schema name ("ApprovalLimit")
	XMLName     string   // element name in XML ("approval-limit")
	NaturalKeys []string // keys a request may refer to it by, besides id
	Fields      []*Field // as returned, id first
	// Namespace marks the object whose fields each tenant defines (custom-fields): the document lists none, and
	// Spec.WithCustomFields gives a tenant's.
	Namespace bool
}

// Field is a property of an associated object.
type Field struct {
	Name      string
	Kind      Kind
	MaxLength int
	Nullable  bool
	Object    string     // for KindObject
	Operators []Operator // filter operators when reached through an association (`manager[login]`)
	Enum      []string   // allowed values (a custom field's options); nil for any
}

// Element returns the element with that name, spelled with dashes or underscores, or nil.
func (s *Spec) Element(name string) *Element { return s.byName[strings.ReplaceAll(name, "_", "-")] }

// Field returns the object's field with that name (dashes or underscores), or nil.
func (o *Object) Field(name string) *Field {
	name = strings.ReplaceAll(name, "_", "-")
	for _, f := range o.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Schema returns a named component schema, or nil.
func (s *Spec) Schema(name string) *openapi3.Schema {
	if ref := s.Doc.Components.Schemas[name]; ref != nil {
		return ref.Value
	}
	return nil
}

func (s *Spec) buildViews() error {
	user, update, create := s.Schema("User"), s.Schema("UserUpdate"), s.Schema("UserCreate")
	if user == nil || update == nil || create == nil {
		return fmt.Errorf("the document lacks User, UserUpdate or UserCreate")
	}
	filters, err := s.filters()
	if err != nil {
		return err
	}
	s.Filters = filters
	s.byName = map[string]*Element{}
	// Elements neither sent nor returned (x-coupa-hidden): a column a query filters on (type), a list only its own
	// resource reads and changes (addresses).
	hidden := map[string]*openapi3.SchemaRef{}
	if raw, ok := user.Extensions["x-coupa-hidden"].(map[string]any); ok {
		for name, v := range raw {
			data, _ := json.Marshal(v)
			var sch openapi3.Schema
			if err := sch.UnmarshalJSON(data); err != nil {
				return fmt.Errorf("x-coupa-hidden %s: %w", name, err)
			}
			hidden[name] = &openapi3.SchemaRef{Value: &sch}
		}
	}
	names := append(slices.Collect(maps.Keys(user.Properties)), slices.Collect(maps.Keys(update.Properties))...)
	names = append(names, slices.Collect(maps.Keys(hidden))...)
	// Coupa's model order (x-coupa-order): the order of keys in responses and of validation messages. Names it
	// does not list follow, alphabetically.
	slices.SortFunc(names, byOrder(user.Extensions["x-coupa-order"]))
	for _, name := range slices.Compact(names) {
		out, in := user.Properties[name], update.Properties[name]
		sch := cmp.Or(out, in, hidden[name])
		e := &Element{
			Name:      name,
			In:        in != nil,
			Out:       out != nil,
			Required:  slices.Contains(create.Required, name),
			Schema:    sch.Value,
			Operators: filters[name],
		}
		v := sch.Value
		e.Description = v.Description
		e.SeedName, _ = v.Extensions["x-coupa-element"].(string)
		e.Unique, _ = v.Extensions["x-coupa-unique"].(bool)
		e.Personal, _ = v.Extensions["x-coupa-personal"].(bool)
		e.FilterOnly, _ = v.Extensions["x-coupa-filter-only"].(bool)
		_, e.Subresource = v.Extensions["x-coupa-subresource"].(string)
		typed, orNull := typedBranch(v)
		e.Nullable = typed.Nullable || orNull
		if err := describe(name, typed, &e.Kind, &e.MaxLength, &e.Object, &e.List); err != nil {
			return err
		}
		for _, x := range typed.Enum {
			e.Enum = append(e.Enum, fmt.Sprint(x))
		}
		if in != nil && in.Value != nil {
			if p, _ := typedBranch(in.Value); p.Pattern != "" {
				re, err := regexp.Compile(p.Pattern)
				if err != nil {
					return fmt.Errorf("%s: pattern: %w", name, err)
				}
				e.Pattern = re
			}
		}
		e.XMLType, _ = v.Extensions["x-coupa-xml-type"].(string)
		e.YesNo, _ = v.Extensions["x-coupa-yes-no"].(bool)
		if e.List && v.Items.Value.XML != nil {
			e.XMLItem = v.Items.Value.XML.Name
		}
		if e.XMLType == "" {
			e.XMLType = e.Kind.XMLType()
		}
		s.Elements = append(s.Elements, e)
		s.byName[name] = e
	}
	s.Objects = map[string]*Object{}
	for name, ref := range s.Doc.Components.Schemas {
		keys, ok := ref.Value.Extensions["x-coupa-natural-keys"].([]any)
		if !ok || strings.HasSuffix(name, "Input") {
			continue
		}
		ob := &Object{Name: name}
		ob.Namespace, _ = ref.Value.Extensions["x-coupa-namespace"].(bool)
		if ref.Value.XML != nil {
			ob.XMLName = ref.Value.XML.Name
		}
		for _, k := range keys {
			ob.NaturalKeys = append(ob.NaturalKeys, fmt.Sprint(k))
		}
		for fname, fref := range ref.Value.Properties {
			f := &Field{Name: fname, Nullable: fref.Value.Nullable}
			var list bool
			if err := describe(name+"."+fname, fref.Value, &f.Kind, &f.MaxLength, &f.Object, &list); err != nil {
				return err
			}
			ob.Fields = append(ob.Fields, f)
		}
		rank := byOrder(ref.Value.Extensions["x-coupa-order"])
		slices.SortFunc(ob.Fields, func(a, b *Field) int {
			return cmp.Or(-cmp.Compare(boolInt(a.Name == "id"), boolInt(b.Name == "id")), rank(a.Name, b.Name))
		})
		s.Objects[name] = ob
	}
	for _, e := range s.Elements {
		if e.Kind == KindObject && s.Objects[e.Object] == nil {
			return fmt.Errorf("element %s refers to %s, which is not an associated object", e.Name, e.Object)
		}
		if e.List && e.XMLItem == "" { // a document that does not name the items: the object's name
			e.XMLItem = s.Objects[e.Object].XMLName
		}
	}
	for attr, ops := range filters {
		var kind Kind
		name, field, nested := strings.Cut(strings.TrimSuffix(attr, "]"), "[")
		switch e := s.byName[name]; {
		case e == nil:
		case !nested:
			kind = e.Kind
		case e.Kind == KindObject:
			// Operators on an object's fields are the same whatever the association that reaches it.
			if f := s.Objects[e.Object].Field(field); f != nil {
				f.Operators = ops
				kind = f.Kind
			}
		}
		// The fake matches, and the suite judges, only what the operator table says applies.
		for _, op := range ops {
			if kind != 0 && !op.AppliesTo(kind) {
				return fmt.Errorf("x-coupa-filters[%s]: %s does not apply to %s attributes", attr, op, kind)
			}
		}
	}
	return nil
}

// byOrder compares names by their place in an x-coupa-order list; unlisted names come after, alphabetically.
func byOrder(order any) func(a, b string) int {
	list, _ := order.([]any)
	rank := make(map[string]int, len(list))
	for i, v := range list {
		rank[fmt.Sprint(v)] = i
	}
	return func(a, b string) int {
		ra, oka := rank[a]
		rb, okb := rank[b]
		if !oka {
			ra = len(list)
		}
		if !okb {
			rb = len(list)
		}
		return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(a, b))
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// describe reads the kind of a property schema: a scalar type, an association (allOf with one $ref) or a list of
// associations.
func describe(where string, v *openapi3.Schema, kind *Kind, maxLength *int, object *string, list *bool) error {
	switch {
	case len(v.AllOf) == 1 && v.AllOf[0].Ref != "":
		*kind, *object = KindObject, refName(v.AllOf[0].Ref)
	case v.Type.Is("array") && v.Items != nil && v.Items.Ref != "":
		*kind, *object, *list = KindObject, refName(v.Items.Ref), true
	case v.Type.Is("array") && v.Items != nil && len(v.Items.Value.AllOf) == 1 && v.Items.Value.AllOf[0].Ref != "":
		*kind, *object, *list = KindObject, refName(v.Items.Value.AllOf[0].Ref), true
	case v.Type.Is("string") && v.Format == "date-time":
		*kind = KindDateTime
	case v.Type.Is("string") && v.Extensions["x-coupa-xml-type"] == "decimal":
		*kind = KindDecimal
	case v.Type.Is("string"):
		*kind = KindString
	case v.Type.Is("integer"):
		*kind = KindInteger
	case v.Type.Is("boolean"):
		*kind = KindBoolean
	default:
		return fmt.Errorf("%s: a schema the element view does not know (type %v)", where, v.Type)
	}
	if v.MaxLength != nil {
		*maxLength = int(*v.MaxLength)
	}
	return nil
}

// typedBranch returns the schema that types a value: v itself, or the typed branch of a nullable enum, which the
// document writes as anyOf [the enum, Null]; orNull reports that second form.
func typedBranch(v *openapi3.Schema) (typed *openapi3.Schema, orNull bool) {
	if len(v.AnyOf) == 2 && v.AnyOf[1].Ref == "#/components/schemas/Null" && v.AnyOf[0].Value != nil {
		return v.AnyOf[0].Value, true
	}
	return v, false
}

// refName turns "#/components/schemas/RoleInput" into "Role": the element view speaks of object types, not of
// their input and output forms.
func refName(ref string) string {
	return strings.TrimSuffix(ref[strings.LastIndexByte(ref, '/')+1:], "Input")
}

func (s *Spec) filters() (map[string][]Operator, error) {
	op := s.Doc.Paths.Find("/api/users")
	if op == nil || op.Get == nil {
		return nil, fmt.Errorf("the document lacks GET /api/users")
	}
	raw, ok := op.Get.Extensions["x-coupa-filters"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("GET /api/users lacks x-coupa-filters")
	}
	out := map[string][]Operator{}
	for attr, v := range raw {
		ops, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("x-coupa-filters[%s]: not a list", attr)
		}
		out[attr] = []Operator{}
		for _, o := range ops {
			op, ok := ParseOperator(fmt.Sprint(o))
			if !ok {
				return nil, fmt.Errorf("x-coupa-filters[%s]: unknown operator %v", attr, o)
			}
			out[attr] = append(out[attr], op)
		}
	}
	return out, nil
}

// Package table reads spec/elements.yaml, the hand-curated element table of Coupa's Users API, and checks that it
// is coherent. The generator turns a Table into the OpenAPI document; nothing at run time reads this package.
package table

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Table is the whole curated file: the user's elements, the elements Coupa returns beyond the seed's table, the
// model order of them all, and the objects they refer to.
type Table struct {
	Elements []Element `yaml:"elements"`
	// BeyondSeed are elements the seed's table lacks but Coupa's own artifacts show; each names its source.
	BeyondSeed []Element `yaml:"beyond_seed"`
	// Order is Coupa's model order: the order of keys in a response (and of validation messages). Every output
	// element is listed; input-only ones follow in table order.
	Order   []string `yaml:"order"`
	Objects []Object `yaml:"objects"`
}

// All returns every element, the seed's and those beyond it, in the model order.
func (t *Table) All() []Element {
	rank := make(map[string]int, len(t.Order))
	for i, k := range t.Order {
		rank[k] = i
	}
	all := append(slices.Clone(t.Elements), t.BeyondSeed...)
	slices.SortStableFunc(all, func(a, b Element) int {
		ra, oka := rank[a.Key]
		rb, okb := rank[b.Key]
		switch {
		case oka && okb:
			return cmp.Compare(ra, rb)
		case oka != okb: // listed ones first
			return cmp.Compare(boolRank(!oka), boolRank(!okb))
		}
		return 0
	})
	return all
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Element is one row of Coupa's element table, with its cells placed.
type Element struct {
	Key         string     `yaml:"key"`
	Seed        string     `yaml:"seed"`
	SeedRows    [][]string `yaml:"seed_rows"`
	Description string     `yaml:"description"`
	Required    bool       `yaml:"required"`
	Unique      bool       `yaml:"unique"`
	In          bool       `yaml:"in"`
	Out         bool       `yaml:"out"`
	Type        string     `yaml:"type"`
	MaxLength   int        `yaml:"max_length"`
	Object      string     `yaml:"object"`
	List        bool       `yaml:"list"`
	Allowable   string     `yaml:"allowable"`
	Enum        []string   `yaml:"enum"`
	XMLType     string     `yaml:"xml_type"`
	// FilterOnly marks a column Coupa's queries filter on that its answers never show and requests never set
	// (type, which baton-coupa filters on).
	FilterOnly bool `yaml:"filter_only"`
	// Subresource marks a list of a user that only its own resource (/users/{id}/addresses) reads and changes:
	// neither sent in nor returned with the user.
	Subresource bool `yaml:"subresource"`
	// Pattern is the shape a value sent must have (an ECMA and RE2 regular expression), where the table's type
	// says too little: an e-mail address.
	Pattern  string `yaml:"pattern"`
	Nullable bool   `yaml:"nullable"`
	// Personal marks personal data (names, contacts, identifiers, free text): what a snapshot pseudonymises.
	Personal bool     `yaml:"personal"`
	Notes    []string `yaml:"notes"`
	// Source says where an element beyond the seed comes from (a Coupa artifact); seed elements have none.
	Source string `yaml:"source"`
}

// Object is an associated object type (role, currency, user reference...).
type Object struct {
	Name        string   `yaml:"name"`
	XML         string   `yaml:"xml"`
	Description string   `yaml:"description"`
	NaturalKeys []string `yaml:"natural_keys"`
	Fields      []Field  `yaml:"fields"`
	// Namespace marks an object whose fields each tenant defines (custom-fields): the table lists none, and
	// the document allows any.
	Namespace bool `yaml:"namespace"`
}

// Field is one property of an associated object.
type Field struct {
	Name      string `yaml:"name"`
	Type      string `yaml:"type"`
	MaxLength int    `yaml:"max_length"`
	Object    string `yaml:"object"`
	Nullable  bool   `yaml:"nullable"`
}

// Scalar and object type names used in the table.
const (
	TypeString   = "string"
	TypeInteger  = "integer"
	TypeBoolean  = "boolean"
	TypeDateTime = "datetime"
	TypeDecimal  = "decimal"
	TypeObject   = "object"
)

// Parse decodes and checks the table. Unknown fields are errors so that a typo in a hand edit cannot be ignored.
func Parse(data []byte) (*Table, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var t Table
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("element table: %w", err)
	}
	if err := t.check(); err != nil {
		return nil, fmt.Errorf("element table: %w", err)
	}
	return &t, nil
}

// Object returns the object type with that name, or nil.
func (t *Table) Object(name string) *Object {
	for i := range t.Objects {
		if t.Objects[i].Name == name {
			return &t.Objects[i]
		}
	}
	return nil
}

func (t *Table) check() error {
	var errs []error
	seen := map[string]bool{}
	for _, o := range t.Objects {
		if o.Name == "" || seen["object "+o.Name] {
			errs = append(errs, fmt.Errorf("object %q: missing or repeated name", o.Name))
		}
		seen["object "+o.Name] = true
		fields := map[string]bool{}
		for _, f := range o.Fields {
			fields[f.Name] = true
			if err := t.checkType(f.Type, f.MaxLength, f.Object); err != nil {
				errs = append(errs, fmt.Errorf("object %s field %s: %w", o.Name, f.Name, err))
			}
		}
		switch {
		case o.Namespace && (len(o.Fields) > 0 || len(o.NaturalKeys) > 0):
			errs = append(errs, fmt.Errorf("object %s: a namespace lists no fields and no natural keys", o.Name))
		case !o.Namespace && !fields["id"] && len(o.NaturalKeys) == 0:
			// Coupa shows some objects without their id (invoice inboxes); a request, a fixture and the fake's
			// catalog can still name them by natural key.
			errs = append(errs, fmt.Errorf("object %s: neither an id field nor a natural key", o.Name))
		}
		for _, k := range o.NaturalKeys {
			if !fields[k] {
				errs = append(errs, fmt.Errorf("object %s: natural key %q is not a field", o.Name, k))
			}
		}
	}
	for _, e := range t.BeyondSeed {
		if e.Source == "" || e.Seed != "" || len(e.SeedRows) > 0 {
			errs = append(errs, fmt.Errorf("element %q beyond the seed: a source, and no seed or seed_rows", e.Key))
		}
	}
	for _, e := range t.Elements {
		if e.Source != "" {
			errs = append(errs, fmt.Errorf("element %q: a seed element has seed_rows, not a source", e.Key))
		}
	}
	ordered := map[string]bool{}
	for _, k := range t.Order {
		if ordered[k] {
			errs = append(errs, fmt.Errorf("order: %q listed twice", k))
		}
		ordered[k] = true
	}
	for _, e := range append(slices.Clone(t.Elements), t.BeyondSeed...) {
		where := fmt.Sprintf("element %q", e.Key)
		if e.Out && !ordered[e.Key] {
			errs = append(errs, fmt.Errorf("%s: an output element missing from order", where))
		}
		switch {
		case e.Key == "" || strings.ContainsAny(e.Key, "_ ") || strings.ToLower(e.Key) != e.Key:
			errs = append(errs, fmt.Errorf("%s: keys are lower-case and hyphenated", where))
		case seen[e.Key]:
			errs = append(errs, fmt.Errorf("%s: listed twice", where))
		}
		seen[e.Key] = true
		if len(e.SeedRows) == 0 && e.Source == "" {
			errs = append(errs, fmt.Errorf("%s: no seed_rows", where))
		}
		if !e.In && !e.Out && !e.FilterOnly && !e.Subresource {
			errs = append(errs, fmt.Errorf("%s: neither input nor output", where))
		}
		if e.Subresource && (e.In || e.Out || !e.List) {
			errs = append(errs, fmt.Errorf("%s: a sub-resource is a list neither sent nor returned with the user", where))
		}
		if e.FilterOnly && (e.In || e.Out || e.Type == TypeObject) {
			errs = append(errs, fmt.Errorf("%s: a filter-only column is a scalar neither sent nor returned", where))
		}
		if e.Required && !e.In {
			errs = append(errs, fmt.Errorf("%s: required but not accepted on input", where))
		}
		if err := t.checkType(e.Type, e.MaxLength, e.Object); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
		}
		if e.List && e.Type != TypeObject {
			errs = append(errs, fmt.Errorf("%s: only objects come in lists", where))
		}
		if _, err := regexp.Compile(e.Pattern); err != nil {
			errs = append(errs, fmt.Errorf("%s: pattern: %w", where, err))
		}
		if dup := duplicate(e.Enum); dup != "" {
			errs = append(errs, fmt.Errorf("%s: enum lists %q twice", where, dup))
		}
		if e.XMLType != "" && e.XMLType != "symbol" {
			errs = append(errs, fmt.Errorf("%s: xml_type %q is not one the generator knows", where, e.XMLType))
		}
	}
	for _, k := range t.Order {
		if !seen[k] {
			errs = append(errs, fmt.Errorf("order: %q is no element", k))
		}
	}
	return errors.Join(errs...)
}

func (t *Table) checkType(typ string, maxLength int, object string) error {
	switch typ {
	case TypeString:
		if object != "" {
			return errors.New("a string names no object")
		}
	case TypeInteger, TypeBoolean, TypeDateTime, TypeDecimal:
		if maxLength != 0 || object != "" {
			return fmt.Errorf("a %s has no max_length and names no object", typ)
		}
	case TypeObject:
		if t.Object(object) == nil {
			return fmt.Errorf("object %q is not in the objects list", object)
		}
		if maxLength != 0 {
			return errors.New("an object has no max_length")
		}
	default:
		return fmt.Errorf("unknown type %q", typ)
	}
	return nil
}

func duplicate(values []string) string {
	seen := map[string]bool{}
	for _, v := range values {
		if seen[v] {
			return v
		}
		seen[v] = true
	}
	return ""
}

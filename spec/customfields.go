package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// CustomField is one of a tenant's custom fields of users: Coupa keeps them in the user's custom-fields object
// (its custom field namespace), and which exist is each tenant's setup.
type CustomField struct {
	// Name is the key in custom-fields ("cost-center"): lower-case letters, digits and hyphens.
	Name string `json:"name"`
	// Type is string, integer, decimal, boolean or datetime.
	Type string `json:"type"`
	// MaxLength bounds a string, in characters; 0 is no bound.
	MaxLength int `json:"max_length,omitempty"`
	// Options are a string's allowed values (a pick list); none means any.
	Options []string `json:"options,omitempty"`
}

// MaxCustomFields bounds how many custom fields a tenant defines here: each is a column of every user.
const MaxCustomFields = 64

// ParseCustomFields reads custom field definitions: a JSON array of CustomField, unknown keys refused.
func ParseCustomFields(data []byte) ([]CustomField, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var defs []CustomField
	if err := dec.Decode(&defs); err != nil {
		return nil, fmt.Errorf("custom fields: %w", err)
	}
	return defs, nil
}

var customFieldKinds = map[string]Kind{
	"string": KindString, "text": KindString, "integer": KindInteger, "decimal": KindDecimal,
	"boolean": KindBoolean, "datetime": KindDateTime, "date": KindDateTime,
}

// WithCustomFields returns a copy of s whose custom-fields object has these fields, filterable through the
// namespace (`custom-fields[cost-center]=CC-1200`) and projectable (`fields=[{"custom-fields":["cost-center"]}]`)
// like an association's. s itself is unchanged: the loaded document is shared.
func (s *Spec) WithCustomFields(defs []CustomField) (*Spec, error) {
	e := s.Element("custom-fields")
	if e == nil || e.Kind != KindObject || s.Objects[e.Object] == nil || !s.Objects[e.Object].Namespace {
		return nil, errors.New("custom fields: the spec has no custom-fields namespace")
	}
	if len(defs) > MaxCustomFields {
		return nil, fmt.Errorf("custom fields: %d defined, at most %d", len(defs), MaxCustomFields)
	}
	ns := *s.Objects[e.Object]
	ns.Fields = nil
	c := *s
	c.Objects = maps.Clone(s.Objects)
	c.Objects[ns.Name] = &ns
	c.Filters = maps.Clone(s.Filters)
	var errs []error
	seen := map[string]bool{}
	for i, d := range defs {
		where := fmt.Sprintf("custom field %d (%q)", i+1, d.Name)
		kind, ok := customFieldKinds[d.Type]
		switch {
		case !validFieldName(d.Name):
			errs = append(errs, fmt.Errorf("%s: a name is lower-case letters, digits and hyphens, 1 to 64 of them", where))
			continue
		case seen[d.Name]:
			errs = append(errs, fmt.Errorf("%s: defined twice", where))
			continue
		case !ok:
			errs = append(errs, fmt.Errorf("%s: type %q is not one of %v", where, d.Type, slices.Sorted(maps.Keys(customFieldKinds))))
			continue
		case (d.MaxLength != 0 || len(d.Options) > 0) && kind != KindString:
			errs = append(errs, fmt.Errorf("%s: max_length and options are for strings", where))
			continue
		case d.MaxLength < 0:
			errs = append(errs, fmt.Errorf("%s: a negative max_length", where))
			continue
		}
		seen[d.Name] = true
		var ops []Operator // besides the exact match, as Filters holds them
		for _, op := range OperatorsFor(kind) {
			if op != Eq {
				ops = append(ops, op)
			}
		}
		f := &Field{Name: d.Name, Kind: kind, MaxLength: d.MaxLength, Nullable: true, Enum: slices.Clone(d.Options),
			Operators: ops}
		ns.Fields = append(ns.Fields, f)
		c.Filters[e.Name+"["+d.Name+"]"] = f.Operators
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &c, nil
}

func validFieldName(name string) bool {
	if name == "" || len(name) > 64 || name[0] == '-' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

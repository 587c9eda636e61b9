package query

import (
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strings"

	"github.com/coupa-kit/coupa-users/internal/bounds"
	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/spec"
)

// ReturnObject is the `return_object` parameter: how much of each user a response carries.
type ReturnObject string

// The values of `return_object`. ReturnFull is its absence.
const (
	ReturnFull    ReturnObject = ""
	ReturnLimited ReturnObject = "limited" // ids only
	ReturnShallow ReturnObject = "shallow" // associations reduced to id and natural keys
	ReturnNone    ReturnObject = "none"    // an empty body: create and update only
)

// Shape is what a response renders of each user: `fields`, a named response filter (`filter`) or `return_object`,
// one of them at most (what Coupa makes of a pair is unknown, and a client sending two has a bug worth telling
// about).
type Shape struct {
	// Fields restricts the rendering to the listed fields, of `fields` or of the response filter; nil renders
	// everything.
	Fields *Projection
	// Filter is the name of the response filter Fields comes from, as it was defined; "" for none.
	Filter string
	Return ReturnObject
}

// Projection is a parsed `fields` list: the user's elements to render or, nested, an association's fields. A nil
// *Projection means "everything", so renderers can pass Sub's result down without checking.
type Projection struct {
	// Items are in the order the client listed them (renderers keep the spec's order; Items keep the client's for
	// messages and tests).
	Items []Item
}

// Item is one entry of a Projection.
type Item struct {
	// Name is the element or field, hyphenated as the API spells it.
	Name string
	// Fields restricts an association to some of its fields; nil for a scalar, or for an association named bare
	// ("roles"), which renders in full.
	Fields *Projection
}

// Has reports whether the projection renders name; a nil projection renders everything.
func (p *Projection) Has(name string) bool {
	if p == nil {
		return true
	}
	return p.item(name) != nil
}

// Sub returns the projection for an association's fields: nil (everything) when p is nil or the association was
// named bare.
func (p *Projection) Sub(name string) *Projection {
	if p == nil {
		return nil
	}
	if it := p.item(name); it != nil {
		return it.Fields
	}
	return nil
}

func (p *Projection) item(name string) *Item {
	for i := range p.Items {
		if p.Items[i].Name == name {
			return &p.Items[i]
		}
	}
	return nil
}

// ParseShape reads `fields`, `filter` and `return_object` with the default Options (no response filters).
func ParseShape(values url.Values, s *spec.Spec, write bool) (Shape, error) {
	return Options{}.ParseShape(values, s, write)
}

// ParseShape reads `fields`, `filter` and `return_object`, for index and show (write false) and for create and update
// (write true, where `return_object=none` is allowed). It ignores every other parameter: which others an operation
// accepts is the caller's business.
//
// `filter` names one of o.Filters, ignoring case. A blank `filter=` is ignored, as if absent: Coupa's own sample URLs
// carry it so (`/api/invoices?filter=&offset=10...`, the integration playbooks), and clients copy them.
func (o Options) ParseShape(values url.Values, s *spec.Spec, write bool) (Shape, error) {
	var sh Shape
	if vals := values["return_object"]; len(vals) > 0 {
		v, err := single("return_object", vals)
		if err != nil {
			return Shape{}, err
		}
		switch r := ReturnObject(v); r {
		case ReturnLimited, ReturnShallow:
			sh.Return = r
		case ReturnNone:
			if !write {
				return Shape{}, errorf("return_object", "return_object=none applies only to create and update; "+
					"use limited or shallow")
			}
			sh.Return = r
		default:
			use := "limited or shallow"
			if write {
				use = "limited, shallow or none"
			}
			return Shape{}, errorf("return_object", "return_object must be %s, not %s", use, quote(v))
		}
	}
	if vals := values["fields"]; len(vals) > 0 {
		v, err := single("fields", vals)
		if err != nil {
			return Shape{}, err
		}
		if sh.Return != ReturnFull {
			return Shape{}, errorf("fields", "Use either 'fields' or 'return_object', not both")
		}
		if err := checkLength("fields", v, spec.MaxFieldsLength); err != nil {
			return Shape{}, err
		}
		if sh.Fields, err = o.ParseFields(v, s); err != nil {
			return Shape{}, err
		}
	}
	if vals := values["filter"]; len(vals) > 0 {
		v, err := single("filter", vals)
		if err != nil {
			return Shape{}, err
		}
		if strings.TrimSpace(v) == "" {
			return sh, nil
		}
		if err := checkLength("filter", v, spec.MaxNameParamLength); err != nil {
			return Shape{}, err
		}
		switch {
		case sh.Return != ReturnFull:
			return Shape{}, errorf("filter", "Use either 'filter' or 'return_object', not both")
		case sh.Fields != nil:
			return Shape{}, errorf("filter", "Use either 'fields' or 'filter', not both")
		}
		f, ok := o.Filters.Lookup(v)
		if !ok {
			return Shape{}, errorf("filter", "Unknown response filter %s in 'filter'", quote(v))
		}
		sh.Fields, sh.Filter = f.Fields, f.Name
	}
	return sh, nil
}

// fieldsExample is the form shown when `fields` is not what it should be.
const fieldsExample = `["id","login",{"roles":["id","name"]}]`

// ParseFields reads a `fields` parameter with the default Options.
func ParseFields(raw string, s *spec.Spec) (*Projection, error) { return Options{}.ParseFields(raw, s) }

// ParseFields reads the JSON of a `fields` parameter (already URL-decoded). Names are looked up among the user's
// returned elements and, nested, the associated object's fields, with dashes or underscores; one that is unknown
// or never returned is left out, or is an error under StrictFields. A name listed twice is kept once; nested lists
// given twice for the same association are merged. A list nested deeper than bounds.MaxDepth, or of more than
// bounds.MaxElements entries, is an error: response filters are parsed here too, and may be 64 KiB long.
func (o Options) ParseFields(raw string, s *spec.Spec) (*Projection, error) {
	fp := fieldsParser{strict: o.StrictFields, count: new(bounds.Counter)}
	if err := fp.count.Open(); err != nil { // the outer list
		return nil, err
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonError(err)
	}
	if tok != json.Delim('[') {
		return nil, errorf("fields", "'fields' must be a JSON array such as %s", fieldsExample)
	}
	p, err := fp.list(dec, userLevel{s}, "")
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("unexpected data after the array")
		}
		return nil, jsonError(err)
	}
	return p, nil
}

func jsonError(err error) *Error {
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		err = errors.New("unexpected end of JSON input")
	}
	return errorf("fields", "Invalid JSON in 'fields': %v", err)
}

// level is where names in a `fields` list are looked up: the user, or an associated object.
type level interface {
	// resolve returns the name as the API spells it, and the level of its fields for an association (nil for a
	// scalar); an error for a name that is unknown or not returned here (marked by unknownField).
	resolve(name, where string) (string, level, error)
}

// anyLevel takes every name: it reads, to skip it, what a lenient parse found under an unknown name.
type anyLevel struct{}

func (anyLevel) resolve(name, _ string) (string, level, error) { return name, anyLevel{}, nil }

// fieldsParser reads a `fields` list, counting its levels and entries against the bounds of a request.
type fieldsParser struct {
	strict bool
	count  *bounds.Counter
}

// counted turns a bound passed into the parameter's error.
func counted(err error) error {
	if err == nil {
		return nil
	}
	msg, _ := problem.Exceeded("'fields'", err)
	return errorf("fields", "%s", msg)
}

// skippable reports whether err is an unknown name that a lenient parse leaves out.
func (fp fieldsParser) skippable(err error) bool {
	e, ok := err.(*Error)
	return ok && e.unknownField && !fp.strict
}

type userLevel struct{ s *spec.Spec }

func (u userLevel) resolve(name, _ string) (string, level, error) {
	e := u.s.Element(name)
	switch {
	case e == nil:
		return "", nil, unknownField(errorf("fields", "Unknown field %s in 'fields'", quote(name)))
	case !e.Out:
		return "", nil, unknownField(errorf("fields", "Field '%s' is never returned, so 'fields' cannot name it", e.Name))
	case e.Kind == spec.KindObject:
		return e.Name, objectLevel{u.s, u.s.Objects[e.Object]}, nil
	}
	return e.Name, nil, nil
}

type objectLevel struct {
	s  *spec.Spec
	ob *spec.Object
}

func (o objectLevel) resolve(name, where string) (string, level, error) {
	f := o.ob.Field(name)
	if f == nil {
		return "", nil, unknownField(errorf("fields", "Unknown field %s of %s in 'fields'", quote(name), quote(where)))
	}
	if f.Kind == spec.KindObject {
		if nested := o.s.Objects[f.Object]; nested != nil {
			return f.Name, objectLevel{o.s, nested}, nil
		}
	}
	return f.Name, nil, nil
}

// list reads the rest of a list whose '[' has been read: strings, and objects mapping associations to lists.
func (fp fieldsParser) list(dec *json.Decoder, lv level, where string) (*Projection, error) {
	p := &Projection{}
	skipped := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonError(err)
		}
		if err := counted(fp.count.Value()); err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case string:
			name, _, err := lv.resolve(t, where)
			if fp.skippable(err) {
				skipped = true
				continue
			}
			if err != nil {
				return nil, err
			}
			p.add(Item{Name: name})
		case json.Delim:
			if t != '{' {
				return nil, errorf("fields", "A list inside 'fields' must be keyed by its association, as in %s",
					fieldsExample)
			}
			n, err := fp.object(dec, lv, where, p)
			if err != nil {
				return nil, err
			}
			skipped = skipped || n > 0
		default:
			shown, _ := json.Marshal(t)
			return nil, errorf("fields", "'fields' lists names as strings, not %s; for example %s", shown, fieldsExample)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return nil, jsonError(err)
	}
	if len(p.Items) == 0 && !skipped {
		if where == "" {
			return nil, errorf("fields", "'fields' lists no fields; for example %s", fieldsExample)
		}
		return nil, errorf("fields", "The list of fields of %s in 'fields' is empty", quote(where))
	}
	return p, nil
}

// object reads the rest of `{"roles":["id","name"], ...}` whose '{' has been read, and returns how many unknown
// associations it skipped.
func (fp fieldsParser) object(dec *json.Decoder, lv level, where string, p *Projection) (skipped int, err error) {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return skipped, jsonError(err)
		}
		key, _ := tok.(string) // object keys are always strings
		name, sub, err := lv.resolve(key, where)
		skip := fp.skippable(err)
		if skip {
			name, sub = key, anyLevel{}
		} else if err != nil {
			return skipped, err
		}
		if sub == nil {
			return skipped, errorf("fields", "'%s' is not an association, so 'fields' cannot list fields inside it", name)
		}
		tok, err = dec.Token()
		if err != nil {
			return skipped, jsonError(err)
		}
		if tok != json.Delim('[') {
			return skipped, errorf("fields", "The fields of %s must be a JSON array, as in %s", quote(name), fieldsExample)
		}
		if err := counted(fp.count.Open()); err != nil {
			return skipped, err
		}
		path := name
		if where != "" {
			path = where + "." + name
		}
		fields, err := fp.list(dec, sub, path)
		if err != nil {
			return skipped, err
		}
		fp.count.Close()
		if skip {
			skipped++
		} else {
			p.add(Item{Name: name, Fields: fields})
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return skipped, jsonError(err)
	}
	return skipped, nil
}

// unknownField marks e as a name `fields` cannot show: an error under StrictFields, skipped otherwise.
func unknownField(e *Error) *Error {
	e.unknownField = true
	return e
}

// add merges an item into the projection: a bare association means all its fields, which wins over any list.
func (p *Projection) add(it Item) {
	old := p.item(it.Name)
	switch {
	case old == nil:
		p.Items = append(p.Items, it)
	case old.Fields == nil:
	case it.Fields == nil:
		old.Fields = nil
	default:
		for _, sub := range it.Fields.Items {
			old.Fields.add(sub)
		}
	}
}

package railsxml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/coupa-kit/coupa-users/internal/bounds"
)

// node is one element of a parsed document, before any typing. Parsing first
// and typing second keeps each step simple: grouping repeated names needs all
// of an element's children at hand anyway.
type node struct {
	name     string
	typ      string // the type attribute; "" if absent
	isNil    bool   // nil="true"
	text     []byte // all character data, CDATA included
	children []*node
}

// Unmarshal parses one Rails-style XML document and returns the name of its
// root element and its value in the encoding/json model (map[string]any,
// []any, string, float64, bool, nil).
//
// Type attributes decide the type of a leaf. Where a leaf has none, schema (it
// may be nil) decides, by the first of the schema's types that fits: the text
// of an untyped leaf whose schema is integer, number or boolean is parsed as
// such; an empty one is nil where the schema wants an object or a non-string
// scalar and [] where it wants an array; an untyped element with children
// whose schema is an array is read as a list of its children. schema
// describes the root's value; Unmarshal follows its properties, items,
// additionalProperties and the first allOf/oneOf/anyOf branch that declares
// what is needed. It does not validate the value against the schema: that is
// kin-openapi's job.
//
// Element names must be plain ASCII XML names (letters, digits, '-', '.',
// '_'); namespace prefixes are dropped, and attributes other than type and
// nil are ignored. The document must be UTF-8.
//
// Unmarshal rejects malformed XML, more than one root, text mixed with child
// elements, nesting deeper than 64 elements (where a repeated name counts as
// a level, as Marshal writes it back as an array), DOCTYPE and entity
// declarations, unknown type attributes and text that does not parse as its
// type. Errors are of type *Error and name the element at fault.
func Unmarshal(data []byte, schema *openapi3.Schema) (root string, v any, err error) {
	return decoder{}.root(data, schema)
}

// UnmarshalParams reads a request body as Rails reads params: like Unmarshal, but an untyped leaf the schema
// types as a scalar stays text, for the model to cast (the fake's package kinds does), so that
// <active>false</active> and <aic-user>yes</aic-user> reach the same casting as JSON's "false" and "yes". Typed
// leaves (type="integer") are read by their type as Unmarshal reads them.
//
// A request body is also held to the bounds of a request (package bounds): elements nested deeper than
// bounds.MaxDepth, or more than bounds.MaxElements of them, are refused while parsing, with an *Error whose Err is
// a *bounds.Error.
func UnmarshalParams(data []byte, schema *openapi3.Schema) (root string, v any, err error) {
	return decoder{params: true}.root(data, schema)
}

// decoder holds how leaves are read: typed by the schema (responses), or as params (requests, which are bounded).
type decoder struct{ params bool }

func (d decoder) root(data []byte, schema *openapi3.Schema) (string, any, error) {
	var count *bounds.Counter
	if d.params {
		count = new(bounds.Counter)
	}
	// A byte order mark may open a UTF-8 document; encoding/xml would take
	// it for text outside the root.
	n, err := parse(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), count)
	if err != nil {
		return "", nil, err
	}
	v, err := d.decodeNode(n, schema, &pathElem{name: n.name}, 1)
	if err != nil {
		return "", nil, err
	}
	return n.name, v, nil
}

// errDirective is returned for <!DOCTYPE ...> and the like. encoding/xml would
// ignore the declarations; refusing them outright means no one can rely on an
// entity or a DTD default that this package would silently drop.
const errDirective = "DOCTYPE and entity declarations (<!...>) are not allowed"

// parse reads data into a tree of nodes, checking everything that does not
// depend on types, and counting elements with count unless it is nil. An
// uncounted document of the usual shape is read by quickParse; the others, and
// every document quickParse cannot read, by parseXML.
func parse(data []byte, count *bounds.Counter) (*node, error) {
	if count == nil {
		if n, ok := quickParse(data); ok {
			return n, nil
		}
	}
	return parseXML(data, count)
}

// parseXML is parse with encoding/xml.
func parseXML(data []byte, count *bounds.Counter) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	// Strict is the default, and no Entity map is set: only the five
	// predefined entities and character references are understood.
	var root *node
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, syntaxError(nil, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil {
				return nil, &Error{Msg: "more than one root element (found <" + t.Name.Local + "> after <" + root.name + ">)"}
			}
			if root, err = parseElement(d, t, nil, 1, count); err != nil {
				return nil, err
			}
		case xml.CharData:
			if !isSpace(t) {
				return nil, &Error{Msg: "text outside the root element"}
			}
		case xml.Directive:
			return nil, &Error{Msg: errDirective}
		}
		// Comments and processing instructions (the XML declaration among
		// them) carry no data.
	}
	if root == nil {
		return nil, &Error{Msg: "no root element"}
	}
	return root, nil
}

// parseElement reads the rest of the element start opened, up to its end tag.
func parseElement(d *xml.Decoder, start xml.StartElement, parent *pathElem, depth int, count *bounds.Counter) (*node, error) {
	n := &node{name: start.Name.Local}
	here := &pathElem{parent: parent, name: n.name}
	if count != nil {
		if err := count.Open(); err != nil {
			return nil, &Error{Path: here.String(), Msg: "the request body is too large in shape", Err: err}
		}
		defer count.Close()
	}
	if depth > maxDepth {
		return nil, errorf(here, "elements nest deeper than %d levels", maxDepth)
	}
	if !validName(n.name) {
		return nil, errorf(parent, "element name %q is not a plain ASCII XML name without colons", n.name)
	}
	var seenType, seenNil bool
	for _, a := range start.Attr {
		if a.Name.Space != "" {
			continue // xmlns declarations and prefixed attributes mean nothing here
		}
		switch a.Name.Local {
		case "type":
			if seenType {
				return nil, errorf(here, "duplicate type attribute")
			}
			seenType = true
			if !knownType(a.Value) {
				return nil, errorf(here, "unknown type attribute %q", a.Value)
			}
			n.typ = a.Value
		case "nil":
			if seenNil {
				return nil, errorf(here, "duplicate nil attribute")
			}
			seenNil = true
			n.isNil = a.Value == "true"
		}
		// Other attributes are ignored: Coupa sends none.
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, syntaxError(here, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			child, err := parseElement(d, t, here, depth+1, count)
			if err != nil {
				return nil, err
			}
			n.children = append(n.children, child)
		case xml.EndElement:
			// The decoder has checked that the end tag matches.
			if len(n.children) > 0 && !isSpace(n.text) {
				return nil, errorf(here, "text mixed with child elements")
			}
			return n, nil
		case xml.CharData:
			n.text = append(n.text, t...)
		case xml.Directive:
			return nil, errorf(here, errDirective)
		}
	}
}

func syntaxError(p *pathElem, err error) *Error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &Error{Path: p.String(), Msg: "malformed XML", Err: err}
	}
	return &Error{Path: p.String(), Msg: "reading XML", Err: err}
}

// knownType reports whether t is a type attribute this package understands.
func knownType(t string) bool {
	switch t {
	case "integer", "float", "decimal", "boolean", "dateTime", "symbol", "string", "array":
		return true
	}
	return false
}

// decodeNode returns the value of n under schema s. depth counts levels as
// Marshal will write them, where a list made of repeated names takes a level
// of its own, so that whatever Unmarshal accepts Marshal can write and
// Unmarshal read back.
func (d decoder) decodeNode(n *node, s *openapi3.Schema, p *pathElem, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errorf(p, "elements nest deeper than %d levels (a repeated name counts as a level: it is written back as an array)", maxDepth)
	}
	if n.isNil {
		if len(n.children) > 0 || !isSpace(n.text) {
			return nil, errorf(p, `element with nil="true" has content`)
		}
		return nil, nil
	}
	switch n.typ {
	case "array":
		if len(n.children) == 0 && !isSpace(n.text) {
			return nil, errorf(p, `element of type "array" has text instead of child elements`)
		}
		return d.decodeList(n, s, p, depth)
	case "":
		// Untyped: below.
	default:
		if len(n.children) > 0 {
			return nil, errorf(p, "element of type %q has child elements", n.typ)
		}
		return decodeTyped(n.typ, string(n.text), p)
	}
	if len(n.children) == 0 {
		if d.params && scalarSchema(s) {
			return string(n.text), nil
		}
		return coerce(string(n.text), s, p)
	}
	types := schemaTypes(s)
	for _, t := range types {
		switch t {
		case openapi3.TypeArray:
			// An array without type="array" is still written as a
			// wrapper element around its items.
			return d.decodeList(n, s, p, depth)
		case openapi3.TypeObject:
			return d.decodeObject(n, s, p, depth)
		}
	}
	if len(types) > 0 {
		return nil, errorf(p, "schema says %s, found child elements", strings.Join(types, " or "))
	}
	return d.decodeObject(n, s, p, depth)
}

// decodeList returns the children of n as the items of a list, whatever their
// names.
func (d decoder) decodeList(n *node, s *openapi3.Schema, p *pathElem, depth int) (any, error) {
	items := itemsSchema(s)
	list := make([]any, 0, len(n.children))
	for i, c := range n.children {
		v, err := d.decodeNode(c, items, &pathElem{parent: p, name: c.name, index: i + 1}, depth+1)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, nil
}

// decodeObject returns the children of n as an object keyed by their names; a
// name that occurs more than once becomes a list (Hash.from_xml does the same).
func (d decoder) decodeObject(n *node, s *openapi3.Schema, p *pathElem, depth int) (any, error) {
	count := make(map[string]int, len(n.children))
	for _, c := range n.children {
		count[c.name]++
	}
	obj := make(map[string]any, len(count))
	lists := map[string][]any{}
	for _, c := range n.children {
		ps := propSchema(s, c.name)
		if count[c.name] == 1 {
			v, err := d.decodeNode(c, ps, &pathElem{parent: p, name: c.name}, depth+1)
			if err != nil {
				return nil, err
			}
			obj[c.name] = v
			continue
		}
		// Each repetition is an item: of the property's items schema if
		// it is an array, else of the property's own schema.
		if kind(ps) == openapi3.TypeArray {
			ps = itemsSchema(ps)
		}
		list := lists[c.name]
		v, err := d.decodeNode(c, ps, &pathElem{parent: p, name: c.name, index: len(list) + 1}, depth+2)
		if err != nil {
			return nil, err
		}
		lists[c.name] = append(list, v)
	}
	for name, list := range lists {
		obj[name] = list
	}
	return obj, nil
}

// decodeTyped returns the value of a leaf with type attribute typ (not
// "array") and text text.
func decodeTyped(typ, text string, p *pathElem) (any, error) {
	if typ == "string" || typ == "symbol" {
		return text, nil
	}
	t := trimSpace(text)
	if t == "" {
		return nil, nil // Rails reads an empty typed leaf as nil
	}
	switch typ {
	case "integer":
		if isInteger(t) {
			return parseFloat(t, typ, p)
		}
	case "float":
		if isNumber(t) {
			return parseFloat(t, typ, p)
		}
	case "decimal":
		if isNumber(t) {
			return t, nil // a decimal keeps its digits, as Coupa's JSON sends money
		}
	case "boolean":
		if b, ok := parseBool(t); ok {
			return b, nil
		}
	case "dateTime":
		if isDateTime(t) {
			return t, nil
		}
	}
	return nil, errorf(p, "cannot parse %q as type %q", t, typ)
}

// scalarSchema reports whether s types a leaf (a string, number, integer or boolean, perhaps null) rather than an
// array or an object.
func scalarSchema(s *openapi3.Schema) bool {
	types := schemaTypes(s)
	for _, t := range types {
		if t == openapi3.TypeArray || t == openapi3.TypeObject {
			return false
		}
	}
	return len(types) > 0
}

// coerce returns the value of an untyped leaf with text text under schema s:
// read as the first of the schema's types that fits, or as a string when the
// schema does not say. Empty text (or white space) is nil for an integer,
// number, boolean, object or null, and [] for an array.
func coerce(text string, s *openapi3.Schema, p *pathElem) (any, error) {
	types := schemaTypes(s)
	if len(types) == 0 {
		return text, nil // untyped leaves are strings
	}
	t := trimSpace(text)
	for _, k := range types {
		switch k {
		case openapi3.TypeString:
			return text, nil
		case openapi3.TypeArray:
			if t == "" {
				return []any{}, nil
			}
		case openapi3.TypeInteger, openapi3.TypeNumber, openapi3.TypeBoolean, openapi3.TypeObject, openapi3.TypeNull:
			if t == "" {
				return nil, nil
			}
			switch {
			case k == openapi3.TypeInteger && isInteger(t), k == openapi3.TypeNumber && isNumber(t):
				return parseFloat(t, k, p)
			case k == openapi3.TypeBoolean:
				if b, ok := parseBool(t); ok {
					return b, nil
				}
			}
		}
	}
	return nil, errorf(p, "schema says %s, cannot read untyped text %q as one", strings.Join(types, " or "), t)
}

// parseFloat parses t, already checked by isInteger or isNumber.
func parseFloat(t, typ string, p *pathElem) (any, error) {
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return nil, errorf(p, "%s %q is out of range", typ, t)
	}
	return f, nil
}

// parseBool accepts what Rails writes (true, false) and what it also reads (1, 0).
func parseBool(t string) (value, ok bool) {
	switch t {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// isDateTime reports whether t is an RFC 3339 timestamp, as Rails writes
// type="dateTime" (2016-11-08T11:28:50+02:00, fractions of a second allowed).
func isDateTime(t string) bool {
	_, err := time.Parse(time.RFC3339, t)
	return err == nil
}

// trimSpace removes XML white space (not any Unicode space) from both ends of s.
func trimSpace(s string) string {
	return strings.Trim(s, " \t\n\r")
}

// isSpace reports whether b holds XML white space only.
func isSpace(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
		default:
			return false
		}
	}
	return true
}

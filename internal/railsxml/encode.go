package railsxml

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// Marshal writes v as a Rails-style XML document whose root element is named
// root: the XML declaration, then one element per line indented by two
// spaces, as Rails writes it, and a final newline.
//
// v holds the encoding/json model (map[string]any, []any, string, float64,
// bool, nil); int, int64, json.Number and time.Time leaves are accepted too.
// Map keys become element names in sorted order; they must be plain ASCII XML
// names. The type attributes come from the values: numbers are type="integer"
// when whole (or "float"), booleans type="boolean", lists type="array",
// time.Time type="dateTime". schema (it may be nil) describes v and refines
// that:
//
//   - a whole number whose schema is "number" is written as type="float";
//   - a string is written with type="dateTime" where the schema has format
//     date-time and the string is an RFC 3339 timestamp, with type="decimal"
//     or type="symbol" where the schema carries x-coupa-xml-type: decimal (and
//     the string is a decimal number) or symbol, and with type="string" where
//     Unmarshal would read the untyped text as something else ("42" where the
//     schema says integer, "" where it says array);
//   - nil is written nil="true", with the type attribute the schema implies
//     (<id type="integer" nil="true"/>) as Rails writes typed nils;
//   - the items of a list are named by the items schema's xml.name, else by
//     the singular of the list's name (categories → category, addresses →
//     address, roles → role; a name without a trailing s is kept).
//
// Whatever Unmarshal returns for a schema, Marshal with the same schema writes
// a document that Unmarshal reads back as an equal value. The exception is an
// empty map, which Unmarshal never returns: it is written as an empty element
// and read back as "" (or nil where the schema says object).
//
// Marshal fails, with an *Error, on values of other types, NaN and infinities,
// strings that are not UTF-8 or hold characters XML 1.0 cannot carry, keys
// that are not element names, and nesting deeper than 64 levels.
func Marshal(root string, v any, schema *openapi3.Schema) ([]byte, error) {
	var e encoder
	e.buf.WriteString(xml.Header)
	if err := e.element(root, v, schema, &pathElem{name: root}, 1); err != nil {
		return nil, err
	}
	return e.buf.Bytes(), nil
}

// MarshalErrors writes the body of a Rails validation failure:
//
//	<?xml version="1.0" encoding="UTF-8"?>
//	<errors>
//	  <error><![CDATA[Login has already been taken]]></error>
//	</errors>
//
// Each message goes in a CDATA section, as Coupa writes them. Characters XML
// cannot carry are replaced by U+FFFD; an error body should never fail.
func MarshalErrors(messages []string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if len(messages) == 0 {
		b.WriteString("<errors/>\n")
		return b.Bytes()
	}
	b.WriteString("<errors>\n")
	for _, m := range messages {
		m = strings.Map(func(r rune) rune {
			if !isXMLChar(r) {
				return utf8.RuneError
			}
			return r
		}, strings.ToValidUTF8(m, string(utf8.RuneError)))
		b.WriteString("  <error><![CDATA[")
		// A CDATA section cannot hold "]]>": close it between "]]" and ">".
		b.WriteString(strings.ReplaceAll(m, "]]>", "]]]]><![CDATA[>"))
		b.WriteString("]]></error>\n")
	}
	b.WriteString("</errors>\n")
	return b.Bytes()
}

type encoder struct {
	buf bytes.Buffer
}

// element writes v as an element named name at nesting level depth (the root
// is 1).
func (e *encoder) element(name string, v any, s *openapi3.Schema, p *pathElem, depth int) error {
	if !validName(name) {
		return errorf(p.parent, "element name %q is not a plain ASCII XML name without colons", name)
	}
	if depth > maxDepth {
		return errorf(p, "value nests deeper than %d levels", maxDepth)
	}
	switch x := v.(type) {
	case nil:
		e.open(name, nilType(s), depth)
		e.buf.WriteString(` nil="true"/>` + "\n")
	case string:
		return e.leaf(name, stringType(x, s), x, p, depth)
	case bool:
		return e.leaf(name, "boolean", strconv.FormatBool(x), p, depth)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return errorf(p, "cannot write %v: XML numbers are finite", x)
		}
		typ := numberType(x, s)
		return e.leaf(name, typ, formatFloat(x, typ), p, depth)
	case int:
		return e.leaf(name, "integer", strconv.Itoa(x), p, depth)
	case int64:
		return e.leaf(name, "integer", strconv.FormatInt(x, 10), p, depth)
	case json.Number:
		t := string(x)
		typ := "float"
		if isInteger(t) {
			typ = "integer"
		} else if !isNumber(t) {
			return errorf(p, "json.Number %q is not a number", t)
		}
		if _, err := strconv.ParseFloat(t, 64); err != nil {
			return errorf(p, "json.Number %q is out of range", t)
		}
		return e.leaf(name, typ, t, p, depth)
	case time.Time:
		return e.leaf(name, "dateTime", x.Format(time.RFC3339Nano), p, depth)
	case map[string]any:
		return e.object(name, x, s, p, depth)
	case []any:
		return e.list(name, x, s, p, depth)
	default:
		return errorf(p, "cannot write a value of type %T", v)
	}
	return nil
}

func (e *encoder) object(name string, m map[string]any, s *openapi3.Schema, p *pathElem, depth int) error {
	e.open(name, "", depth)
	if len(m) == 0 {
		e.buf.WriteString("></" + name + ">\n")
		return nil
	}
	e.buf.WriteString(">\n")
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := e.element(k, m[k], propSchema(s, k), &pathElem{parent: p, name: k}, depth+1); err != nil {
			return err
		}
	}
	e.close(name, depth)
	return nil
}

func (e *encoder) list(name string, l []any, s *openapi3.Schema, p *pathElem, depth int) error {
	e.open(name, "array", depth)
	if len(l) == 0 {
		e.buf.WriteString("/>\n")
		return nil
	}
	e.buf.WriteString(">\n")
	items := itemsSchema(s)
	item := xmlName(items)
	if item == "" {
		item = singular(name)
	}
	for i, v := range l {
		if err := e.element(item, v, items, &pathElem{parent: p, name: item, index: i + 1}, depth+1); err != nil {
			return err
		}
	}
	e.close(name, depth)
	return nil
}

// leaf writes <name type="typ">text</name>, escaping text.
func (e *encoder) leaf(name, typ, text string, p *pathElem, depth int) error {
	e.open(name, typ, depth)
	e.buf.WriteByte('>')
	if err := e.text(text, p); err != nil {
		return err
	}
	e.buf.WriteString("</" + name + ">\n")
	return nil
}

// open writes the indentation and the start tag up to, not including, its '>'.
func (e *encoder) open(name, typ string, depth int) {
	e.indent(depth)
	e.buf.WriteByte('<')
	e.buf.WriteString(name)
	if typ != "" {
		e.buf.WriteString(` type="` + typ + `"`)
	}
}

func (e *encoder) close(name string, depth int) {
	e.indent(depth)
	e.buf.WriteString("</" + name + ">\n")
}

func (e *encoder) indent(depth int) {
	for range depth - 1 {
		e.buf.WriteString("  ")
	}
}

// text writes s as character data. Only &, <, > and carriage returns are
// escaped: the first three for the syntax, \r because a reader turns a
// literal one into \n.
func (e *encoder) text(s string, p *pathElem) error {
	if !utf8.ValidString(s) {
		return errorf(p, "string is not valid UTF-8")
	}
	last := 0
	for i, r := range s {
		var esc string
		switch r {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\r':
			esc = "&#xD;"
		default:
			if !isXMLChar(r) {
				return errorf(p, "string holds %U, which XML 1.0 cannot carry", r)
			}
			continue
		}
		e.buf.WriteString(s[last:i])
		e.buf.WriteString(esc)
		last = i + 1 // every escaped rune is one byte
	}
	e.buf.WriteString(s[last:])
	return nil
}

// isXMLChar reports whether r is allowed in an XML 1.0 document (the Char
// production).
func isXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		0x20 <= r && r <= 0xD7FF ||
		0xE000 <= r && r <= 0xFFFD ||
		0x10000 <= r && r <= 0x10FFFF
}

// stringType returns the type attribute for string x under schema s.
func stringType(x string, s *openapi3.Schema) string {
	if s == nil {
		return ""
	}
	if v, err := coerce(x, s, nil); err != nil || v != x {
		// Unmarshal would read the untyped text as something else.
		return "string"
	}
	switch xmlTypeExt(s) {
	case "decimal":
		if isNumber(x) {
			return "decimal"
		}
		return "" // Unmarshal would refuse it as a decimal
	case "symbol":
		return "symbol"
	}
	if format(s) == "date-time" && isDateTime(x) {
		return "dateTime"
	}
	return ""
}

// nilType returns the type attribute Rails writes beside nil="true" for a
// value of schema s.
func nilType(s *openapi3.Schema) string {
	switch kind(s) {
	case openapi3.TypeInteger:
		return "integer"
	case openapi3.TypeNumber:
		return "float"
	case openapi3.TypeBoolean:
		return "boolean"
	case openapi3.TypeString:
		switch xmlTypeExt(s) {
		case "decimal", "symbol":
			return xmlTypeExt(s)
		}
		if format(s) == "date-time" {
			return "dateTime"
		}
	}
	return ""
}

// numberType returns "integer" or "float" for x under schema s.
func numberType(x float64, s *openapi3.Schema) string {
	if x != math.Trunc(x) || kind(s) == openapi3.TypeNumber {
		return "float"
	}
	return "integer"
}

// formatFloat writes integers in full and other numbers the way encoding/json
// does: plain decimals, with an exponent only for very small or large ones.
func formatFloat(x float64, typ string) string {
	if typ == "integer" {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	if a := math.Abs(x); a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.FormatFloat(x, 'e', -1, 64)
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// singular names the items of a list called name: categories → category,
// addresses → address, roles → role. A name without a trailing s (such as
// can-expense-for) names its items too.
func singular(name string) string {
	s := name
	switch {
	case strings.HasSuffix(s, "ies") && len(s) > 3:
		s = s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "sses"):
		s = s[:len(s)-2]
	case strings.HasSuffix(s, "s"):
		s = s[:len(s)-1]
	}
	if !validName(s) {
		return name
	}
	return s
}

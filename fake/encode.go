package fake

import (
	"strconv"
	"unicode/utf8"

	"github.com/coupa-kit/coupa-users/internal/jsonstr"
)

// encoder writes one response body in JSON or in Rails-style XML. Renderers walk a user once and call it; the two
// formats differ only here. Names are hyphenated keys; an empty name is a list item (JSON: no key; XML: the list's
// item element name).
type encoder interface {
	open(name string)
	close()
	openList(name, item string)
	closeList()
	str(name, v string)
	// typed writes a leaf whose XML carries a type attribute; JSON quotes it unless it is a number or a boolean.
	typed(name, xmlType, v string)
	// null writes a nil leaf: JSON null; XML <x nil="true"/>, without a type, as Coupa's samples have it.
	null(name string)
	bytes() []byte
}

type jsonEncoder struct {
	b     []byte
	comma bool
	depth int
}

func newJSONEncoder(buf []byte) *jsonEncoder { return &jsonEncoder{b: buf[:0]} }

func (e *jsonEncoder) key(name string) {
	if e.comma {
		e.b = append(e.b, ',')
	}
	// The root has no key in Coupa's JSON (a bare object or array), whatever the XML root's name.
	if name != "" && e.depth > 0 {
		e.b = jsonstr.Append(e.b, name)
		e.b = append(e.b, ':')
	}
	e.comma = true
}

func (e *jsonEncoder) open(name string) {
	e.key(name)
	e.b = append(e.b, '{')
	e.comma = false
	e.depth++
}

func (e *jsonEncoder) close() {
	e.b = append(e.b, '}')
	e.comma = true
	e.depth--
}

func (e *jsonEncoder) openList(name, _ string) {
	e.key(name)
	e.b = append(e.b, '[')
	e.comma = false
	e.depth++
}

func (e *jsonEncoder) closeList() {
	e.b = append(e.b, ']')
	e.comma = true
	e.depth--
}

func (e *jsonEncoder) str(name, v string) { e.key(name); e.b = jsonstr.Append(e.b, v) }
func (e *jsonEncoder) null(name string)   { e.key(name); e.b = append(e.b, "null"...) }
func (e *jsonEncoder) bytes() []byte      { return e.b }

// raw writes an already encoded JSON value.
func (e *jsonEncoder) raw(name string, v []byte) {
	e.key(name)
	e.b = append(e.b, v...)
}

func (e *jsonEncoder) typed(name, xmlType, v string) {
	e.key(name)
	switch xmlType {
	case "integer", "boolean", "float":
		e.b = append(e.b, v...)
	default: // decimal, dateTime, symbol: strings in Coupa's JSON
		e.b = jsonstr.Append(e.b, v)
	}
}

// xmlEncoder writes Rails' to_xml layout: two-space indentation, one element per line, typed leaves, nil="true".
type xmlEncoder struct {
	b     []byte
	items []string // item element names of the open lists (and "" for open objects)
	names []string // names of the open elements
	// listStart is where the last openList's tag ends, so that an empty list closes as <roles type="array"/>.
	listStart int
}

func newXMLEncoder(buf []byte) *xmlEncoder {
	e := &xmlEncoder{b: buf[:0]}
	e.b = append(e.b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"...)
	return e
}

func (e *xmlEncoder) indent() {
	for range len(e.names) {
		e.b = append(e.b, ' ', ' ')
	}
}

// elementName resolves the empty name of a list item to the list's item name.
func (e *xmlEncoder) elementName(name string) string {
	if name == "" && len(e.items) > 0 {
		return e.items[len(e.items)-1]
	}
	return name
}

func (e *xmlEncoder) open(name string) {
	name = e.elementName(name)
	e.indent()
	e.b = append(e.b, '<')
	e.b = append(e.b, name...)
	e.b = append(e.b, ">\n"...)
	e.names = append(e.names, name)
	e.items = append(e.items, "")
}

func (e *xmlEncoder) close() {
	name := e.names[len(e.names)-1]
	e.names, e.items = e.names[:len(e.names)-1], e.items[:len(e.items)-1]
	e.indent()
	e.b = append(e.b, "</"...)
	e.b = append(e.b, name...)
	e.b = append(e.b, ">\n"...)
}

func (e *xmlEncoder) openList(name, item string) {
	name = e.elementName(name)
	e.indent()
	e.b = append(e.b, '<')
	e.b = append(e.b, name...)
	e.b = append(e.b, ` type="array">`+"\n"...)
	e.listStart = len(e.b)
	e.names = append(e.names, name)
	e.items = append(e.items, item)
}

func (e *xmlEncoder) closeList() {
	if len(e.b) == e.listStart {
		// Nothing was written inside: turn `<x type="array">\n` into `<x type="array"/>\n`.
		e.b = append(e.b[:len(e.b)-2], "/>\n"...)
		e.names, e.items = e.names[:len(e.names)-1], e.items[:len(e.items)-1]
		e.listStart = -1
		return
	}
	e.close()
}

func (e *xmlEncoder) leaf(name, xmlType, v string, null bool) {
	name = e.elementName(name)
	e.indent()
	e.b = append(e.b, '<')
	e.b = append(e.b, name...)
	if xmlType != "" {
		e.b = append(e.b, ` type="`...)
		e.b = append(e.b, xmlType...)
		e.b = append(e.b, '"')
	}
	if null {
		e.b = append(e.b, ` nil="true"/>`+"\n"...)
		return
	}
	e.b = append(e.b, '>')
	e.b = appendXMLText(e.b, v)
	e.b = append(e.b, "</"...)
	e.b = append(e.b, name...)
	e.b = append(e.b, ">\n"...)
}

func (e *xmlEncoder) str(name, v string)            { e.leaf(name, "", v, false) }
func (e *xmlEncoder) typed(name, xmlType, v string) { e.leaf(name, xmlType, v, false) }
func (e *xmlEncoder) null(name string)              { e.leaf(name, "", "", true) }
func (e *xmlEncoder) bytes() []byte                 { return e.b }

// appendXMLText escapes text content; characters XML 1.0 cannot carry become U+FFFD.
func appendXMLText(b []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '"':
			b = append(b, "&quot;"...)
		case r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000 && r <= 0x10FFFF:
			if r == utf8.RuneError {
				b = append(b, "\uFFFD"...)
			} else {
				b = utf8.AppendRune(b, r)
			}
		default:
			b = append(b, "\uFFFD"...)
		}
	}
	return b
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

package railsxml

import (
	"bytes"
	"unicode/utf8"
)

// quickParse reads the documents Rails and the fake write into the nodes parse builds, without encoding/xml, whose
// tokenizer was most of the contract suite's XML work: elements with type, nil and other plain attributes, text
// with the five predefined entities and character references, CDATA sections and the XML declaration. It reports
// false for anything else, valid or not (comments, processing instructions, DOCTYPE, namespaces, carriage returns,
// names outside ASCII, malformed input, and what parse refuses): parse then reads the document with encoding/xml,
// which also words the error. So quickParse decides nothing by itself; FuzzQuickParse checks that whatever it reads,
// encoding/xml reads alike.
func quickParse(data []byte) (*node, bool) {
	if bytes.IndexByte(data, '\r') >= 0 {
		return nil, false // encoding/xml turns "\r\n" and "\r" into "\n"
	}
	q := &quick{data: data, names: map[string]string{}}
	for _, decl := range xmlDeclarations {
		if bytes.HasPrefix(data, []byte(decl)) {
			q.i = len(decl)
			break
		}
	}
	q.skipSpace()
	if !q.at('<') {
		return nil, false
	}
	root, ok := q.element(1)
	if !ok {
		return nil, false
	}
	q.skipSpace()
	return root, q.i == len(data)
}

// xmlDeclarations are the declarations quickParse understands: Rails' and encoding/xml's defaults.
var xmlDeclarations = []string{
	`<?xml version="1.0" encoding="UTF-8"?>`,
	`<?xml version="1.0" encoding="utf-8"?>`,
	`<?xml version="1.0"?>`,
}

// quick is quickParse's position in its document.
type quick struct {
	data  []byte
	i     int
	names map[string]string // element names met so far, so that each costs one string per document
}

func (q *quick) at(c byte) bool { return q.i < len(q.data) && q.data[q.i] == c }

// skipSpace skips XML white space (bar "\r", refused before) and returns how much it skipped.
func (q *quick) skipSpace() int {
	start := q.i
	for q.i < len(q.data) && (q.data[q.i] == ' ' || q.data[q.i] == '\t' || q.data[q.i] == '\n') {
		q.i++
	}
	return q.i - start
}

// name reads a plain ASCII name, as validName has it: a letter or '_', then letters, digits, '_', '-' and '.'.
func (q *quick) name() (string, bool) {
	start := q.i
	for q.i < len(q.data) {
		c := q.data[q.i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || q.i > start && ('0' <= c && c <= '9' || c == '-' || c == '.') {
			q.i++
			continue
		}
		break
	}
	if q.i == start {
		return "", false
	}
	b := q.data[start:q.i]
	if s, ok := q.names[string(b)]; ok {
		return s, true
	}
	s := string(b)
	q.names[s] = s
	return s, true
}

// element reads the element whose '<' is at the position, at depth (the root's is 1).
func (q *quick) element(depth int) (*node, bool) {
	if depth > maxDepth {
		return nil, false
	}
	q.i++ // '<'
	name, ok := q.name()
	if !ok {
		return nil, false
	}
	n := &node{name: name}
	var seenType, seenNil bool
	for {
		spaced := q.skipSpace() > 0
		switch {
		case q.at('>'):
			q.i++
			return q.content(n, depth)
		case q.at('/'):
			q.i++
			if !q.at('>') {
				return nil, false
			}
			q.i++
			return n, true
		case !spaced: // an attribute must follow white space
			return nil, false
		}
		attr, ok := q.name()
		if !ok {
			return nil, false
		}
		value, ok := q.attrValue()
		if !ok {
			return nil, false
		}
		switch attr {
		case "type":
			if seenType || !knownType(value) {
				return nil, false
			}
			seenType, n.typ = true, value
		case "nil":
			if seenNil {
				return nil, false
			}
			seenNil, n.isNil = true, value == "true"
		case "xmlns":
			return nil, false // a default namespace: encoding/xml's business
		}
	}
}

// attrValue reads `="value"` (or single quotes, white space around '='), of printable ASCII without '<' or '&'.
func (q *quick) attrValue() (string, bool) {
	q.skipSpace()
	if !q.at('=') {
		return "", false
	}
	q.i++
	q.skipSpace()
	if !q.at('"') && !q.at('\'') {
		return "", false
	}
	quote := q.data[q.i]
	q.i++
	start := q.i
	for q.i < len(q.data) && q.data[q.i] != quote {
		if c := q.data[q.i]; c < 0x20 || c > 0x7e || c == '<' || c == '&' {
			return "", false
		}
		q.i++
	}
	if q.i == len(q.data) {
		return "", false
	}
	v := string(q.data[start:q.i])
	q.i++
	return v, true
}

// content reads what follows the start tag of n, up to and including its end tag.
func (q *quick) content(n *node, depth int) (*node, bool) {
	for {
		j := bytes.IndexByte(q.data[q.i:], '<')
		if j < 0 {
			return nil, false
		}
		if j > 0 {
			if !q.text(n, q.data[q.i:q.i+j]) {
				return nil, false
			}
			q.i += j
		}
		rest := q.data[q.i:]
		switch {
		case bytes.HasPrefix(rest, []byte("</")):
			q.i += 2
			name, ok := q.name()
			if !ok || name != n.name {
				return nil, false
			}
			q.skipSpace()
			if !q.at('>') {
				return nil, false
			}
			q.i++
			if len(n.children) > 0 && !isSpace(n.text) {
				return nil, false // text mixed with elements: parse refuses it, in its words
			}
			return n, true
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			body := rest[len("<![CDATA["):]
			end := bytes.Index(body, []byte("]]>"))
			if end < 0 || !validChars(body[:end]) {
				return nil, false
			}
			n.text = append(n.text, body[:end]...)
			q.i += len("<![CDATA[") + end + len("]]>")
		case len(rest) > 1 && (rest[1] == '!' || rest[1] == '?'):
			return nil, false // comments, processing instructions, declarations
		default:
			child, ok := q.element(depth + 1)
			if !ok {
				return nil, false
			}
			n.children = append(n.children, child)
		}
	}
}

// text adds a run of character data to n, its entities and character references decoded.
func (q *quick) text(n *node, run []byte) bool {
	if bytes.IndexByte(run, '>') >= 0 || !validChars(run) {
		return false // '>' is legal in text, but Rails escapes it: leave the rare case to encoding/xml
	}
	amp := bytes.IndexByte(run, '&')
	if amp < 0 {
		if n.text == nil {
			n.text = run[:len(run):len(run)] // shared with data; a later append copies
		} else {
			n.text = append(n.text, run...)
		}
		return true
	}
	for amp >= 0 {
		n.text = append(n.text, run[:amp]...)
		run = run[amp:]
		semi := bytes.IndexByte(run, ';')
		if semi < 0 {
			return false
		}
		r, ok := entity(run[1:semi])
		if !ok {
			return false
		}
		n.text = utf8.AppendRune(n.text, r)
		run = run[semi+1:]
		amp = bytes.IndexByte(run, '&')
	}
	n.text = append(n.text, run...)
	return true
}

// entity decodes the name of an entity reference (lt) or a character reference (#60, #x3C) to its rune.
func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	digits, base := name[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || len(digits) > 7 {
		return 0, false
	}
	var r rune
	for _, c := range digits {
		var d rune
		switch {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, false
		}
		r = r*base + d
	}
	return r, inCharRange(r)
}

// validChars reports whether b is UTF-8 of characters XML 1.0 allows.
func validChars(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 || !inCharRange(r) {
			return false
		}
		i += size
	}
	return true
}

// inCharRange reports whether XML 1.0 allows the character r.
func inCharRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

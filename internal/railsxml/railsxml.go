// Package railsxml converts between Rails-style XML, as Coupa's API speaks it,
// and the generic data model that encoding/json produces when it decodes into
// an any: map[string]any, []any, string, float64, bool and nil.
//
// Both sides of the project need the same view of an XML body: the fake server
// keeps its records in the JSON model and writes them as XML, and the contract
// checker decodes XML responses into the JSON model so that one OpenAPI schema
// (validated by kin-openapi) covers both encodings. The root element's name is
// not part of the value ("<user>...</user>" is the same object as the JSON
// {...} of a user); Unmarshal returns it separately and Marshal takes it as an
// argument.
//
// The Rails conventions this package follows:
//
//   - <users type="array"><user>...</user></users> is a list whatever the
//     children are called; an element with child elements and no type is an
//     object whose keys are the child names, and a name repeated inside an
//     object becomes a list (as Hash.from_xml does).
//   - type="integer" and type="float" leaves decode to float64 (as JSON
//     numbers do), type="boolean" to bool, and type="decimal", type="dateTime",
//     type="symbol" and type="string" to strings (Coupa's JSON carries money and
//     timestamps as strings). Untyped leaves are strings.
//   - nil="true" is nil whatever the type; an empty typed leaf other than a
//     string or symbol is nil too (Rails does the same); an empty untyped leaf
//     is "".
//
// Where a leaf carries no type attribute, an OpenAPI schema (optional) decides
// how its text is read: "42" becomes 42 where the schema says integer. Marshal
// uses the schema the other way round, to choose type attributes.
package railsxml

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/coupa-kit/coupa-users/internal/problem"
)

// maxDepth is the deepest element nesting Unmarshal accepts and Marshal writes.
// Coupa documents nest a handful of levels; the cap keeps a hostile body from
// costing unbounded stack and memory.
const maxDepth = 64

// Error describes a document Unmarshal rejects or a value Marshal cannot
// write, and where in the document the problem is.
type Error struct {
	// Path is the slash-separated path of the element at fault, e.g.
	// "user/roles/role[1]/id". An index in brackets counts from 1 (as in
	// XPath) among the items of an array or the repetitions of a name. Path is
	// empty when the problem is not inside an element.
	Path string
	// Msg says what is wrong.
	Msg string
	// Err is the underlying error, such as an *xml.SyntaxError, or nil.
	Err error
}

// Error implements the error interface.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("railsxml: ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error, so that errors.As can reach it.
func (e *Error) Unwrap() error { return e.Err }

// pathElem is one step of an element path. The steps are linked from child to
// parent and only rendered when an error needs them, so that walking a large
// document allocates no path strings.
type pathElem struct {
	parent *pathElem
	name   string
	index  int // 1-based position among array items or repeated names; 0 for none
}

func (p *pathElem) String() string {
	var steps []string
	for ; p != nil; p = p.parent {
		s := problem.Short(p.name)
		if p.index > 0 {
			s += "[" + strconv.Itoa(p.index) + "]"
		}
		steps = append(steps, s)
	}
	for i, j := 0, len(steps)-1; i < j; i, j = i+1, j-1 {
		steps[i], steps[j] = steps[j], steps[i]
	}
	return strings.Join(steps, "/")
}

// errorf builds an *Error; string arguments are cut short, as an error quotes a document's text or names and the
// document may be a megabyte of them.
func errorf(p *pathElem, format string, args ...any) *Error {
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = problem.Short(s)
		}
	}
	return &Error{Path: p.String(), Msg: fmt.Sprintf(format, args...)}
}

// validName reports whether s can be written as an element name and read back
// unchanged. It accepts plain ASCII XML names only, without colons: a colon
// would be read back as a namespace prefix, and Coupa uses neither.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
		case i > 0 && ('0' <= c && c <= '9' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// isInteger reports whether s is an optionally signed run of decimal digits,
// the text Rails writes for type="integer".
func isInteger(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return s != "" && digits(s) == len(s)
}

// isNumber reports whether s is a decimal number, optionally signed and with
// an exponent: the text of type="float" and type="decimal". It is stricter
// than strconv.ParseFloat, which would also take "Inf", "NaN" and hex floats.
func isNumber(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	n := digits(s)
	s = s[n:]
	if s != "" && s[0] == '.' {
		f := digits(s[1:])
		n += f
		s = s[1+f:]
	}
	if n == 0 {
		return false
	}
	if s != "" && (s[0] == 'e' || s[0] == 'E') {
		s = s[1:]
		if s != "" && (s[0] == '+' || s[0] == '-') {
			s = s[1:]
		}
		e := digits(s)
		if e == 0 {
			return false
		}
		s = s[e:]
	}
	return s == ""
}

// digits returns the length of the run of ASCII digits at the start of s.
func digits(s string) int {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

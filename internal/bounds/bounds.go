// Package bounds holds the limits that keep the cost of one request proportional to its size, whatever its shape:
// how deep a body (or a `fields` list) may nest, how many values it may hold, how long a filter value may be and
// how many filters one query may combine. Real Coupa clients stay far inside them (a user body nests four levels
// and holds a few hundred values); a body built to be expensive is refused before it is decoded.
//
// The package says what is too much; internal/problem says it in words, and the fake answers it with a 400.
package bounds

import (
	"errors"
	"fmt"
)

const (
	// MaxDepth is the deepest nesting of a request body, in JSON arrays and objects or XML elements, and of a
	// `fields` list. A user body nests at most four levels (user, roles, a role, its name).
	MaxDepth = 32
	// MaxElements is the most values a request body holds (JSON scalars, arrays, objects and object keys; XML
	// elements), and the most entries of a `fields` list. A user with every element, a hundred roles and every custom field holds
	// well under a thousand.
	MaxElements = 10_000
	// MaxFilterValue is the longest value of one filter parameter (`login[contains]=...`, `id[in]=1,2,3`), in
	// bytes: room for an `in` list of several hundred ids or logins.
	MaxFilterValue = 4096
	// MaxConditions is the most filter conditions one index request combines: each one is tested against every
	// user, so their number multiplies the cost of a scan.
	MaxConditions = 100
)

// The limits of a document's shape. Errors of this package wrap one of them, so that callers tell which with
// errors.Is. (The lengths and the number of conditions are plain comparisons, made where the values are read.)
var (
	ErrTooDeep = errors.New("nested too deep")
	ErrTooMany = errors.New("too many elements")
)

// Error is a limit exceeded: which one, and its value.
type Error struct {
	Limit error // ErrTooDeep or ErrTooMany
	Max   int
}

func (e *Error) Error() string { return fmt.Sprintf("%v (the limit is %d)", e.Limit, e.Max) }

// Unwrap returns the limit, for errors.Is.
func (e *Error) Unwrap() error { return e.Limit }

// Counter counts the values of a document as a decoder walks it, and says when one passes a limit. The zero
// value is ready; it applies MaxDepth and MaxElements.
type Counter struct {
	depth, elements int
}

// Open counts a value that opens a level (a JSON array or object, an XML element).
func (c *Counter) Open() error {
	c.depth++
	if c.depth > MaxDepth {
		return &Error{Limit: ErrTooDeep, Max: MaxDepth}
	}
	return c.Value()
}

// Close ends the level the last Open opened.
func (c *Counter) Close() { c.depth-- }

// Value counts a value that opens no level (a scalar).
func (c *Counter) Value() error {
	c.elements++
	if c.elements > MaxElements {
		return &Error{Limit: ErrTooMany, Max: MaxElements}
	}
	return nil
}

// CheckJSON checks the nesting and the number of values of a JSON document in one pass over its bytes, without
// decoding it, so that a hostile body is refused for the cost of reading it. It does not check the syntax (the
// decoder that follows does): on malformed input it counts what it can and may return nil.
func CheckJSON(data []byte) error {
	var c Counter
	inString, escaped, inScalar := false, false, false
	for _, b := range data {
		if inString {
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
			continue
		}
		switch b {
		case '"':
			inString, inScalar = true, false
			if err := c.Value(); err != nil {
				return err
			}
		case '[', '{':
			inScalar = false
			if err := c.Open(); err != nil {
				return err
			}
		case ']', '}':
			inScalar = false
			c.Close()
		case ',', ':', ' ', '\t', '\n', '\r':
			inScalar = false
		default: // a number, true, false or null: count it once, at its first byte
			if !inScalar {
				inScalar = true
				if err := c.Value(); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

package kinds

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// Integer is the kind of whole numbers (account-security-type, the approval limits' ids).
type Integer struct{}

// Cast takes an integral number and, as Rails casts input, a string of decimal digits ("1"); a blank string is
// null. A fraction or any other text is "is not a number", Coupa's numericality message.
func (Integer) Cast(el *spec.Element, v any) (Value, problem.Code) {
	var n int64
	ok := false
	switch v := v.(type) {
	case float64:
		if v == math.Trunc(v) && math.Abs(v) <= 1<<53 {
			n, ok = int64(v), true
		}
	case int64: // Go callers (fixtures) rather than decoders
		n, ok = v, true
	case int:
		n, ok = int64(v), true
	case string:
		t := strings.TrimSpace(v)
		if t == "" {
			return Value{Null: true}, 0
		}
		var err error
		n, err = strconv.ParseInt(t, 10, 64)
		ok = err == nil
	}
	if len(el.Enum) > 0 && (!ok || !slices.Contains(el.Enum, strconv.FormatInt(n, 10))) {
		return Value{}, problem.NotInList
	}
	if !ok {
		return Value{}, problem.NotANumber
	}
	return Value{Int: n}, 0
}

// Literal reads a decimal integer.
func (Integer) Literal(raw string) (any, bool) {
	n, err := strconv.ParseInt(raw, 10, 64)
	return n, err == nil
}

// Noun is "integer".
func (Integer) Noun() string { return "integer" }

// Usage is empty: "Invalid integer" says it all.
func (Integer) Usage() string { return "" }

// Loose reads an integer from any of the number types decoders produce, or its digits; a number with a fraction
// is not one.
func (Integer) Loose(v any) (Value, bool) {
	n, ok := ID(v)
	return Value{Int: n}, ok
}

// Number is the integer.
func (Integer) Number(v Value) (int64, bool) { return v.Int, true }

// AsInt reads an integer from the number types decoders produce (an id in a reference, a state file's numbers).
func AsInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<63 {
			return int64(n), true
		}
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

// Set stores v.Int.
func (Integer) Set(r *store.Record, s store.Slot, v Value) { r.SetInteger(s, v.Int) }

// Get reads the integer.
func (Integer) Get(r *store.Record, s store.Slot) Value { return Value{Int: r.Integer(s)} }

// Text is the integer in decimal.
func (Integer) Text(v Value, _ *time.Location) string { return strconv.FormatInt(v.Int, 10) }

// ID reads an object's id as a request or a stored object carries it: a number, or decimal digits (an id in
// untyped XML is text).
func ID(v any) (int64, bool) {
	if s, ok := v.(string); ok {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		return n, err == nil
	}
	return AsInt(v)
}

// Plain is the int64.
func (Integer) Plain(v Value) any { return v.Int }

// Native is the int64.
func (Integer) Native(v Value) any { return v.Int }

package kinds

import (
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// String is the kind of text elements. Strings compare case-insensitively everywhere (package fold); that is the
// query engine's and the store's business, not the value's.
type String struct{}

// Cast takes a string as sent, and a number as Rails casts one into a text column ("12345" for an employee number
// sent as 12345). A boolean is refused: Rails would store "t" or "f", which no client means.
func (String) Cast(el *spec.Element, v any) (Value, problem.Code) {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case float64:
		s = numberText(v)
	default:
		return Value{}, problem.Invalid
	}
	if el.MaxLength > 0 && RuneCountOver(s, el.MaxLength) {
		return Value{}, problem.TooLong
	}
	if len(el.Enum) > 0 && !slices.Contains(el.Enum, s) {
		return Value{}, problem.NotInList
	}
	return Value{Str: s}, 0
}

// numberText writes a JSON number as Ruby's to_s does for the numbers clients send: integers without a fraction.
func numberText(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// Literal takes the text as sent: any string is a string.
func (String) Literal(raw string) (any, bool) { return raw, true }

// Noun is "string".
func (String) Noun() string { return "string" }

// Usage is empty: no string literal is refused.
func (String) Usage() string { return "" }

// Loose reads a string; anything else is not one.
func (String) Loose(v any) (Value, bool) {
	s, ok := v.(string)
	return Value{Str: s}, ok
}

// Number: strings do not order as integers.
func (String) Number(Value) (int64, bool) { return 0, false }

// Set stores v.Str.
func (String) Set(r *store.Record, s store.Slot, v Value) { r.SetString(s, v.Str) }

// Get reads the string.
func (String) Get(r *store.Record, s store.Slot) Value { return Value{Str: r.String(s)} }

// Text is the string itself.
func (String) Text(v Value, _ *time.Location) string { return v.Str }

// RuneCountOver reports whether s has more than n characters, without counting past n: Coupa's lengths count
// characters, not bytes.
func RuneCountOver(s string, n int) bool {
	if len(s) <= n {
		return false
	}
	for range s {
		if n--; n < 0 {
			return true
		}
	}
	return false
}

// Plain is the string.
func (String) Plain(v Value) any { return v.Str }

// Native is the string.
func (String) Native(v Value) any { return v.Str }

package kinds

import (
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// Decimal is the kind of money amounts. Coupa's JSON writes them as strings ("1000.00"), its XML as
// type="decimal"; they compare by value, so "1000.0" equals "1000.00".
type Decimal struct{}

// Cast takes a plain decimal string ("-12", "1000.00") or a number, as Rails casts one into a decimal column; a
// blank string is null.
func (Decimal) Cast(el *spec.Element, v any) (Value, problem.Code) {
	var s string
	switch v := v.(type) {
	case string:
		s = strings.TrimSpace(v)
		if s == "" {
			return Value{Null: true}, 0
		}
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return Value{}, problem.Invalid
		}
		s = strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return Value{}, problem.Invalid
	}
	if _, ok := ParseDecimal(s); !ok {
		return Value{}, problem.Invalid
	}
	if el.MaxLength > 0 && RuneCountOver(s, el.MaxLength) {
		return Value{}, problem.TooLong
	}
	return Value{Str: s}, 0
}

// ParseDecimal reads a plain decimal number: an optional sign, digits, an optional fraction; no exponent. It is
// the one definition of a decimal for input, queries and stored values.
func ParseDecimal(s string) (*big.Rat, bool) {
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		case (c == '-' || c == '+') && i == 0:
		default:
			return nil, false
		}
	}
	if digits == 0 {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// Literal reads a plain decimal.
func (Decimal) Literal(raw string) (any, bool) {
	d, ok := ParseDecimal(raw)
	return d, ok
}

// Noun is "decimal".
func (Decimal) Noun() string { return "decimal" }

// Usage says what a decimal looks like.
func (Decimal) Usage() string { return "use a number such as 1000.00" }

// Loose reads money as Coupa renders it ("1000.00") or as a number, into its text.
func (Decimal) Loose(v any) (Value, bool) {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return Value{}, false
		}
		s = strconv.FormatFloat(v, 'f', -1, 64)
	case int64:
		s = strconv.FormatInt(v, 10)
	case int:
		s = strconv.Itoa(v)
	case json.Number:
		s = v.String()
	default:
		return Value{}, false
	}
	_, ok := ParseDecimal(s)
	return Value{Str: s}, ok
}

// Number: decimals compare as rationals (ParseDecimal), not as integers.
func (Decimal) Number(Value) (int64, bool) { return 0, false }

// Set stores the decimal's text as it came.
func (Decimal) Set(r *store.Record, s store.Slot, v Value) { r.SetString(s, v.Str) }

// Get reads the text.
func (Decimal) Get(r *store.Record, s store.Slot) Value { return Value{Str: r.String(s)} }

// Text is the decimal's text.
func (Decimal) Text(v Value, _ *time.Location) string { return v.Str }

// Plain is the text.
func (Decimal) Plain(v Value) any { return v.Str }

// Native is the text.
func (Decimal) Native(v Value) any { return v.Str }

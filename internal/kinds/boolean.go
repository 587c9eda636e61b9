package kinds

import (
	"strconv"
	"strings"
	"time"

	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// Boolean is the kind of flags (active, the licence flags).
type Boolean struct{}

// Cast takes true and false, and what Rails' boolean casting reads from forms and XML: 1 and 0, "true", "false",
// "1", "0", "t", "f", "on", "off" in any case; a blank string is null. "yes" and "no" count only where the element
// table allows them (aic-user: "yes/no; true/false"). Rails would read any other text as true; the fake refuses it
// ("is not a boolean"), since no client means it.
func (Boolean) Cast(el *spec.Element, v any) (Value, problem.Code) {
	switch v := v.(type) {
	case bool:
		return Value{Bool: v}, 0
	case float64:
		if v == 0 || v == 1 {
			return Value{Bool: v == 1}, 0
		}
	case string:
		t := strings.TrimSpace(v)
		if t == "" {
			return Value{Null: true}, 0
		}
		if b, ok := parseBool(t); ok {
			return Value{Bool: b}, 0
		}
		if el.YesNo {
			switch strings.ToLower(t) {
			case "yes":
				return Value{Bool: true}, 0
			case "no":
				return Value{Bool: false}, 0
			}
		}
	}
	return Value{}, problem.NotABoolean
}

// parseBool reads the texts Rails casts to a boolean.
func parseBool(s string) (v, ok bool) {
	switch strings.ToLower(s) {
	case "true", "1", "t", "on":
		return true, true
	case "false", "0", "f", "off":
		return false, true
	}
	return false, false
}

// Literal reads true or false, or 1 or 0 as HTML checkboxes send them.
func (Boolean) Literal(raw string) (any, bool) {
	switch strings.ToLower(raw) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// Noun is "boolean".
func (Boolean) Noun() string { return "boolean" }

// Usage says what a boolean looks like.
func (Boolean) Usage() string { return "use true or false" }

// Loose reads a bool, or "true" and "false".
func (Boolean) Loose(v any) (Value, bool) {
	switch v := v.(type) {
	case bool:
		return Value{Bool: v}, true
	case string:
		return Value{Bool: v == "true"}, v == "true" || v == "false"
	}
	return Value{}, false
}

// Number is 1 for true, 0 for false.
func (Boolean) Number(v Value) (int64, bool) {
	if v.Bool {
		return 1, true
	}
	return 0, true
}

// Set stores v.Bool.
func (Boolean) Set(r *store.Record, s store.Slot, v Value) { r.SetBoolean(s, v.Bool) }

// Get reads the flag.
func (Boolean) Get(r *store.Record, s store.Slot) Value { return Value{Bool: r.Boolean(s)} }

// Text is "true" or "false".
func (Boolean) Text(v Value, _ *time.Location) string { return strconv.FormatBool(v.Bool) }

// Plain is the bool.
func (Boolean) Plain(v Value) any { return v.Bool }

// Native is the bool.
func (Boolean) Native(v Value) any { return v.Bool }

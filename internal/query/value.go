package query

import (
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/coupa-kit/coupa-users/spec"
)

// parseValues parses a filter's value in the operator's value form (one value, a comma list, a boolean), each value
// by the kind of its attribute.
func parseValues(key string, kind spec.Kind, op spec.Operator, raw string) ([]any, error) {
	switch op.Value() {
	case spec.BoolValue:
		b, ok := parseBool(raw)
		if !ok {
			return nil, errorf(key, "Invalid boolean %s for '%s'; use true or false", quote(raw), key)
		}
		return []any{b}, nil
	case spec.ListValue:
		parts := strings.Split(raw, ",")
		vals := make([]any, 0, len(parts))
		for _, p := range parts {
			if kind != spec.KindString {
				p = strings.TrimSpace(p) // "1, 2, 3" is plainly meant; strings are compared as sent
			}
			v, err := parseValue(key, kind, p)
			if err != nil {
				return nil, err
			}
			vals = append(vals, v)
		}
		return vals, nil
	}
	v, err := parseValue(key, kind, raw)
	if err != nil {
		return nil, err
	}
	return []any{v}, nil
}

func parseValue(key string, kind spec.Kind, raw string) (any, error) {
	switch kind {
	case spec.KindInteger:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, errorf(key, "Invalid integer %s for '%s'", quote(raw), key)
		}
		return n, nil
	case spec.KindBoolean:
		b, ok := parseBool(raw)
		if !ok {
			return nil, errorf(key, "Invalid boolean %s for '%s'; use true or false", quote(raw), key)
		}
		return b, nil
	case spec.KindDateTime:
		t, ok := parseTime(raw)
		if !ok {
			hint := ""
			if strings.Contains(raw, " ") && strings.Contains(raw, ":") {
				hint = " (a '+' in a query string must be sent as %2B)"
			}
			return nil, errorf(key, "Invalid date %s for '%s'; use ISO 8601 such as 2024-01-02 or "+
				"2024-01-02T03:04:05Z%s", quote(raw), key, hint)
		}
		return t, nil
	case spec.KindDecimal:
		d, ok := parseDecimal(raw)
		if !ok {
			return nil, errorf(key, "Invalid decimal %s for '%s'; use a number such as 1000.00", quote(raw), key)
		}
		return d, nil
	}
	return raw, nil
}

// parseBool accepts what Rails' boolean casting and HTML checkboxes send.
func parseBool(s string) (v, ok bool) {
	switch strings.ToLower(s) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// timeLayouts are the ISO 8601 forms clients send. Go's parser also takes fractional seconds after the seconds of
// any of them. A time without an offset is UTC (Coupa would use the instance's zone; the fake's instances run on
// UTC).
var timeLayouts = []string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseTime reads an ISO 8601 date or datetime, in UTC and to the microsecond (Coupa stores no finer).
func parseTime(s string) (time.Time, bool) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Truncate(time.Microsecond), true
		}
	}
	return time.Time{}, false
}

// parseDecimal reads a plain decimal number (no exponent, no fraction syntax): money as Coupa renders it.
func parseDecimal(s string) (*big.Rat, bool) {
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

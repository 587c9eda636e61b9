package query

import (
	"strings"

	"github.com/coupa-kit/coupa-users/internal/kinds"
	"github.com/coupa-kit/coupa-users/spec"
)

// parseValues parses a filter's value in the operator's value form (one value, a comma list, a boolean), each value
// by the kind of its attribute.
func parseValues(key string, kind spec.Kind, op spec.Operator, raw string) ([]any, error) {
	switch op.Value() {
	case spec.BoolValue:
		v, err := parseValue(key, spec.KindBoolean, raw)
		if err != nil {
			return nil, err
		}
		return []any{v}, nil
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

// parseValue reads one value of a filter by its attribute's kind (package kinds).
func parseValue(key string, kind spec.Kind, raw string) (any, error) {
	k, ok := kinds.Of(kind)
	if !ok {
		return raw, nil // an association's key: compared as text
	}
	v, ok := k.Literal(raw)
	if ok {
		return v, nil
	}
	usage := k.Usage()
	if usage != "" {
		usage = "; " + usage
	}
	if kind == spec.KindDateTime && strings.Contains(raw, " ") && strings.Contains(raw, ":") {
		usage += " (a '+' in a query string must be sent as %2B)"
	}
	return nil, errorf(key, "Invalid %s %s for '%s'%s", k.Noun(), quote(raw), key, usage)
}

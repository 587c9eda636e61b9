package contract

import (
	"math/big"
	"slices"
	"strings"
)

// Comparisons of decoded records accept the variants the notes call plausible: a null association may be null or
// absent, a number may be written 1 or 1.0, money "100.00" or "100.0", a datetime in any offset.

// sameValue compares two decoded values.
func sameValue(a, b any) bool {
	a, b = normalize(a), normalize(b)
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case string:
		y, ok := b.(string)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		if strings.Contains(x, "T") && strings.Contains(y, "T") {
			tx, ok1 := parseDateTime(x)
			ty, ok2 := parseDateTime(y)
			return ok1 && ok2 && tx.Equal(ty)
		}
		rx, ok1 := new(big.Rat).SetString(x)
		ry, ok2 := new(big.Rat).SetString(y)
		return ok1 && ok2 && rx.Cmp(ry) == 0 && strings.Contains(x, ".") && strings.Contains(y, ".")
	case float64:
		switch y := b.(type) {
		case float64:
			return x == y
		case int64:
			return x == float64(y)
		}
		return false
	case int64:
		return sameValue(float64(x), b)
	case int:
		return sameValue(float64(x), b)
	}
	return a == b
}

// normalize drops null members of maps (absent and null are the same), recursively.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			if val != nil {
				out[k] = normalize(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = normalize(val)
		}
		return out
	case int:
		return float64(x)
	case int64:
		return float64(x)
	}
	return v
}

// diffKeys returns the keys whose values differ between two records, ignoring the keys named.
func diffKeys(a, b map[string]any, ignore ...string) []string {
	var out []string
	keys := sortedKeys(a)
	for _, k := range sortedKeys(b) {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		if slices.Contains(ignore, k) {
			continue
		}
		if !sameValue(a[k], b[k]) {
			out = append(out, k)
		}
	}
	return out
}

// pick returns the members of a record named.
func pick(u map[string]any, keys []string) map[string]any {
	out := map[string]any{}
	for _, k := range keys {
		out[k] = u[k]
	}
	return out
}

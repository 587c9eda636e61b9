package query

import (
	"fmt"
	"math/big"
	"time"

	"github.com/coupa-kit/coupa-users/internal/fold"
	"github.com/coupa-kit/coupa-users/internal/kinds"
	"github.com/coupa-kit/coupa-users/spec"
)

// The tests below are a condition's comparison on one value of its kind, with SQL's null semantics: a null matches
// nothing but `blank=true` (`not_eq` and `not_in` included), and a blank string is a null or an empty one. They are
// built once per query and allocate nothing per value, because a full scan runs them on every user.

// strTest compares strings case-insensitively (package fold), ordering included.
type strTest struct {
	op    spec.Operator
	vals  []string
	pat   fold.Pattern        // contains, starts_with, ends_with
	set   map[string]struct{} // in, not_in with many values: by fold.Key
	blank bool
}

// The longest value, in bytes, looked up in an in/not_in set (longer ones are compared one by one, so that the key
// fits a buffer on the stack), and the list length from which a set pays.
const (
	setKeyBytes = 128
	setMinSize  = 16
)

func newStrTest(op spec.Operator, vals []any) (*strTest, error) {
	t := &strTest{op: op}
	if op == spec.Blank {
		t.blank = vals[0].(bool)
		return t, nil
	}
	for _, v := range vals {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("query: %T value for a string condition", v)
		}
		t.vals = append(t.vals, s)
	}
	if len(t.vals) == 0 {
		return nil, fmt.Errorf("query: no value for %s", op)
	}
	t.pat = fold.NewPattern(t.vals[0])
	if (op == spec.In || op == spec.NotIn) && len(t.vals) >= setMinSize {
		t.set = make(map[string]struct{}, len(t.vals))
		for _, v := range t.vals {
			t.set[fold.Key(v)] = struct{}{}
		}
	}
	return t, nil
}

// in reports whether s equals one of the values.
func (t *strTest) in(s string) bool {
	if t.set != nil && len(s) <= setKeyBytes {
		var buf [setKeyBytes + setKeyBytes/2]byte // room for any key of s (fold.AppendKey)
		key := fold.AppendKey(buf[:0], s)
		_, found := t.set[string(key)] // no allocation: the compiler looks up without copying
		return found
	}
	for _, v := range t.vals {
		if fold.Equal(s, v) {
			return true
		}
	}
	return false
}

func (t *strTest) test(s string, null bool) bool {
	if t.op == spec.Blank {
		return (null || s == "") == t.blank
	}
	if null {
		return false
	}
	switch t.op {
	case spec.Eq:
		return fold.Equal(s, t.vals[0])
	case spec.NotEq:
		return !fold.Equal(s, t.vals[0])
	case spec.Contains:
		return t.pat.In(s)
	case spec.StartsWith:
		return t.pat.PrefixOf(s)
	case spec.EndsWith:
		return t.pat.SuffixOf(s)
	case spec.Gt:
		return fold.Compare(s, t.vals[0]) > 0
	case spec.Lt:
		return fold.Compare(s, t.vals[0]) < 0
	case spec.GtOrEq:
		return fold.Compare(s, t.vals[0]) >= 0
	case spec.LtOrEq:
		return fold.Compare(s, t.vals[0]) <= 0
	case spec.In:
		return t.in(s)
	case spec.NotIn:
		return !t.in(s)
	}
	return false
}

// numTest compares integers, and booleans (0, 1) and datetimes (Unix microseconds) as integers.
type numTest struct {
	op    spec.Operator
	vals  []int64
	blank bool
}

func newNumTest(op spec.Operator, vals []any) (*numTest, error) {
	t := &numTest{op: op}
	if op == spec.Blank {
		t.blank = vals[0].(bool)
		return t, nil
	}
	for _, v := range vals {
		n, ok := asNumber(v)
		if !ok {
			return nil, fmt.Errorf("query: %T value for a numeric condition", v)
		}
		t.vals = append(t.vals, n)
	}
	if len(t.vals) == 0 {
		return nil, fmt.Errorf("query: no value for %s", op)
	}
	return t, nil
}

// asNumber turns a parsed condition value into the integer numTest compares.
func asNumber(v any) (int64, bool) {
	switch v := v.(type) {
	case int64:
		return v, true
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	case time.Time:
		return v.UnixMicro(), true
	}
	return 0, false
}

func (t *numTest) test(v int64, null bool) bool {
	if t.op == spec.Blank {
		return null == t.blank
	}
	if null {
		return false
	}
	switch t.op {
	case spec.Eq:
		return v == t.vals[0]
	case spec.NotEq:
		return v != t.vals[0]
	case spec.Gt:
		return v > t.vals[0]
	case spec.Lt:
		return v < t.vals[0]
	case spec.GtOrEq:
		return v >= t.vals[0]
	case spec.LtOrEq:
		return v <= t.vals[0]
	case spec.In, spec.NotIn:
		for _, x := range t.vals {
			if v == x {
				return t.op == spec.In
			}
		}
		return t.op == spec.NotIn
	}
	return false
}

// decTest compares decimals (money) numerically: "1000.0" equals "1000.00".
type decTest struct {
	op    spec.Operator
	vals  []*big.Rat
	blank bool
}

func newDecTest(op spec.Operator, vals []any) (*decTest, error) {
	t := &decTest{op: op}
	if op == spec.Blank {
		t.blank = vals[0].(bool)
		return t, nil
	}
	for _, v := range vals {
		d, ok := v.(*big.Rat)
		if !ok {
			return nil, fmt.Errorf("query: %T value for a decimal condition", v)
		}
		t.vals = append(t.vals, d)
	}
	if len(t.vals) == 0 {
		return nil, fmt.Errorf("query: no value for %s", op)
	}
	return t, nil
}

// test compares v; nil is null.
func (t *decTest) test(v *big.Rat) bool {
	if t.op == spec.Blank {
		return (v == nil) == t.blank
	}
	if v == nil {
		return false
	}
	switch t.op {
	case spec.Eq:
		return v.Cmp(t.vals[0]) == 0
	case spec.NotEq:
		return v.Cmp(t.vals[0]) != 0
	case spec.Gt:
		return v.Cmp(t.vals[0]) > 0
	case spec.Lt:
		return v.Cmp(t.vals[0]) < 0
	case spec.GtOrEq:
		return v.Cmp(t.vals[0]) >= 0
	case spec.LtOrEq:
		return v.Cmp(t.vals[0]) <= 0
	case spec.In, spec.NotIn:
		for _, x := range t.vals {
			if v.Cmp(x) == 0 {
				return t.op == spec.In
			}
		}
		return t.op == spec.NotIn
	}
	return false
}

// valueTest is a test on a loosely typed value, as catalog objects and owned objects hold them: string, int64,
// float64, bool, time.Time or nil. A value of a type the kind does not expect counts as null.
type valueTest func(v any) bool

func newValueTest(kind spec.Kind, op spec.Operator, vals []any) (valueTest, error) {
	k, ok := kinds.Of(kind)
	if !ok {
		return nil, fmt.Errorf("query: no comparison for %v values", kind)
	}
	switch kind {
	case spec.KindString:
		t, err := newStrTest(op, vals)
		if err != nil {
			return nil, err
		}
		return func(v any) bool { s, ok := v.(string); return t.test(s, !ok) }, nil
	case spec.KindDecimal:
		t, err := newDecTest(op, vals)
		if err != nil {
			return nil, err
		}
		return func(v any) bool { return t.test(toDecimal(v)) }, nil
	}
	t, err := newNumTest(op, vals)
	if err != nil {
		return nil, err
	}
	return func(v any) bool {
		x, ok := k.Loose(v)
		n, _ := k.Number(x)
		return t.test(n, !ok)
	}, nil
}

// toDecimal reads a loosely typed money value (package kinds); nil for null or anything else.
func toDecimal(v any) *big.Rat {
	x, ok := kinds.Decimal{}.Loose(v)
	if !ok {
		return nil
	}
	d, _ := kinds.ParseDecimal(x.Str)
	return d
}

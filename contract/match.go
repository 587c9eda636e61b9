package contract

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/coupa-kit/coupa-users/internal/fold"
	"github.com/coupa-kit/coupa-users/spec"
)

// A filter's results are judged on the returned data. Coupa runs on MySQL, whose collations compare strings without
// regard to case, so a string condition is evaluated both ways: a record that matches under neither reading must
// not be returned, a record that matches under both must not be missed, and one that matches under only one of them
// may go either way. Null values follow SQL (they match nothing but blank), except that a server returning them for
// not_eq and not_in is tolerated.

// tri is a three-valued judgement.
type tri int

const (
	no tri = iota
	yes
	maybe
)

// cond is a filter condition: as sent (attr[op]=value) and as judged on a record.
type cond struct {
	attr  string // "login", "manager[login]"
	op    spec.Operator
	value string
	kind  spec.Kind
	el    *spec.Element
	field *spec.Field
	how   judgement
}

// newCond builds a condition on a filterable attribute; it fails for an operator the suite cannot judge there.
func newCond(attr string, op spec.Operator, value string) (cond, error) {
	kind, el, f, err := filterKind(attr)
	if err != nil {
		return cond{}, err
	}
	how, err := judgementFor(op, kind)
	if err != nil {
		return cond{}, fmt.Errorf("filter %s: %w", attr, err)
	}
	return cond{attr: attr, op: op, value: value, kind: kind, el: el, field: f, how: how}, nil
}

// judgement is the suite's reading of an operator, whatever the kind: exactly one of compare, text, list and blank
// says how a record's value is held against the condition's.
type judgement struct {
	compare func(cmp int) bool       // one value: the record's value compared with it (-1, 0, 1)
	text    func(s, sub string) bool // one value, as text; strings only
	list    func(found bool) bool    // a comma-separated list: whether the record's value is one of its values
	blank   bool                     // true or false: whether the value is null or empty
	// negative operators match records whose value differs: a server may keep nulls for them, and for a list
	// association "any item differs" and "no item equals" are both plausible readings.
	negative bool
}

// judgements is the oracle: one entry per operator of spec's table. An operator missing here makes newCond fail,
// so that a check cannot judge it blindly, and fails TestOracleJudgesEveryOperator.
var judgements = map[spec.Operator]judgement{
	spec.Eq:         {compare: func(c int) bool { return c == 0 }},
	spec.Contains:   {text: strings.Contains},
	spec.StartsWith: {text: strings.HasPrefix},
	spec.EndsWith:   {text: strings.HasSuffix},
	spec.NotEq:      {compare: func(c int) bool { return c != 0 }, negative: true},
	spec.Gt:         {compare: func(c int) bool { return c > 0 }},
	spec.Lt:         {compare: func(c int) bool { return c < 0 }},
	spec.GtOrEq:     {compare: func(c int) bool { return c >= 0 }},
	spec.LtOrEq:     {compare: func(c int) bool { return c <= 0 }},
	spec.In:         {list: func(found bool) bool { return found }},
	spec.NotIn:      {list: func(found bool) bool { return !found }, negative: true},
	spec.Blank:      {blank: true},
}

// judgementFor returns the oracle's reading of an operator on attributes of a kind, or why there is none.
func judgementFor(op spec.Operator, kind spec.Kind) (judgement, error) {
	j, ok := judgements[op]
	switch {
	case !ok:
		return judgement{}, fmt.Errorf("the suite has no judgement for the operator %s", op)
	case (j.list != nil) != (op.Value() == spec.ListValue) || j.blank != (op.Value() == spec.BoolValue):
		return judgement{}, fmt.Errorf("the suite reads the value of %s in another form than the spec", op)
	case j.blank:
		return j, nil // whatever the kind, associations included
	case kind == spec.KindObject, j.text != nil && kind != spec.KindString:
		// an association itself has no value to compare, and only strings are text
	case j.compare != nil || j.text != nil || j.list != nil:
		return j, nil
	}
	return judgement{}, fmt.Errorf("the suite cannot judge %s on %s attributes", op, kind)
}

// param is the query parameter's name.
func (c cond) param() string {
	if c.op == spec.Eq {
		return c.attr
	}
	return c.attr + "[" + c.op.Spelling() + "]"
}

func (c cond) String() string { return c.param() + "=" + c.value }

func (c cond) negative() bool { return c.how.negative }

// valuesOf returns the values a condition looks at in a record: the attribute's, or the field's of the associated
// object (of every item, for a list). An absent attribute is null (responses may leave null associations out).
func (c cond) valuesOf(u map[string]any) []any {
	v := u[c.el.Name]
	if c.field == nil {
		return []any{v}
	}
	switch x := v.(type) {
	case map[string]any:
		return []any{x[c.field.Name]}
	case []any:
		var out []any
		for _, item := range x {
			if m, ok := item.(map[string]any); ok {
				out = append(out, m[c.field.Name])
			}
		}
		return out
	}
	return []any{nil}
}

// judge says whether a record matches.
func (c cond) judge(u map[string]any) tri {
	vals := c.valuesOf(u)
	if len(vals) == 0 {
		vals = []any{nil} // an empty list: the association is blank
	}
	var cs, ci, amb bool
	for _, v := range vals {
		s, i, a := c.test(v)
		cs, ci, amb = cs || s, ci || i, amb || a
	}
	if c.negative() && len(vals) > 1 {
		amb = true
	}
	switch {
	case amb:
		return maybe
	case cs && ci:
		return yes
	case !cs && !ci:
		return no
	}
	return maybe
}

// test evaluates the condition on one value, case-sensitively and case-insensitively; amb marks a value whose
// reading is open (a blank of spaces, a null under not_eq).
func (c cond) test(v any) (cs, ci, amb bool) {
	if c.how.blank {
		want := c.value == "true"
		s, isStr := v.(string)
		if isStr && s != "" && strings.TrimSpace(s) == "" {
			return false, false, true
		}
		list, isList := v.([]any) // `roles[blank]`: an association with no item is blank
		blank := v == nil || isStr && s == "" || isList && len(list) == 0
		return blank == want, blank == want, false
	}
	if v == nil {
		return false, false, c.negative()
	}
	switch c.kind {
	case spec.KindString:
		s := fmt.Sprint(v)
		return c.testString(s, false), c.testString(s, true), false
	default:
		r, ok := c.testOrdered(v)
		if !ok {
			return false, false, false
		}
		return r, r, false
	}
}

// testString evaluates a string condition byte for byte or, insensitive, under the case fold of package fold: the
// fake's own, so that the oracle cannot drift from the fake it judges. Folded keys compare, contain and order as
// the fold does (UTF-8 keeps code point order), so every judgement reads the keys.
func (c cond) testString(s string, insensitive bool) bool {
	val := c.value
	norm := func(x string) string { return x }
	if insensitive {
		norm = fold.Key
	}
	s, v := norm(s), norm(val)
	switch j := c.how; {
	case j.text != nil:
		return j.text(s, v)
	case j.list != nil:
		found := false
		for part := range strings.SplitSeq(val, ",") {
			if s == norm(part) {
				found = true
			}
		}
		return j.list(found)
	case j.compare != nil:
		return j.compare(strings.Compare(s, v))
	}
	return false
}

// testOrdered evaluates integers, booleans, datetimes and decimals by their values.
func (c cond) testOrdered(v any) (bool, bool) {
	parse := func(x any) (*big.Rat, bool) { return orderedValue(c.kind, x) }
	got, ok := parse(v)
	if !ok {
		return false, false
	}
	var want []*big.Rat
	parts := []string{c.value}
	if c.how.list != nil {
		parts = strings.Split(c.value, ",")
	}
	for _, p := range parts {
		w, ok := parse(strings.TrimSpace(p))
		if !ok {
			return false, false
		}
		want = append(want, w)
	}
	switch j := c.how; {
	case j.list != nil:
		found := false
		for _, w := range want {
			if got.Cmp(w) == 0 {
				found = true
			}
		}
		return j.list(found), true
	case j.compare != nil:
		return j.compare(got.Cmp(want[0])), true
	}
	return false, false
}

// orderedValue reads a value of an ordered kind as a number: integers and decimals as themselves, booleans as 0
// and 1, datetimes as Unix microseconds.
func orderedValue(kind spec.Kind, x any) (*big.Rat, bool) {
	switch kind {
	case spec.KindInteger, spec.KindDecimal:
		switch v := x.(type) {
		case float64:
			return new(big.Rat).SetFloat64(v), true
		case string:
			return new(big.Rat).SetString(strings.TrimSpace(v))
		}
	case spec.KindBoolean:
		var b bool
		switch v := x.(type) {
		case bool:
			b = v
		case string:
			var err error
			if b, err = strconv.ParseBool(v); err != nil {
				return nil, false
			}
		default:
			return nil, false
		}
		if b {
			return big.NewRat(1, 1), true
		}
		return new(big.Rat), true
	case spec.KindDateTime:
		s, ok := x.(string)
		if !ok {
			return nil, false
		}
		t, ok := parseDateTime(s)
		if !ok {
			return nil, false
		}
		return new(big.Rat).SetInt64(t.UnixMicro()), true
	}
	return nil, false
}

// parseDateTime reads an ISO 8601 datetime as Coupa writes it (with an offset), or a date alone (midnight UTC).
func parseDateTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// verifyFilter judges the first page of a filtered index (asked with limit) against the condition and the sample:
// every returned record matches, the page is in ascending id, and no record of the sample that surely matches is
// missing below the page's last id (or at all, when the page is short, and so complete).
func verifyFilter(t *checkRun, ex *exchange, got, sample []map[string]any, conds []cond, limit int) {
	rule := "a filtered index returns only the records that match, in ascending id, and misses none"
	ref := refFilters + "/" + pointerEscape(conds[0].attr)
	judge := func(u map[string]any) tri {
		r := yes
		for _, c := range conds {
			switch c.judge(u) {
			case no:
				return no
			case maybe:
				r = maybe
			}
		}
		return r
	}
	var last int64
	for i, u := range got {
		id, _ := idOf(u)
		if i > 0 && id <= last {
			t.failBody(ex, "ids returned: "+compact(ids(got), 400), "index pages are in ascending id", refIndex, "the results are not in ascending id (%d after %d)", id, last)
			return
		}
		last = id
		if judge(u) == no {
			var vals []string
			for _, c := range conds {
				vals = append(vals, fmt.Sprintf("%s=%s", c.el.Name, compact(u[c.el.Name], 200)))
			}
			t.failBody(ex, compact(u, 600), rule, ref, "user %d does not match %s: %s", id, condString(conds), strings.Join(vals, ", "))
		}
	}
	short := len(got) < limit
	gotIDs := map[int64]bool{}
	for _, u := range got {
		id, _ := idOf(u)
		gotIDs[id] = true
	}
	missing := 0
	for _, u := range sample {
		id, _ := idOf(u)
		if judge(u) != yes || gotIDs[id] || !short && id > last {
			continue
		}
		if missing++; missing <= 3 {
			t.failBody(ex, "ids returned: "+compact(ids(got), 400), rule, ref, "user %d matches %s but is not in the results (%s=%s)",
				id, condString(conds), conds[0].el.Name, compact(u[conds[0].el.Name], 200))
		}
	}
}

func condString(conds []cond) string {
	var parts []string
	for _, c := range conds {
		parts = append(parts, c.String())
	}
	return strings.Join(parts, "&")
}

// count tallies the sample's records by judgement.
func count(sample []map[string]any, c cond) (matches, misses int) {
	for _, u := range sample {
		switch c.judge(u) {
		case yes:
			matches++
		case no:
			misses++
		}
	}
	return matches, misses
}

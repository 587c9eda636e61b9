package query

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/spec"
)

// TestEveryOperatorParsesAndMatches walks spec's operator table: every operator, on every kind it applies to, parses
// from a URL on an attribute of that kind, runs, and tells values apart (some of a handful match, some do not). An
// operator added to the table without its case in match.go matches nothing and fails here.
func TestEveryOperatorParsesAndMatches(t *testing.T) {
	// Values as the store's catalog and owned objects hold them, and a URL value (one, a list) some of them match.
	type sample struct {
		vals      []any
		one, list string
	}
	samples := map[spec.Kind]sample{
		spec.KindString:  {[]any{nil, "", "abc", "abd", "xyz"}, "abc", "abc,xyz"},
		spec.KindInteger: {[]any{nil, int64(1), int64(2), int64(3)}, "2", "2,3"},
		spec.KindDecimal: {[]any{nil, "1.00", "2.50", 3.0}, "2.5", "2.5,3"},
		spec.KindBoolean: {[]any{nil, true, false}, "true", "true,false"},
		spec.KindDateTime: {[]any{nil, ts("2024-01-01T00:00:00Z"), ts("2024-06-01T00:00:00Z"), ts("2025-01-01T00:00:00Z")},
			"2024-06-01", "2024-01-01,2025-01-01"},
	}
	st, l := testStore(t)
	for _, op := range spec.Operators() {
		for _, kind := range op.Kinds() {
			smp, ok := samples[kind]
			if !ok && kind != spec.KindObject {
				t.Errorf("%s: no sample values of the kind %s: add them to this test", op, kind)
				continue
			}
			value := smp.one
			switch op.Value() {
			case spec.ListValue:
				value = smp.list
			case spec.BoolValue:
				value = "true"
			}
			attr := attributeFor(kind, op)
			if attr == "" {
				t.Errorf("%s on %s attributes: the spec has no attribute of that kind that takes it", op, kind)
				continue
			}
			param := attr
			if sp := op.Spelling(); sp != "" {
				param += "[" + sp + "]"
			}
			values := url.Values{param: {value}}
			raw := param + "=" + value
			q, err := Parse(values, testSpec)
			if err != nil {
				t.Errorf("%s: %v", raw, err)
				continue
			}
			if c := q.Conditions[0]; c.Op != op || c.Kind() != kind {
				t.Errorf("%s: parsed as %s on %s", raw, c.Op, c.Kind())
			}
			recs, err := Execute(context.Background(), st, l, q, testCatalog)
			if err != nil {
				t.Errorf("%s: %v", raw, err)
				continue
			}
			if kind == spec.KindObject {
				// The test users have associations of both sorts: the condition splits them.
				if len(recs) == 0 || len(recs) == len(testUsers(t, l)) {
					t.Errorf("%s: users %v; the operator does not tell associations apart", raw, ids(recs))
				}
				continue
			}
			test, err := newValueTest(kind, op, q.Conditions[0].Values)
			if err != nil {
				t.Errorf("%s: %v", raw, err)
				continue
			}
			var matched, missed []any
			for _, v := range smp.vals {
				if test(v) {
					matched = append(matched, v)
				} else {
					missed = append(missed, v)
				}
			}
			if len(matched) == 0 || len(missed) == 0 {
				t.Errorf("%s (%s): matches %v, misses %v; the matching in match.go does not tell values apart",
					raw, kind, matched, missed)
			}
		}
	}
}

// attributeFor returns a filterable attribute of the kind that takes the operator, the user's own first: an element
// ("login") or an association's field ("manager[login]"). For an association itself it is manager, which some of
// the test users have and others not.
func attributeFor(kind spec.Kind, op spec.Operator) string {
	if kind == spec.KindObject {
		return "manager"
	}
	var attrs []string
	for attr := range testSpec.Filters {
		attrs = append(attrs, attr)
	}
	slices.SortFunc(attrs, func(a, b string) int {
		return cmp.Or(cmpBool(strings.Contains(a, "["), strings.Contains(b, "[")), strings.Compare(a, b))
	})
	for _, attr := range attrs {
		name, field, nested := strings.Cut(strings.TrimSuffix(attr, "]"), "[")
		e := testSpec.Element(name)
		k := e.Kind
		if nested {
			k = testSpec.Objects[e.Object].Field(field).Kind
		}
		if k == kind && (op == spec.Eq || slices.Contains(testSpec.Filters[attr], op)) {
			return attr
		}
	}
	return ""
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

package contract

import (
	"testing"

	"github.com/coupa-kit/coupa-users/spec"
)

func mustCond(t *testing.T, attr string, op spec.Operator, value string) cond {
	t.Helper()
	c, err := newCond(attr, op, value)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCondJudge(t *testing.T) {
	user := map[string]any{
		"login": "Jane.Doe", "id": 42.0, "active": true, "created-at": "2024-03-01T10:00:00+02:00",
		"middlename": nil, "employee-number": "",
		"manager":                map[string]any{"id": 7.0, "login": "sam"},
		"roles":                  []any{map[string]any{"id": 3.0, "name": "User"}, map[string]any{"id": 4.0, "name": "Buyer"}},
		"expense-approval-limit": map[string]any{"amount": "1000.00"},
	}
	for _, tc := range []struct {
		attr  string
		op    spec.Operator
		value string
		want  tri
	}{
		{"login", spec.Eq, "Jane.Doe", yes},
		{"login", spec.Eq, "jane.doe", maybe}, // MySQL's collation would match; a case-sensitive server would not
		{"login", spec.Eq, "john", no},
		{"login", "contains", "e.D", yes},
		{"login", "contains", "E.D", maybe},
		{"login", "starts_with", "Jan", yes},
		{"login", "ends_with", "Doe", yes},
		{"login", "gt", "Jane", yes},
		{"login", "lt", "Jane", no},
		{"login", "in", "x,Jane.Doe", yes},
		{"login", "not_in", "x,Jane.Doe", no},
		{"login", "not_eq", "x", yes},
		{"middlename", "not_eq", "x", maybe}, // SQL leaves nulls out; a server that keeps them is tolerated
		{"middlename", spec.Eq, "x", no},
		{"middlename", "blank", "true", yes},
		{"employee-number", "blank", "true", yes},
		{"login", "blank", "true", no},
		{"id", "gt", "41", yes},
		{"id", "lt_or_eq", "41", no},
		{"id", "in", "1, 42", yes},
		{"active", spec.Eq, "true", yes},
		{"active", "not_eq", "true", no},
		{"created-at", spec.Eq, "2024-03-01T08:00:00Z", yes},
		{"created-at", "gt", "2024-03-01T08:00:01Z", no},
		{"created-at", "lt", "2024-03-02", yes},
		{"manager[login]", spec.Eq, "sam", yes},
		{"roles[name]", spec.Eq, "Buyer", yes},
		{"roles[name]", spec.Eq, "Admin", no},
		{"roles[name]", "not_eq", "Buyer", maybe}, // any item, or no item: both plausible
		{"expense-approval-limit[amount]", "gt", "999.99", yes},
		{"expense-approval-limit[amount]", spec.Eq, "1000", yes},
		{"default-currency[code]", spec.Eq, "USD", no}, // an absent association is null
	} {
		c := mustCond(t, tc.attr, tc.op, tc.value)
		if got := c.judge(user); got != tc.want {
			t.Errorf("%s: judge = %v, want %v", c, got, tc.want)
		}
	}
}

func TestCandidates(t *testing.T) {
	if got := candidates("contains", []string{"abcdefgh"}); len(got) != 1 || got[0] != "bcdefg" {
		t.Errorf("contains: %q", got)
	}
	if got := candidates("contains", []string{"aaaa"}); len(got) != 0 {
		t.Errorf("contains of a repetitive value, whose middle is also its prefix: %q", got)
	}
	if got := candidates("in", []string{"a", "b,c", "d"}); len(got) != 1 || got[0] != "a,d" {
		t.Errorf("in: %q", got)
	}
}

// TestOracleJudgesEveryOperator: for every operator of spec's table and every kind it applies to, the oracle has a
// judgement, and that judgement tells records apart: on a handful of values of the kind, some surely match and some
// surely do not. An operator added to the table without its entry in judgements fails here.
func TestOracleJudgesEveryOperator(t *testing.T) {
	// Values as a JSON response holds them, and a condition value (one, a list) that some of them match.
	type sample struct {
		vals      []any
		one, list string
	}
	samples := map[spec.Kind]sample{
		spec.KindString:   {[]any{nil, "", "abc", "abd", "xyz"}, "abc", "abc,xyz"},
		spec.KindInteger:  {[]any{nil, 1.0, 2.0, 3.0}, "2", "2,3"},
		spec.KindDecimal:  {[]any{nil, "1.00", "2.50", "3.00"}, "2.5", "2.5,3"},
		spec.KindBoolean:  {[]any{nil, true, false}, "true", "true,false"},
		spec.KindDateTime: {[]any{nil, "2024-01-01T00:00:00Z", "2024-06-01T00:00:00Z", "2025-01-01T00:00:00Z"}, "2024-06-01", "2024-01-01,2025-01-01"},
		spec.KindObject:   {[]any{nil, []any{}, []any{map[string]any{"id": 1.0}}, map[string]any{"id": 1.0}}, "", ""},
	}
	for _, op := range spec.Operators() {
		for _, kind := range op.Kinds() {
			if _, err := judgementFor(op, kind); err != nil {
				t.Errorf("%s on %s attributes: %v (add it to judgements in contract/match.go)", op, kind, err)
				continue
			}
			smp, ok := samples[kind]
			if !ok {
				t.Errorf("%s: no sample values of the kind %s: add them to this test", op, kind)
				continue
			}
			var attr string
			if kind == spec.KindObject {
				for _, e := range theSpec().Elements {
					if e.Kind == spec.KindObject && e.Out {
						attr = e.Name
						break
					}
				}
			} else if attrs := attributesFor(kind, op); len(attrs) > 0 {
				attr = attrs[0]
			}
			if attr == "" {
				t.Logf("%s on %s attributes: the spec has no such filter to judge", op, kind)
				continue
			}
			value := smp.one
			switch op.Value() {
			case spec.ListValue:
				value = smp.list
			case spec.BoolValue:
				value = "true"
			}
			c := mustCond(t, attr, op, value)
			got := map[tri]int{}
			for _, v := range smp.vals {
				u := map[string]any{c.el.Name: v}
				if c.field != nil {
					var obj any = map[string]any{c.field.Name: v}
					if c.el.List {
						obj = []any{obj}
					}
					u[c.el.Name] = obj
				}
				got[c.judge(u)]++
			}
			if got[yes] == 0 || got[no] == 0 {
				t.Errorf("%s on the %s attribute %s: judged %d yes, %d no, %d maybe over %v; the oracle does not tell records apart",
					c, kind, attr, got[yes], got[no], got[maybe], smp.vals)
			}
		}
	}
}

func TestJudgementForRefuses(t *testing.T) {
	for _, tc := range []struct {
		op   spec.Operator
		kind spec.Kind
	}{
		{"like", spec.KindString},
		{spec.Contains, spec.KindInteger},
		{spec.Gt, spec.KindObject},
	} {
		if _, err := judgementFor(tc.op, tc.kind); err == nil {
			t.Errorf("%s on %s attributes: judged", tc.op, tc.kind)
		}
	}
	if _, err := newCond("login", "like", "x"); err == nil {
		t.Error("newCond accepted an operator the oracle has no judgement for")
	}
}

// TestCondJudgeFolds: the case-insensitive reading is the fake's fold (package fold), fold-twins included (ſ is s,
// the Kelvin sign is k), for every string operator.
func TestCondJudgeFolds(t *testing.T) {
	user := map[string]any{"login": "dr.sam", "lastname": "Kelvin"}
	for _, tc := range []struct {
		attr, op, value string
		want            tri
	}{
		{"login", "eq", "dr.ſam", maybe},
		{"login", "not_eq", "DR.ſAM", maybe},
		{"login", "contains", "ſa", maybe},
		{"login", "starts_with", "DR.ſ", maybe},
		{"login", "ends_with", "ſAM", maybe},
		{"login", "gt_or_eq", "dr.ſam", maybe}, // as bytes ſ sorts after s; folded they are equal
		{"login", "lt_or_eq", "dr.ſam", yes},
		{"login", "in", "x,dr.ſam", maybe},
		{"login", "eq", "dr.sám", no}, // accents count
		{"lastname", "eq", "\u212Aelvin", maybe},
		{"lastname", "lt_or_eq", "\u212Aelvin", yes}, // K (0x4b) is below the Kelvin sign as bytes, and equal folded
	} {
		c := mustCond(t, tc.attr, spec.Operator(tc.op), tc.value)
		if got := c.judge(user); got != tc.want {
			t.Errorf("%s: judge = %v, want %v", c, got, tc.want)
		}
	}
}

// An outlier made for an order operator matches its condition, and ordinary names (any case) do not; a name
// that sorts beyond it in code point order (Émile) may match too, which the check's count of the sample allows.
func TestOutlierDiscriminates(t *testing.T) {
	el := theSpec().Element("firstname")
	ordinary := []string{"Zelda", "zoe", "Aaron", "Abby", "Zz Top", "Mary-Jane", "o'Neil", "Bob2"}
	for _, op := range []spec.Operator{spec.Gt, spec.GtOrEq, spec.Lt, spec.LtOrEq} {
		v, bound, ok := outlier(el, op, "ct-1390164f-j-dst-firstname")
		if !ok {
			t.Fatalf("%s: no outlier", op)
		}
		c := mustCond(t, "firstname", op, bound)
		if got := c.judge(map[string]any{"firstname": v}); got != yes {
			t.Errorf("%s %q: the outlier %q does not match", op, bound, v)
		}
		for _, o := range ordinary {
			if c.judge(map[string]any{"firstname": o}) == yes {
				t.Errorf("%s %q: ordinary %q matches too", op, bound, o)
			}
		}
	}
	if _, _, ok := outlier(theSpec().Element("email"), spec.Gt, "x"); ok {
		t.Error("an outlier for an element with a pattern (email) would be refused")
	}
}

// Read-only mode sends GraphQL queries and nothing else to /api/graphql.
func TestGraphQLQueryIsReadOnly(t *testing.T) {
	for body, want := range map[string]bool{
		`{"query":"query getUsers { users(query: \"id[gt]=1\") { id } }"}`: true,
		`{"query":"{ user(id: 1) { id } }"}`:                               true,
		`{"query":"mutation { deactivate(id: 1) }"}`:                       false,
		`{"query":"{ a } mutation M { deactivate(id: 1) }"}`:               false,
		`{"query":"subscription { users { id } }"}`:                        false,
		`not json`:     false,
		`{"query":""}`: false,
	} {
		if got := graphQLQuery([]byte(body)); got != want {
			t.Errorf("%s: %v, want %v", body, got, want)
		}
	}
}

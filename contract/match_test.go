package contract

import "testing"

func mustCond(t *testing.T, attr, op, value string) cond {
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
		attr, op, value string
		want            tri
	}{
		{"login", "", "Jane.Doe", yes},
		{"login", "", "jane.doe", maybe}, // MySQL's collation would match; a case-sensitive server would not
		{"login", "", "john", no},
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
		{"middlename", "", "x", no},
		{"middlename", "blank", "true", yes},
		{"employee-number", "blank", "true", yes},
		{"login", "blank", "true", no},
		{"id", "gt", "41", yes},
		{"id", "lt_or_eq", "41", no},
		{"id", "in", "1, 42", yes},
		{"active", "", "true", yes},
		{"active", "not_eq", "true", no},
		{"created-at", "", "2024-03-01T08:00:00Z", yes},
		{"created-at", "gt", "2024-03-01T08:00:01Z", no},
		{"created-at", "lt", "2024-03-02", yes},
		{"manager[login]", "", "sam", yes},
		{"roles[name]", "", "Buyer", yes},
		{"roles[name]", "", "Admin", no},
		{"roles[name]", "not_eq", "Buyer", maybe}, // any item, or no item: both plausible
		{"expense-approval-limit[amount]", "gt", "999.99", yes},
		{"expense-approval-limit[amount]", "", "1000", yes},
		{"default-currency[code]", "", "USD", no}, // an absent association is null
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

// TestCondJudgeFolds: the case-insensitive reading is the fake's fold (package fold), fold-twins included (ſ is s,
// the Kelvin sign is k), for every string operator.
func TestCondJudgeFolds(t *testing.T) {
	user := map[string]any{"login": "dr.sam", "lastname": "Kelvin"}
	for _, tc := range []struct {
		attr, op, value string
		want            tri
	}{
		{"login", "", "dr.ſam", maybe},
		{"login", "not_eq", "DR.ſAM", maybe},
		{"login", "contains", "ſa", maybe},
		{"login", "starts_with", "DR.ſ", maybe},
		{"login", "ends_with", "ſAM", maybe},
		{"login", "gt_or_eq", "dr.ſam", maybe}, // as bytes ſ sorts after s; folded they are equal
		{"login", "lt_or_eq", "dr.ſam", yes},
		{"login", "in", "x,dr.ſam", maybe},
		{"login", "", "dr.sám", no}, // accents count
		{"lastname", "", "\u212Aelvin", maybe},
		{"lastname", "lt_or_eq", "\u212Aelvin", yes}, // K (0x4b) is below the Kelvin sign as bytes, and equal folded
	} {
		c := mustCond(t, tc.attr, tc.op, tc.value)
		if got := c.judge(user); got != tc.want {
			t.Errorf("%s: judge = %v, want %v", c, got, tc.want)
		}
	}
}

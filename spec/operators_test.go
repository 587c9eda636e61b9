package spec

import (
	"slices"
	"strings"
	"testing"
)

func TestOperatorTable(t *testing.T) {
	ops := Operators()
	if len(ops) == 0 || ops[0] != Eq {
		t.Fatalf("Operators() = %v, want Eq first", ops)
	}
	seen := map[Operator]bool{}
	for _, op := range ops {
		if seen[op] {
			t.Errorf("%s: twice in the table", op)
		}
		seen[op] = true
		if len(op.Kinds()) == 0 || op.Value() == 0 || op.Doc() == "" {
			t.Errorf("%s: kinds %v, value form %d, doc %q: the table entry is incomplete", op, op.Kinds(), op.Value(), op.Doc())
		}
		// An operator prints as URLs spell it, so that messages and check names read as the client wrote them.
		sp := op.Spelling()
		switch {
		case op == Eq && sp != "":
			t.Errorf("Eq is spelled %q; URLs write the exact match without brackets", sp)
		case op != Eq && sp != string(op):
			t.Errorf("%s: spelled %q, want its name", op, sp)
		}
		if got, ok := ParseOperator(sp); op != Eq && (!ok || got != op) {
			t.Errorf("ParseOperator(%q) = %v, %v; want %s", sp, got, ok, op)
		}
		for _, k := range op.Kinds() {
			if !slices.Contains(OperatorsFor(k), op) || !op.AppliesTo(k) {
				t.Errorf("%s applies to %s, but OperatorsFor or AppliesTo disagree", op, k)
			}
		}
	}
	for _, s := range []string{"", "eq", "EQ", "Contains", "like"} {
		if op, ok := ParseOperator(s); ok {
			t.Errorf("ParseOperator(%q) = %s; URLs do not spell it", s, op)
		}
	}
	if got := OperatorsFor(KindObject); !slices.Equal(got, []Operator{Blank}) {
		t.Errorf("operators of an association itself: %v, want blank only (`roles[blank]=true`)", got)
	}
	if Operator("like").AppliesTo(KindString) || Operator("like").Value() != 0 || Operator("like").Kinds() != nil {
		t.Error("an operator outside the table applies to something")
	}
}

// TestFiltersFollowTheOperatorTable: every filterable attribute lists exactly the spelled operators of its kind, in
// the table's order.
func TestFiltersFollowTheOperatorTable(t *testing.T) {
	s := MustLoad()
	if len(s.Filters) == 0 {
		t.Fatal("no filters")
	}
	for attr, ops := range s.Filters {
		name, field, nested := strings.Cut(strings.TrimSuffix(attr, "]"), "[")
		e := s.Element(name)
		if e == nil {
			t.Errorf("%s: no element %s", attr, name)
			continue
		}
		kind := e.Kind
		if nested {
			kind = s.Objects[e.Object].Field(field).Kind
		}
		var want []Operator
		for _, op := range OperatorsFor(kind) {
			if op != Eq {
				want = append(want, op)
			}
		}
		if !slices.Equal(ops, want) {
			t.Errorf("%s (%s): %v, want %v", attr, kind, ops, want)
		}
	}
}

// TestIndexDescriptionNamesEveryOperator checks that the prose of GET /api/users (generated in spec/internal/gen) keeps
// step with the operator table.
func TestIndexDescriptionNamesEveryOperator(t *testing.T) {
	desc := MustLoad().Doc.Paths.Find("/api/users").Get.Description
	for _, op := range Operators() {
		if sp := op.Spelling(); sp != "" && !strings.Contains(desc, "`"+sp+"`") {
			t.Errorf("the description of GET /api/users (indexDescription in spec/internal/gen/gen.go) does not name `%s`", sp)
		}
	}
}

func TestParseRejectsFiltersTheTableDoesNotAllow(t *testing.T) {
	for name, edit := range map[string][2]string{
		"unknown operator":         {"          - starts_with\n", "          - begins_with\n"},
		"text operator on integer": {"        account-groups[id]:\n          - not_eq\n", "        account-groups[id]:\n          - contains\n"},
	} {
		bad := strings.Replace(string(document), edit[0], edit[1], 1)
		if bad == string(document) {
			t.Fatalf("%s: the edit %q does not apply", name, edit[0])
		}
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

package query

import (
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/spec"
)

// TestInSet: a long in/not_in list uses a set, which must agree with comparing one by one.
func TestInSet(t *testing.T) {
	var vals []any
	for i := range 40 {
		vals = append(vals, strings.Repeat("x", i)+"Kelvin")
	}
	vals = append(vals, "Jönes", "a\xffb", strings.Repeat("é", 70), "")
	set, err := newStrTest(spec.In, vals)
	if err != nil || set.set == nil {
		t.Fatalf("no set: %v", err)
	}
	list := &strTest{op: spec.In, vals: set.vals}
	for _, s := range []string{"kelvin", "xx\u212AELVIN", "JÖNES", "A\xffB", "a\xfeb", strings.Repeat("É", 70),
		strings.Repeat("é", 69), "", "nope", "xKelvi"} {
		if got, want := set.test(s, false), list.test(s, false); got != want {
			t.Errorf("%q: set says %v, list says %v", s, got, want)
		}
	}
	notIn, _ := newStrTest(spec.NotIn, vals)
	if notIn.test("kelvin", false) || !notIn.test("nope", false) || notIn.test("", true) {
		t.Error("not_in with a set")
	}
}

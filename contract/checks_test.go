package contract

import (
	"slices"
	"testing"

	"github.com/coupa-kit/coupa-users/spec"
)

// The checks are derived from the spec: one per required, unique, length-limited and enumerated input element,
// one per operator of each type, one per filterable attribute; names are unique and stable in form.
func TestChecksFollowTheSpec(t *testing.T) {
	sp := spec.MustLoad()
	var names []string
	for _, c := range Checks() {
		if c.Description == "" {
			t.Errorf("%s has no description", c.Name)
		}
		names = append(names, c.Name)
	}
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	if len(slices.Compact(sorted)) != len(names) {
		t.Error("duplicate check names")
	}
	want := []string{"conformance/responses", "reading/operators/string/contains", "reading/operators/datetime/gt",
		"security/no-credentials/index", "reading/paging/walk", "writing/round-trip/create"}
	for _, e := range sp.Elements {
		if e.Required && e.In {
			want = append(want, "writing/required/"+e.Name)
		}
		if e.Unique && e.In {
			want = append(want, "writing/unique/"+e.Name)
		}
		if e.In && e.MaxLength > 0 && e.Kind == spec.KindString {
			want = append(want, "writing/max-length/"+e.Name)
		}
		if e.In && len(enumValues(e)) > 0 {
			want = append(want, "writing/enum/"+e.Name)
		}
		if _, ok := sp.Filters[e.Name]; ok {
			want = append(want, "reading/attributes/"+e.Name)
		}
	}
	for _, w := range want {
		if !slices.Contains(names, w) {
			t.Errorf("no check %s", w)
		}
	}
	if !slices.Contains(names, "writing/max-length/firstname") || !slices.Contains(names, "writing/required/login") {
		t.Error("the element table's firstname and login checks are missing")
	}
	// The conformance checks run last.
	all := allChecks()
	for i, c := range all {
		if c.last && i < len(all)-4 {
			t.Errorf("%s runs before the end", c.name)
		}
	}
}

// A refusal names the element in any of the spellings of Coupa's labels, and a message about another element does
// not count.
func TestNamesElement(t *testing.T) {
	sp := theSpec()
	for _, tc := range []struct {
		element, msg string
		want         bool
	}{
		{"firstname", "First Name can't be blank", true},
		{"firstname", "Firstname can't be blank", true},
		{"firstname", "firstname can't be blank", true},
		{"firstname", "first_name is too long (maximum is 40 characters)", true},
		{"firstname", "Login has already been taken", false},
		{"lastname", "First Name can't be blank", false},
		{"sso-identifier", "Sso Identifier has already been taken", true},
		{"default-locale", "Default locale is not included in the list", true},
		{"email", "Login has already been taken", false},
	} {
		el := sp.Element(tc.element)
		if el == nil {
			t.Fatalf("no element %s", tc.element)
		}
		if got := namesElement([]string{tc.msg}, el); got != tc.want {
			t.Errorf("namesElement(%q, %s) = %v, want %v", tc.msg, tc.element, got, tc.want)
		}
	}
}

package spec_test

import (
	"slices"
	"testing"

	"github.com/coupa-kit/coupa-users/spec"
)

// TestPersonalElements pins the elements the table marks personal: snapshot pseudonymises exactly these, so a
// change here is a change of what leaves a tenant.
func TestPersonalElements(t *testing.T) {
	var got []string
	for _, e := range spec.MustLoad().Elements {
		if e.Personal {
			got = append(got, e.Name)
		}
	}
	slices.Sort(got)
	want := []string{"avatar-thumb-url", "custom-fields", "email", "employee-number", "firstname", "fullname",
		"lastname", "login", "mention-name", "middlename", "password", "phone-mobile", "phone-work",
		"salesforce-id", "sso-identifier"}
	if !slices.Equal(got, want) {
		t.Errorf("personal elements = %v, want %v", got, want)
	}
}

package spec

import (
	"regexp"
	"slices"
	"testing"
)

func TestScopeCatalogue(t *testing.T) {
	got := Scopes()
	if len(got) < 140 || len(got) > 160 {
		t.Errorf("%d scopes; Coupa has about 150", len(got))
	}
	if !slices.IsSorted(got) {
		t.Error("the catalogue is not sorted")
	}
	if len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Error("the catalogue has duplicates")
	}
	// service.object.right (with dotted or underscored parts), or one of the OpenID Connect scopes.
	shape := regexp.MustCompile(`^([a-z_]+(\.[a-z_]+){2,}|openid|email|profile|login|offline_access)$`)
	for _, s := range got {
		if !shape.MatchString(s) {
			t.Errorf("scope %q has neither Coupa's service.object.right shape nor an OIDC name", s)
		}
	}
	// What the Users API requires, and what real clients ask for in one request (baton-coupa's set), must be there.
	for _, s := range []string{ScopeRead, ScopeWrite, "core.business_entity.read", "core.common.read",
		"core.user_group.read", "core.user_group.write", "email", "login", "openid", "profile", "offline_access"} {
		if _, ok := slices.BinarySearch(got, s); !ok {
			t.Errorf("catalogue lacks %q", s)
		}
	}
	got[0] = "changed"
	if Scopes()[0] == "changed" {
		t.Error("Scopes shares its slice")
	}
}

func TestDocumentListsTheScopeCatalogue(t *testing.T) {
	flow := MustLoad().Doc.Components.SecuritySchemes["oauth2"].Value.Flows.ClientCredentials
	if len(flow.Scopes) != len(Scopes()) {
		t.Errorf("the client-credentials flow lists %d scopes, the catalogue has %d", len(flow.Scopes), len(Scopes()))
	}
	for _, s := range Scopes() {
		if flow.Scopes[s] == "" {
			t.Errorf("the flow does not list %q", s)
		}
	}
}

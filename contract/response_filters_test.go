package contract

import (
	"net/url"
	"strings"
	"testing"
)

func TestIsProjection(t *testing.T) {
	for raw, want := range map[string]bool{
		"":                           false,
		"limit=5":                    false,
		"filter=":                    false,
		"filter=+":                   false,
		"filter=ids":                 true,
		"filter=&filter=ids":         true,
		`fields=["id"]`:              true,
		"return_object=limited":      true,
		"filter=&return_object=none": true,
	} {
		v, _ := url.ParseQuery(raw)
		if got := isProjection(v); got != want {
			t.Errorf("%q: %v, want %v", raw, got, want)
		}
	}
}

// within accepts what any response filter may show of a user, and nothing that contradicts the full record.
func TestWithin(t *testing.T) {
	full := map[string]any{
		"id": 5.0, "login": "jdoe", "manager": nil, "updated-at": "2024-01-02T03:04:05Z",
		"roles":            []any{map[string]any{"id": 3.0, "name": "User"}, map[string]any{"id": 4.0, "name": "Buyer"}},
		"default-currency": map[string]any{"id": 1.0, "code": "USD"},
	}
	for _, got := range []map[string]any{
		{},
		{"id": 5.0, "login": "jdoe"},
		{"id": int64(5), "updated-at": "2024-01-02T05:04:05+02:00"}, // another offset, the same instant
		{"roles": []any{map[string]any{"name": "User"}, map[string]any{"name": "Buyer"}}},
		{"default-currency": map[string]any{"code": "USD"}, "manager": nil},
		{"manager": map[string]any{"login": "boss"}},                      // null in the full record
		{"intake-user": false, "custom-fields": map[string]any{"x": "y"}}, // shown only when named
		{"login": nil}, // null is absent
	} {
		if where, ok := within(got, full, ""); !ok {
			t.Errorf("%v: refused (%s)", got, where)
		}
	}
	for got, want := range map[string]map[string]any{
		"login is 'jane'":          {"login": "jane"},
		"id is 6":                  {"id": 6.0},
		"roles is":                 {"roles": []any{map[string]any{"name": "User"}}},
		"roles[1].name is 'Admin'": {"roles": []any{map[string]any{"name": "User"}, map[string]any{"name": "Admin"}}},
		"default-currency.code is": {"default-currency": map[string]any{"code": "EUR"}},
		"login is an object":       {"login": map[string]any{"x": 1.0}},
	} {
		where, ok := within(want, full, "")
		prefix := strings.ReplaceAll(strings.SplitN(got, " is", 2)[0], "'", "")
		if ok || !strings.HasPrefix(where, prefix) {
			t.Errorf("%v: %v %q, want a finding at %s", want, ok, where, prefix)
		}
	}
}

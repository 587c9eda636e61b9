package catalog

import (
	"errors"
	"testing"

	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/spec"
)

func newCatalog(t *testing.T) *Catalog {
	t.Helper()
	ref, err := fixtures.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(spec.MustLoad(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestResolve(t *testing.T) {
	c := newCatalog(t)
	buyer, err := c.Resolve("Role", "roles", map[string]any{"name": "Buyer"})
	if err != nil || buyer.ID != 4 {
		t.Fatalf("Buyer by name: %v %v", buyer, err)
	}
	if e, err := c.Resolve("Role", "roles", map[string]any{"name": "bUYER"}); err != nil || e != buyer {
		t.Errorf("natural keys ignore case (MySQL): %v %v", e, err)
	}
	// Natural keys fold as the query engine compares (package fold): ſ is s, the Kelvin sign is k, ı is i.
	if e := c.Lookup("Role", "name", "Expenſe U\u017fer"); e == nil || e.Fields["name"] != "Expense User" {
		t.Errorf("Expense User with long s: %v", e)
	}
	if e := c.Lookup("Role", "name", "AP Cler\u212A"); e == nil || e.Fields["name"] != "AP Clerk" {
		t.Errorf("AP Clerk with the Kelvin sign: %v", e)
	}
	if e := c.Lookup("Role", "name", "Admın"); e == nil || e.Fields["name"] != "Admin" {
		t.Errorf("Admin with dotless i: %v", e)
	}
	if e, err := c.Resolve("Role", "roles", map[string]any{"id": 4.0, "name": "ignored when id is there"}); err != nil || e != buyer {
		t.Errorf("by id: %v %v", e, err)
	}
	if e, err := c.Resolve("Currency", "default-currency", map[string]any{"code": "EUR", "decimals": 2.0}); err != nil || e.Fields["code"] != "EUR" {
		t.Errorf("extra keys are ignored: %v %v", e, err)
	}
	if e := c.Lookup("Address", "location-code", "HQ"); e == nil || e.Fields["country"] == nil {
		t.Errorf("HQ address with its country: %v", e)
	}
	_, err = c.Resolve("Role", "roles", map[string]any{"name": "Wizard"})
	var nf *NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("unknown role: %v", err)
	}
	want := `Unable to find valid Role record for roles with keys {"name"=>"Wizard"}. Possible keys are ["id", "name"]`
	if err.Error() != want {
		t.Errorf("message\n got %s\nwant %s", err, want)
	}
	for _, ref := range []map[string]any{{}, {"id": "x"}, {"id": 99999.0}, {"name": 5.0}} {
		if _, err := c.Resolve("Role", "roles", ref); !errors.As(err, &nf) {
			t.Errorf("%v: %v", ref, err)
		}
	}
	if c.DefaultCurrency.Fields["code"] != "USD" {
		t.Errorf("default currency %v", c.DefaultCurrency.Fields)
	}
}

// TestEveryObjectHasData keeps the fixtures and the spec in step: every object a user refers to by natural key has
// reference data, and every entry carries the spec's fields.
func TestEveryObjectHasData(t *testing.T) {
	c := newCatalog(t)
	for name, ob := range spec.MustLoad().Objects {
		if name == "UserRef" || len(ob.NaturalKeys) == 0 {
			continue
		}
		tb := c.Table(name)
		if tb == nil || len(tb.Entries) == 0 {
			t.Errorf("%s: no reference data", name)
			continue
		}
		for _, f := range ob.Fields {
			if _, ok := tb.Entries[0].Fields[f.Name]; !ok {
				t.Errorf("%s: entry lacks %s", name, f.Name)
			}
		}
	}
}

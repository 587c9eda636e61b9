package catalog

import (
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
	buyer, ok := c.Resolve("Role", map[string]any{"name": "Buyer"})
	if !ok || buyer.ID != 4 {
		t.Fatalf("Buyer by name: %v %v", buyer, ok)
	}
	if e, ok := c.Resolve("Role", map[string]any{"name": "bUYER"}); !ok || e != buyer {
		t.Errorf("natural keys ignore case (MySQL): %v %v", e, ok)
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
	if e, ok := c.Resolve("Role", map[string]any{"id": 4.0, "name": "ignored when id is there"}); !ok || e != buyer {
		t.Errorf("by id: %v %v", e, ok)
	}
	if e, ok := c.Resolve("Currency", map[string]any{"code": "EUR", "decimals": 2.0}); !ok || e.Fields["code"] != "EUR" {
		t.Errorf("extra keys are ignored: %v %v", e, ok)
	}
	if e := c.Lookup("Address", "location-code", "HQ"); e == nil || e.Fields["country"] == nil {
		t.Errorf("HQ address with its country: %v", e)
	}
	for _, ref := range []map[string]any{{"name": "Wizard"}, {}, {"id": "x"}, {"id": 99999.0}, {"name": 5.0}} {
		if e, ok := c.Resolve("Role", ref); ok {
			t.Errorf("%v resolved to %v", ref, e)
		}
	}
	if _, ok := c.Resolve("Nope", map[string]any{"id": 1.0}); ok {
		t.Error("an object type without a table resolved")
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

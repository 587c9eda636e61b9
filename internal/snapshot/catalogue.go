package snapshot

import (
	"encoding/binary"
	"strings"

	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/spec"
)

// catalogue maps the tenant's reference records (roles, departments, currencies...) onto the fake's own, the only
// ones `serve --fixtures` can point a user at: a key the fake knows is kept, any other is replaced by one of the
// fake's records of the same type, chosen by the key's HMAC, so that the tenant's "Finance" is the same fake
// department in every user and users who shared a record still share one. The tenant's names are not written.
type catalogue struct {
	p       *pseudonymiser
	keys    map[string][]string        // object schema name → the fake's natural keys
	known   map[string]map[string]bool // the same as sets, folded
	objects map[string]string          // element → object schema name, for elements that point at the catalogue
	// Remapped counts the references replaced, by element.
	remapped map[string]int
}

func newCatalogue(s *spec.Spec, p *pseudonymiser) (*catalogue, error) {
	ref, err := fixtures.LoadReference()
	if err != nil {
		return nil, err
	}
	keys := map[string][]string{}
	add := func(object string, n int, key func(int) string) {
		for i := range n {
			keys[object] = append(keys[object], key(i))
		}
	}
	add("Role", len(ref.Roles), func(i int) string { return ref.Roles[i].Name })
	add("Currency", len(ref.Currencies), func(i int) string { return ref.Currencies[i].Code })
	add("Country", len(ref.Countries), func(i int) string { return ref.Countries[i].Code })
	add("Department", len(ref.Departments), func(i int) string { return ref.Departments[i].Name })
	add("Address", len(ref.Addresses), func(i int) string { return ref.Addresses[i].LocationCode })
	add("BusinessGroup", len(ref.BusinessGroups), func(i int) string { return ref.BusinessGroups[i].Name })
	add("ApprovalLimit", len(ref.ApprovalLimits), func(i int) string { return ref.ApprovalLimits[i].Name })
	add("AccountType", len(ref.AccountTypes), func(i int) string { return ref.AccountTypes[i].Name })
	add("Account", len(ref.Accounts), func(i int) string { return ref.Accounts[i].Code })
	add("UserGroup", len(ref.UserGroups), func(i int) string { return ref.UserGroups[i].Name })
	add("AccountGroup", len(ref.AccountGroups), func(i int) string { return ref.AccountGroups[i].Name })
	add("ApprovalGroup", len(ref.ApprovalGroups), func(i int) string { return ref.ApprovalGroups[i].Name })
	add("Warehouse", len(ref.Warehouses), func(i int) string { return ref.Warehouses[i].Name })
	add("InventoryOrganization", len(ref.InventoryOrganizations), func(i int) string { return ref.InventoryOrganizations[i].Name })
	add("LegalEntity", len(ref.LegalEntities), func(i int) string { return ref.LegalEntities[i].Name })
	add("Pcard", len(ref.Pcards), func(i int) string { return ref.Pcards[i].Name })
	c := &catalogue{p: p, keys: keys, known: map[string]map[string]bool{}, objects: map[string]string{}, remapped: map[string]int{}}
	for object, ks := range keys {
		set := map[string]bool{}
		for _, k := range ks {
			set[strings.ToLower(k)] = true
		}
		c.known[object] = set
	}
	for _, e := range s.Elements {
		if _, ok := keys[e.Object]; ok && (e.In || e.Out) {
			c.objects[e.Name] = e.Object
		}
	}
	return c, nil
}

// remap replaces the references of a user in request form that the fake's catalogue lacks.
func (c *catalogue) remap(u map[string]any) {
	for name, object := range c.objects {
		switch v := u[name].(type) {
		case map[string]any:
			if c.remapRef(name, object, v); len(v) == 0 {
				delete(u, name)
			}
		case []any:
			seen := map[string]bool{}
			out := v[:0]
			for _, x := range v {
				ref, ok := x.(map[string]any)
				if !ok {
					continue
				}
				if c.remapRef(name, object, ref); len(ref) == 0 {
					continue
				}
				// Two tenant records may land on one fake record: a list holds it once.
				k := refKey(ref)
				if k != "" && seen[k] {
					continue
				}
				seen[k] = true
				out = append(out, ref)
			}
			u[name] = out
		}
	}
}

func (c *catalogue) remapRef(name, object string, ref map[string]any) {
	for k, v := range ref {
		s, ok := v.(string)
		if !ok || c.known[object][strings.ToLower(s)] {
			continue
		}
		keys := c.keys[object]
		if len(keys) == 0 {
			continue
		}
		h := c.p.sum("reference "+object, s)
		ref[k] = keys[binary.BigEndian.Uint64(h[:8])%uint64(len(keys))]
		c.remapped[name]++
	}
	// A reference by id only would name a record of the tenant's numbering: the fake's differ.
	if _, ok := ref["id"]; ok && len(ref) == 1 {
		delete(ref, "id")
		c.remapped[name]++
	}
}

func refKey(ref map[string]any) string {
	for _, v := range ref {
		if s, ok := v.(string); ok {
			return strings.ToLower(s)
		}
	}
	return ""
}

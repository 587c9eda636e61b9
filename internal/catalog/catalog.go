// Package catalog holds the reference objects a user points at (roles, currencies, departments...) in the shape
// the spec gives them, so that the fake can resolve references on writes, filter on association fields and render
// associations without knowing each type. It is built from the fixtures' reference data.
package catalog

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/internal/fold"
	"github.com/coupa-kit/coupa-users/spec"
)

// Entry is one reference object: its id and its fields as the spec names them. Values are string, int64, bool,
// time.Time, nil, or map[string]any for a nested object (an address's country).
type Entry struct {
	ID     int64
	Fields map[string]any
}

// Table is every object of one type, ascending id.
type Table struct {
	Object  *spec.Object
	Entries []*Entry
	byID    map[int64]*Entry
	byKey   map[string]map[string]*Entry // natural key → fold.Key of the value → entry
	exact   map[string]map[string]*Entry // natural key → value as stored → entry (the common, allocation-free hit)
}

// Catalog is the reference data by object type (schema name). It is read-only once built.
type Catalog struct {
	tables map[string]*Table
	// DefaultCurrency is the instance's reporting currency, given to users created without one.
	DefaultCurrency *Entry
}

// sources says which slice of the fixtures feeds which object type of the spec. UserRef (users themselves) and
// PhoneNumber (owned by each user) have no table.
func sources(ref *fixtures.Reference) map[string]any {
	return map[string]any{
		"Role":                  ref.Roles,
		"Currency":              ref.Currencies,
		"Country":               ref.Countries,
		"Department":            ref.Departments,
		"Address":               ref.Addresses,
		"BusinessGroup":         ref.BusinessGroups,
		"ApprovalLimit":         ref.ApprovalLimits,
		"AccountType":           ref.AccountTypes,
		"Account":               ref.Accounts,
		"UserGroup":             ref.UserGroups,
		"AccountGroup":          ref.AccountGroups,
		"ApprovalGroup":         ref.ApprovalGroups,
		"Warehouse":             ref.Warehouses,
		"InventoryOrganization": ref.InventoryOrganizations,
		"LegalEntity":           ref.LegalEntities,
		"Pcard":                 ref.Pcards,
		"InvoiceInbox":          ref.InvoiceInboxes,
	}
}

// Default is the catalog of the embedded reference data, built once per process and shared: a catalog is
// read-only, and building one was most of what starting a fake cost. Custom fields change only the user's
// namespace, never a reference object, so the one catalog serves every spec the fake builds.
func Default() (*Catalog, error) { return defaultCatalog() }

var defaultCatalog = sync.OnceValues(func() (*Catalog, error) {
	s, err := spec.Load()
	if err != nil {
		return nil, err
	}
	ref, err := fixtures.LoadReference()
	if err != nil {
		return nil, err
	}
	return New(s, ref)
})

// New builds the catalog. Every object type of the spec that users refer to by natural key must have data.
func New(s *spec.Spec, ref *fixtures.Reference) (*Catalog, error) {
	c := &Catalog{tables: map[string]*Table{}}
	for name, src := range sources(ref) {
		ob := s.Objects[name]
		if ob == nil {
			return nil, fmt.Errorf("catalog: the spec has no object %s", name)
		}
		raw, err := json.Marshal(src)
		if err != nil {
			return nil, fmt.Errorf("catalog: %s: %w", name, err)
		}
		var rows []map[string]any
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.UseNumber()
		if err := dec.Decode(&rows); err != nil {
			return nil, fmt.Errorf("catalog: %s: %w", name, err)
		}
		t := &Table{Object: ob, byID: map[int64]*Entry{}, byKey: map[string]map[string]*Entry{}, exact: map[string]map[string]*Entry{}}
		for _, k := range ob.NaturalKeys {
			t.byKey[k] = map[string]*Entry{}
			t.exact[k] = map[string]*Entry{}
		}
		for i, row := range rows {
			e := &Entry{Fields: normalize(ob, s, row)}
			id, ok := e.Fields["id"].(int64)
			if !ok || id <= 0 || id > math.MaxUint32 {
				return nil, fmt.Errorf("catalog: %s #%d: no id, or one beyond 4294967295 (records keep references in four bytes)", name, i)
			}
			e.ID = id
			if t.byID[id] != nil {
				return nil, fmt.Errorf("catalog: %s: id %d twice", name, id)
			}
			t.byID[id] = e
			for _, k := range ob.NaturalKeys {
				if v, ok := e.Fields[k].(string); ok && v != "" {
					t.byKey[k][fold.Key(v)] = e
					t.exact[k][v] = e
				}
			}
			t.Entries = append(t.Entries, e)
		}
		sort.Slice(t.Entries, func(i, j int) bool { return t.Entries[i].ID < t.Entries[j].ID })
		c.tables[name] = t
	}
	for _, e := range s.Elements {
		if e.Kind == spec.KindObject && len(s.Objects[e.Object].NaturalKeys) > 0 && e.Object != spec.UserRef && c.tables[e.Object] == nil {
			return nil, fmt.Errorf("catalog: no reference data for %s (element %s)", e.Object, e.Name)
		}
	}
	c.DefaultCurrency = c.Get("Currency", ref.DefaultCurrency.ID)
	if c.DefaultCurrency == nil {
		return nil, fmt.Errorf("catalog: the default currency %d is not a currency", ref.DefaultCurrency.ID)
	}
	return c, nil
}

// normalize converts JSON values to the types the spec's fields call for: integers to int64, datetimes to
// time.Time; nested objects are normalized against their own object type.
func normalize(ob *spec.Object, s *spec.Spec, row map[string]any) map[string]any {
	out := make(map[string]any, len(row))
	for k, v := range row {
		f := ob.Field(k)
		out[k] = normalizeValue(f, s, v)
	}
	for _, f := range ob.Fields {
		if _, ok := out[f.Name]; !ok {
			out[f.Name] = nil
		}
	}
	return out
}

func normalizeValue(f *spec.Field, s *spec.Spec, v any) any {
	switch v := v.(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n
		}
		f, _ := v.Float64()
		return f
	case string:
		if f != nil && f.Kind == spec.KindDateTime {
			if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
				return t
			}
		}
		if f != nil && f.Kind == spec.KindString && v == "" && f.Nullable {
			return nil
		}
		return v
	case map[string]any:
		if f != nil && f.Kind == spec.KindObject {
			if nested := s.Objects[f.Object]; nested != nil {
				return normalize(nested, s, v)
			}
		}
		nested := make(map[string]any, len(v))
		for k, x := range v {
			nested[k] = normalizeValue(nil, s, x)
		}
		return nested
	}
	return v
}

// Table returns the table of an object type, or nil.
func (c *Catalog) Table(object string) *Table { return c.tables[object] }

// Get returns the object of that type and id, or nil.
func (c *Catalog) Get(object string, id int64) *Entry {
	if t := c.tables[object]; t != nil {
		return t.byID[id]
	}
	return nil
}

// Each walks the objects of a type in ascending id until fn returns false (the query engine's view).
func (c *Catalog) Each(object string, fn func(id int64, field func(name string) (any, bool)) bool) {
	t := c.tables[object]
	if t == nil {
		return
	}
	for _, e := range t.Entries {
		if !fn(e.ID, func(name string) (any, bool) { v, ok := e.Fields[name]; return v, ok }) {
			return
		}
	}
}

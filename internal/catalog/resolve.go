package catalog

import (
	"slices"
	"strings"

	"github.com/coupa-kit/coupa-users/internal/fold"
	"github.com/coupa-kit/coupa-users/internal/kinds"
)

// HumanName turns a schema name into the words Coupa's messages use ("ApprovalLimit" → "ApprovalLimit" as Rails
// class names read; "UserRef" → "User").
func HumanName(object string) string { return strings.TrimSuffix(object, "Ref") }

// Resolve finds the object a request refers to: by "id" when present, else by every natural key present (all must
// match). The reference's other keys are ignored, as Coupa ignores them, so that a client may send back an object
// it read. ok is false when nothing matches; the caller words Coupa's message.
func (c *Catalog) Resolve(object string, ref map[string]any) (e *Entry, ok bool) {
	t := c.tables[object]
	if t == nil {
		return nil, false
	}
	if raw, ok := ref["id"]; ok && raw != nil {
		id, ok := kinds.ID(raw)
		if !ok {
			return nil, false
		}
		e := t.byID[id]
		return e, e != nil
	}
	var found *Entry
	for _, k := range t.Object.NaturalKeys {
		raw, ok := ref[k]
		if !ok {
			continue
		}
		s, ok := raw.(string)
		if !ok {
			return nil, false
		}
		e := t.exact[k][s]
		if e == nil {
			e = t.byKey[k][fold.Key(s)]
		}
		if e == nil || (found != nil && found != e) {
			return nil, false
		}
		found = e
	}
	return found, found != nil
}

// Lookup finds an object by one natural key's value (case-insensitively), or returns nil.
func (c *Catalog) Lookup(object, key, value string) *Entry {
	t := c.tables[object]
	if t == nil {
		return nil
	}
	return t.Lookup(key, value)
}

// Lookup is Catalog.Lookup in this table (for a caller that found the table once).
func (t *Table) Lookup(key, value string) *Entry { return t.By(key)(value) }

// By returns Lookup by one natural key, for a caller that looks up many values of it (a bulk load).
func (t *Table) By(key string) func(value string) *Entry {
	exact, folded := t.exact[key], t.byKey[key]
	return func(value string) *Entry {
		if e := exact[value]; e != nil {
			return e
		}
		return folded[fold.Key(value)]
	}
}

// NaturalKeys returns the natural keys of an object type.
func (c *Catalog) NaturalKeys(object string) []string {
	if t := c.tables[object]; t != nil {
		return slices.Clone(t.Object.NaturalKeys)
	}
	return nil
}

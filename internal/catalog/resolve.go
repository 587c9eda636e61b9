package catalog

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/coupa-kit/coupa-users/internal/fold"
)

// NotFoundError is Coupa's answer to a reference that does not resolve:
// `Unable to find valid Role record for roles with keys {"name"=>"Nope"}. Possible keys are ["id", "name"]`.
type NotFoundError struct {
	Object string // the object's human name ("Role", "Currency")
	Field  string // the element that carried the reference
	Keys   map[string]any
	Valid  []string
}

func (e *NotFoundError) Error() string {
	keys := make([]string, 0, len(e.Keys))
	for k := range e.Keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		v, _ := json.Marshal(e.Keys[k])
		pairs = append(pairs, fmt.Sprintf("%q=>%s", k, v))
	}
	valid := make([]string, len(e.Valid))
	for i, k := range e.Valid {
		valid[i] = strconv.Quote(k)
	}
	return fmt.Sprintf("Unable to find valid %s record for %s with keys {%s}. Possible keys are [%s]",
		e.Object, e.Field, strings.Join(pairs, ", "), strings.Join(valid, ", "))
}

// HumanName turns a schema name into the words Coupa's messages use ("ApprovalLimit" → "ApprovalLimit" as Rails
// class names read; "UserRef" → "User").
func HumanName(object string) string { return strings.TrimSuffix(object, "Ref") }

// Resolve finds the object a request refers to: by "id" when present, else by every natural key present (all must
// match). The reference's other keys are ignored, as Coupa ignores them, so that a client may send back an object
// it read. field names the element, for the error.
func (c *Catalog) Resolve(object, field string, ref map[string]any) (*Entry, error) {
	t := c.tables[object]
	if t == nil {
		return nil, fmt.Errorf("catalog: no table for %s", object)
	}
	notFound := func() error {
		return &NotFoundError{Object: HumanName(object), Field: field, Keys: ref,
			Valid: append([]string{"id"}, t.Object.NaturalKeys...)}
	}
	if raw, ok := ref["id"]; ok && raw != nil {
		id, ok := asID(raw)
		if !ok {
			return nil, notFound()
		}
		if e := t.byID[id]; e != nil {
			return e, nil
		}
		return nil, notFound()
	}
	var found *Entry
	matched := 0
	for _, k := range t.Object.NaturalKeys {
		raw, ok := ref[k]
		if !ok {
			continue
		}
		s, ok := raw.(string)
		if !ok {
			return nil, notFound()
		}
		e := t.exact[k][s]
		if e == nil {
			e = t.byKey[k][fold.Key(s)]
		}
		if e == nil || (found != nil && found != e) {
			return nil, notFound()
		}
		found = e
		matched++
	}
	if matched == 0 {
		return nil, notFound()
	}
	return found, nil
}

// Lookup finds an object by one natural key's value (case-insensitively), or returns nil.
func (c *Catalog) Lookup(object, key, value string) *Entry {
	t := c.tables[object]
	if t == nil {
		return nil
	}
	if e := t.exact[key][value]; e != nil {
		return e
	}
	return t.byKey[key][fold.Key(value)]
}

// NaturalKeys returns the natural keys of an object type.
func (c *Catalog) NaturalKeys(object string) []string {
	if t := c.tables[object]; t != nil {
		return slices.Clone(t.Object.NaturalKeys)
	}
	return nil
}

// asID accepts the number forms a decoded body carries (float64 from JSON, json.Number, int64, or a numeric
// string from untyped XML).
func asID(v any) (int64, bool) {
	switch v := v.(type) {
	case float64:
		if v == float64(int64(v)) {
			return int64(v), true
		}
	case int64:
		return v, true
	case int:
		return int64(v), true
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// AsID is asID for callers resolving users (UserRef) themselves.
func AsID(v any) (int64, bool) { return asID(v) }

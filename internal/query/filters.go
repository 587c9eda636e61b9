package query

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/coupa-kit/coupa-users/internal/fold"
	"github.com/coupa-kit/coupa-users/spec"
)

// The bounds of a response filter's definition. Coupa does not document them; these keep a definition readable
// and its parse cheap (a `fields` list nests, and its cost grows with the depth).
const (
	// MaxFilterName is the longest name, in characters: a Rails string column.
	MaxFilterName = 255
	// MaxFilterBytes is the largest definition, in bytes of JSON.
	MaxFilterBytes = 64 << 10
)

// ResponseFilter is a named API response filter, as Coupa's administrators define them (Setup > Integrations > API
// Filters): a name for a `fields` projection, which `filter=<name>` applies.
type ResponseFilter struct {
	// Name is the name as it was defined.
	Name string
	// Definition is the `fields` JSON it was defined with, compacted.
	Definition string
	// Fields is the parsed definition.
	Fields *Projection
}

// ResponseFilters is a set of response filters. It never changes once built (With and Without return new sets),
// so that a request can read it while the admin surface replaces it. Names are matched ignoring case, under the
// fold the filters use: Coupa looks them up in MySQL, whose collations ignore case. A nil set has no filters.
type ResponseFilters struct {
	byKey map[string]ResponseFilter // by fold.Key of the name
}

// NewResponseFilters parses definitions (name → `fields` JSON), each as `fields=` is parsed under o: an unknown
// name inside is left out, or an error under StrictFields. Names must be distinct ignoring case. The first bad
// definition, in the order of the names, is the error.
func (o Options) NewResponseFilters(defs map[string]string, s *spec.Spec) (*ResponseFilters, error) {
	rf := &ResponseFilters{byKey: make(map[string]ResponseFilter, len(defs))}
	for _, name := range slices.Sorted(maps.Keys(defs)) {
		f, err := o.newFilter(name, defs[name], s)
		if err != nil {
			return nil, err
		}
		key := fold.Key(name)
		if old, dup := rf.byKey[key]; dup {
			return nil, fmt.Errorf("response filters %s and %s: names must differ by more than case", quote(old.Name), quote(name))
		}
		rf.byKey[key] = f
	}
	return rf, nil
}

func (o Options) newFilter(name, def string, s *spec.Spec) (ResponseFilter, error) {
	if err := checkFilterName(name); err != nil {
		return ResponseFilter{}, err
	}
	if len(def) > MaxFilterBytes {
		return ResponseFilter{}, fmt.Errorf("response filter %s: the definition is %d bytes, more than %d", quote(name), len(def), MaxFilterBytes)
	}
	p, err := o.ParseFields(def, s)
	if err != nil {
		return ResponseFilter{}, fmt.Errorf("response filter %s: %w", quote(name), err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(def)); err != nil { // ParseFields has read it as JSON: cannot happen
		return ResponseFilter{}, fmt.Errorf("response filter %s: %w", quote(name), err)
	}
	return ResponseFilter{Name: name, Definition: buf.String(), Fields: p}, nil
}

// checkFilterName refuses a name no `filter=` could name plainly: blank (`filter=` with a blank value is ignored),
// padded with spaces, with control characters, not UTF-8, or longer than MaxFilterName.
func checkFilterName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return fmt.Errorf("a response filter needs a name that is not blank")
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("response filter %s: the name starts or ends with a space", quote(name))
	case !utf8.ValidString(name):
		return fmt.Errorf("response filter %s: the name is not UTF-8", quote(name))
	case utf8.RuneCountInString(name) > MaxFilterName:
		return fmt.Errorf("response filter %s: the name is longer than %d characters", quote(name), MaxFilterName)
	case strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Errorf("response filter %s: the name holds a control character", quote(name))
	}
	return nil
}

// Lookup returns the filter named name, ignoring case.
func (rf *ResponseFilters) Lookup(name string) (ResponseFilter, bool) {
	if rf == nil {
		return ResponseFilter{}, false
	}
	f, ok := rf.byKey[fold.Key(name)]
	return f, ok
}

// Len is the number of filters.
func (rf *ResponseFilters) Len() int {
	if rf == nil {
		return 0
	}
	return len(rf.byKey)
}

// All returns the filters, by name.
func (rf *ResponseFilters) All() []ResponseFilter {
	if rf == nil {
		return nil
	}
	out := slices.Collect(maps.Values(rf.byKey))
	slices.SortFunc(out, func(a, b ResponseFilter) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Definitions returns the filters as NewResponseFilters takes them: name → `fields` JSON.
func (rf *ResponseFilters) Definitions() map[string]string {
	out := make(map[string]string, rf.Len())
	for _, f := range rf.All() {
		out[f.Name] = f.Definition
	}
	return out
}

// With returns a copy of the set with the filter name defined as def (parsed under o), replacing the one of that
// name ignoring case, whose spelling gives way to name's. replaced reports whether there was one.
func (rf *ResponseFilters) With(o Options, s *spec.Spec, name, def string) (out *ResponseFilters, replaced bool, err error) {
	f, err := o.newFilter(name, def, s)
	if err != nil {
		return nil, false, err
	}
	out = rf.clone()
	key := fold.Key(name)
	_, replaced = out.byKey[key]
	out.byKey[key] = f
	return out, replaced, nil
}

// Without returns a copy of the set without the filter named name (ignoring case), and the filter removed; ok is
// false, and the set returned unchanged, when there is none.
func (rf *ResponseFilters) Without(name string) (out *ResponseFilters, removed ResponseFilter, ok bool) {
	removed, ok = rf.Lookup(name)
	if !ok {
		return rf, ResponseFilter{}, false
	}
	out = rf.clone()
	delete(out.byKey, fold.Key(name))
	return out, removed, true
}

func (rf *ResponseFilters) clone() *ResponseFilters {
	out := &ResponseFilters{byKey: make(map[string]ResponseFilter, rf.Len()+1)}
	if rf != nil {
		maps.Copy(out.byKey, rf.byKey)
	}
	return out
}

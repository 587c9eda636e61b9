package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/coupa-kit/coupa-users/internal/query"
)

// ReadResponseFilters reads response filter definitions in the form of --response-filters and
// PUT /_admin/response-filters: a JSON object from each name to its `fields` list,
// {"ids-and-logins": ["id","login"], "with-roles": ["id","login",{"roles":["name"]}]}. The lists are checked when
// the fake takes them (Options.ResponseFilters, SetResponseFilters).
func ReadResponseFilters(r io.Reader) (map[string]string, error) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(r)
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("response filters: want a JSON object of names and fields lists: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("response filters: unexpected data after the JSON object")
	}
	if raw == nil {
		return nil, fmt.Errorf("response filters: want a JSON object of names and fields lists, not null")
	}
	defs := make(map[string]string, len(raw))
	for name, def := range raw {
		defs[name] = string(def)
	}
	return defs, nil
}

// filterSet holds the fake's response filters. Requests read the current set without a lock (sets never change);
// changes, which build a new set from the current one, take turns.
type filterSet struct {
	mu    sync.Mutex
	cur   atomic.Pointer[query.ResponseFilters]
	start *query.ResponseFilters // what Options defined: DELETE /_admin/response-filters returns to it
}

func newFilterSet(start *query.ResponseFilters) *filterSet {
	fs := &filterSet{start: start}
	fs.cur.Store(start)
	return fs
}

// load returns the current set; nil (no filters) while the fake is being built.
func (fs *filterSet) load() *query.ResponseFilters {
	if fs == nil {
		return nil
	}
	return fs.cur.Load()
}

// change replaces the current set by what edit makes of it, unless edit fails.
func (fs *filterSet) change(edit func(*query.ResponseFilters) (*query.ResponseFilters, error)) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	next, err := edit(fs.cur.Load())
	if err != nil {
		return err
	}
	fs.cur.Store(next)
	return nil
}

// filterOptions are the options definitions are parsed with: those of `fields=`.
func (f *Fake) filterOptions() query.Options { return query.Options{StrictFields: f.opts.StrictFields} }

// newResponseFilters parses definitions as the fake's `fields=` is parsed (StrictFields included).
func (f *Fake) newResponseFilters(defs map[string]string) (*query.ResponseFilters, error) {
	return f.filterOptions().NewResponseFilters(defs, f.spec)
}

// ResponseFilters returns the response filters `filter=<name>` can name: name → `fields` JSON.
func (f *Fake) ResponseFilters() map[string]string { return f.filters.load().Definitions() }

// SetResponseFilters replaces every response filter (what PUT /_admin/response-filters does). Each definition is a
// `fields` list, checked as `fields=` is; on an error nothing changes.
func (f *Fake) SetResponseFilters(defs map[string]string) error {
	rf, err := f.newResponseFilters(defs)
	if err != nil {
		return err
	}
	return f.filters.change(func(*query.ResponseFilters) (*query.ResponseFilters, error) { return rf, nil })
}

// SetResponseFilter defines one response filter, replacing the one of that name ignoring case (what
// PUT /_admin/response-filters/{name} does), and reports whether it replaced one.
func (f *Fake) SetResponseFilter(name, def string) (replaced bool, err error) {
	_, replaced, err = f.setResponseFilter(name, def)
	return replaced, err
}

// setResponseFilter is SetResponseFilter, returning the filter as it was stored.
func (f *Fake) setResponseFilter(name, def string) (stored query.ResponseFilter, replaced bool, err error) {
	o := f.filterOptions()
	err = f.filters.change(func(cur *query.ResponseFilters) (*query.ResponseFilters, error) {
		next, r, err := cur.With(o, f.spec, name, def)
		if err != nil {
			return nil, err
		}
		stored, _ = next.Lookup(name)
		replaced = r
		return next, nil
	})
	return stored, replaced, err
}

// DeleteResponseFilter removes the response filter named name, ignoring case, and reports whether there was one.
func (f *Fake) DeleteResponseFilter(name string) bool {
	found := false
	f.filters.change(func(cur *query.ResponseFilters) (*query.ResponseFilters, error) {
		next, _, ok := cur.Without(name)
		found = ok
		return next, nil
	})
	return found
}

// ResetResponseFilters returns to the response filters of Options (what DELETE /_admin/response-filters does).
func (f *Fake) ResetResponseFilters() {
	f.filters.change(func(*query.ResponseFilters) (*query.ResponseFilters, error) { return f.filters.start, nil })
}

// filterJSON is a filter as the admin surface shows one.
type filterJSON struct {
	Name   string          `json:"name"`
	Fields json.RawMessage `json:"fields"`
}

// definitionsJSON is a set as the admin surface shows it, in the form ReadResponseFilters reads.
func definitionsJSON(rf *query.ResponseFilters) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, rf.Len())
	for _, x := range rf.All() {
		out[x.Name] = json.RawMessage(x.Definition)
	}
	return out
}

// readFilterBody reads an admin body of at most limit bytes whole (a definition is small; a large body is a mistake).
func readFilterBody(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("the body is larger than %d bytes", limit)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("the body is empty: send a fields list such as %s", filterExample)
	}
	return data, nil
}

// filterExample is the definition shown when an admin body is missing.
const filterExample = `["id","login",{"roles":["name"]}]`

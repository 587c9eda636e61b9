package fake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/coupa-kit/coupa-users/internal/kinds"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// State is an exact snapshot of the fake's users: every stored element by name (input-only ones included), ids and
// timestamps kept. It is what --state saves and what the admin surface dumps and restores; fixtures, by contrast,
// describe users the way a request would.
type State struct {
	Version int       `json:"version"`
	SavedAt time.Time `json:"saved_at"`
	// JournalSeq, in a state file, is the last journal record the snapshot holds: replay starts after it.
	JournalSeq uint64           `json:"journal_seq,omitempty"`
	Users      []map[string]any `json:"users"`
}

// stateVersion 2 keeps an owned object's fields by name. Version 1 kept them in a list, in the alphabetical
// order the spec then gave an object's fields; it is still read.
const stateVersion = 2

// snapshotState captures the store.
func (f *Fake) snapshotState(ctx context.Context) (*State, error) {
	recs, err := f.store.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return f.stateOf(recs), nil
}

// stateOf is the State of recs.
func (f *Fake) stateOf(recs []*store.Record) *State {
	st := &State{Version: stateVersion, SavedAt: f.clock.Now().UTC(), Users: make([]map[string]any, len(recs))}
	for i, r := range recs {
		st.Users[i] = f.encodeRecord(r)
	}
	return st
}

func (f *Fake) encodeRecord(r *store.Record) map[string]any {
	m := map[string]any{"id": r.ID}
	for _, e := range f.layout.Elements {
		s, _ := f.layout.Slot(e.Name)
		if e.Name == "id" || r.IsNull(s) {
			continue
		}
		k, scalar := kinds.Of(e.Kind)
		switch {
		case scalar:
			m[e.Name] = k.Plain(k.Get(r, s))
		case e.List:
			m[e.Name] = r.ListIDs(s)
		case s.Owned():
			o := r.OwnedOf(s)
			fields := map[string]any{}
			for i, name := range ownedFieldNames(f.layout.Object(e.Object)) {
				if i < len(o.Fields) {
					fields[name] = o.Fields[i]
				}
			}
			m[e.Name] = map[string]any{"id": o.ID, "fields": fields}
		default:
			m[e.Name] = r.RefID(s)
		}
	}
	return m
}

// restoreState replaces the store's users with a snapshot's, checking it whole first.
func (f *Fake) restoreState(ctx context.Context, st *State) error {
	recs, maxOwned, err := f.decodeState(st)
	if err != nil {
		return err
	}
	if err := f.store.Replace(ctx, recs); err != nil {
		return err
	}
	f.users.NoteOwnedID(maxOwned)
	return nil
}

// decodeState reads a snapshot's users, and the largest id of an owned object among them.
func (f *Fake) decodeState(st *State) (recs []*store.Record, maxOwned int64, err error) {
	if st.Version != stateVersion && st.Version != 1 {
		return nil, 0, fmt.Errorf("state version %d: this fake reads versions 1 and %d", st.Version, stateVersion)
	}
	recs = make([]*store.Record, 0, len(st.Users))
	for i, m := range st.Users {
		r, owned, err := f.decodeRecord(m)
		if err != nil {
			return nil, 0, fmt.Errorf("state user %d: %w", i, err)
		}
		maxOwned = max(maxOwned, owned)
		recs = append(recs, r)
	}
	return recs, maxOwned, nil
}

// badValue is a state file's value that its element cannot hold; it is formatted only if reported.
type badValue struct {
	name string
	v    any
}

func (b *badValue) Error() string { return fmt.Sprintf("%s: unexpected value %v", b.name, b.v) }

// ownedFieldNames are the fields an owned object keeps (all but id), in the object's field order.
func ownedFieldNames(ob *spec.Object) []string {
	var names []string
	for _, fl := range ob.Fields {
		if fl.Name != "id" {
			names = append(names, fl.Name)
		}
	}
	return names
}

// ownedFields reads an owned object's fields from a state file: by name (version 2), or as a list in alphabetical
// order of the names (version 1).
func ownedFields(ob *spec.Object, v any) ([]any, bool) {
	names := ownedFieldNames(ob)
	byName, ok := v.(map[string]any)
	if list, isList := v.([]any); isList {
		if len(list) != len(names) {
			return nil, false
		}
		sorted := slices.Sorted(slices.Values(names))
		byName, ok = map[string]any{}, true
		for i, name := range sorted {
			byName[name] = list[i]
		}
	}
	if !ok {
		return nil, false
	}
	fields := make([]any, 0, len(names))
	for _, fl := range ob.Fields {
		if fl.Name == "id" {
			continue
		}
		x := byName[fl.Name]
		k, ok := kinds.Of(fl.Kind)
		if x == nil || !ok {
			fields = append(fields, nil)
			continue
		}
		v, ok := k.Loose(x)
		if !ok {
			return nil, false
		}
		fields = append(fields, k.Native(v))
	}
	return fields, true
}

func (f *Fake) decodeRecord(m map[string]any) (*store.Record, int64, error) {
	r := f.layout.New()
	id, ok := kinds.AsInt(m["id"])
	if !ok || id <= 0 {
		return nil, 0, errors.New("no valid id")
	}
	r.ID = id
	var maxOwned int64
	for name, v := range m {
		e := f.layout.Element(name)
		if e == nil || name == "id" {
			continue
		}
		s, _ := f.layout.Slot(name)
		bad := &badValue{name, v}
		k, scalar := kinds.Of(e.Kind)
		switch {
		case v == nil:
			r.SetNull(s)
		case e.List:
			items, ok := v.([]any)
			if !ok {
				return nil, 0, bad
			}
			ids := make([]int64, 0, len(items))
			for _, it := range items {
				n, ok := kinds.AsInt(it)
				if !ok {
					return nil, 0, bad
				}
				ids = append(ids, n)
			}
			r.SetList(s, ids)
		case scalar:
			val, ok := k.Loose(v)
			if !ok {
				return nil, 0, bad
			}
			k.Set(r, s, val)
		default:
			if om, ok := v.(map[string]any); ok {
				oid, ok := kinds.AsInt(om["id"])
				fields, ok2 := ownedFields(f.layout.Object(e.Object), om["fields"])
				if !ok || !ok2 {
					return nil, 0, bad
				}
				r.SetOwned(s, &store.Owned{ID: oid, Fields: fields})
				maxOwned = max(maxOwned, oid)
				continue
			}
			n, ok := kinds.AsInt(v)
			if !ok || n < 0 || n > store.MaxID {
				return nil, 0, bad
			}
			r.SetRef(s, n)
		}
	}
	return r, maxOwned, nil
}

// writeFileAtomic writes path through a temporary file in the same folder and renames it into place.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("saving %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return fmt.Errorf("saving %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("saving %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("saving %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("saving %s: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync() // make the rename itself durable; not every file system supports it
		d.Close()
	}
	return nil
}

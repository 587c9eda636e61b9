package store

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Record is one stored user. Stored records are never changed: an update stores a changed clone, so readers may
// keep and render a record without locks.
type Record struct {
	ID   int64
	Str  []string
	Int  []int64
	Bool uint64
	Ref  []uint32 // id of the associated object: ids stay below MaxID, and four bytes a reference count at 100,000 users
	// List holds the ids of every list association one after the other, in four bytes each as Ref does, listEnd
	// where each one ends: one small array instead of a slice header per list keeps 100,000 users within their
	// memory budget.
	List    []uint32
	listEnd []uint32
	Owned   []*Owned
	null    [2]uint64
}

// Owned is an object stored by value inside its user (a phone number): its id and its fields other than id, in the
// object's field order (string or nil).
type Owned struct {
	ID     int64
	Fields []any
}

// Clone returns a deep copy to change and store.
func (r *Record) Clone() *Record {
	c := *r
	c.Str = slices.Clone(r.Str)
	c.Int = slices.Clone(r.Int)
	c.Ref = slices.Clone(r.Ref)
	c.List = slices.Clone(r.List)
	c.listEnd = slices.Clone(r.listEnd)
	if r.Owned != nil {
		c.Owned = make([]*Owned, len(r.Owned))
		for i, o := range r.Owned {
			if o != nil {
				c.Owned[i] = &Owned{ID: o.ID, Fields: slices.Clone(o.Fields)}
			}
		}
	}
	return &c
}

// Detached returns a deep copy laid out by p: it shares no memory with r, its arrays are carved from p's slabs, and
// its strings are interned (but for the string slots marked unique, whose values never repeat). Bulk loads use it
// to move the records they keep out of the heap spans their garbage was interleaved with, next to each other, and
// to store each repeated value (a first name, a locale, a country code) once.
func (r *Record) Detached(p *Packer, unique []bool) *Record {
	c := take(&p.records, 1)
	c[0] = Record{ID: r.ID, Bool: r.Bool, null: r.null,
		Str: packed(&p.strs, r.Str), Int: packed(&p.ints, r.Int), Ref: packed(&p.refs, r.Ref),
		List: packed(&p.lists, r.List), listEnd: packed(&p.ends, r.listEnd)}
	d := &c[0]
	for i, s := range d.Str {
		if i < len(unique) && unique[i] {
			d.Str[i] = strings.Clone(s) // one per user anyway: interning would only cost a map entry
		} else {
			d.Str[i] = p.in.String(s)
		}
	}
	if r.Owned != nil {
		d.Owned = take(&p.owned, len(r.Owned))
		for i, o := range r.Owned {
			if o == nil {
				continue
			}
			ob := take(&p.objects, 1)
			ob[0] = Owned{ID: o.ID, Fields: packed(&p.fields, o.Fields)}
			for k, v := range ob[0].Fields {
				if s, ok := v.(string); ok {
					ob[0].Fields[k] = p.in.Boxed(s)
				}
			}
			d.Owned[i] = &ob[0]
		}
	}
	return d
}

// Packer lays out the records of one bulk operation (Record.Detached) densely: their arrays are carved out of
// large slabs rather than allocated one by one, which saves the allocator's rounding up and keeps the records of
// consecutive ids next to each other, and their strings are interned. It is not for concurrent use.
type Packer struct {
	in      interner
	records []Record
	strs    []string
	ints    []int64
	refs    []uint32
	lists   []uint32
	ends    []uint32
	owned   []*Owned
	objects []Owned
	fields  []any
}

// NewPacker returns a packer with empty slabs.
func NewPacker() *Packer {
	return &Packer{in: interner{strs: map[string]string{}, boxes: map[string]any{}}}
}

// slabItems is how many items a slab holds: enough that the slabs' own headers and rounding do not count, few
// enough that the last, partly used, wastes little.
const slabItems = 4096

// take carves n items out of the slab, starting a new one when it has too few left. The slice's capacity is its
// length, so that an append never writes into its neighbour's items.
func take[T any](slab *[]T, n int) []T {
	if len(*slab) < n {
		*slab = make([]T, max(n, slabItems))
	}
	s := (*slab)[:n:n]
	*slab = (*slab)[n:]
	return s
}

// packed copies src into the slab; nil stays nil.
func packed[T any](slab *[]T, src []T) []T {
	if src == nil {
		return nil
	}
	if len(src) == 0 {
		return []T{}
	}
	s := take(slab, len(src))
	copy(s, src)
	return s
}

// interner hands out one copy of each distinct string.
type interner struct {
	strs  map[string]string
	boxes map[string]any
}

// String returns the one copy of s.
func (in *interner) String(s string) string {
	if c, ok := in.strs[s]; ok {
		return c
	}
	c := strings.Clone(s)
	in.strs[c] = c
	return c
}

// Boxed returns the one interface value holding s (boxing a string allocates).
func (in *interner) Boxed(s string) any {
	if b, ok := in.boxes[s]; ok {
		return b
	}
	var b any = in.String(s)
	in.boxes[s] = b
	return b
}

// IsNull reports whether the element at slot s is null.
func (r *Record) IsNull(s Slot) bool { return r.null[s.Index/64]&(1<<(s.Index%64)) != 0 }

func (r *Record) setNull(index int, null bool) {
	if null {
		r.null[index/64] |= 1 << (index % 64)
	} else {
		r.null[index/64] &^= 1 << (index % 64)
	}
}

// SetNull makes the element null (and clears its value).
func (r *Record) SetNull(s Slot) {
	switch s.Kind {
	case kindStr:
		r.Str[s.Pos] = ""
	case kindInt:
		r.Int[s.Pos] = 0
	case kindBool:
		r.Bool &^= 1 << s.Pos
	case kindTime:
		r.Int[s.Pos] = 0
	case kindRef:
		r.Ref[s.Pos] = 0
	case kindList:
		r.replaceList(s.Pos, nil)
	case kindOwned:
		r.Owned[s.Pos] = nil
	}
	r.setNull(s.Index, true)
}

// String returns a string element's value.
func (r *Record) String(s Slot) string { return r.Str[s.Pos] }

// SetString sets a string element.
func (r *Record) SetString(s Slot, v string) { r.Str[s.Pos] = v; r.setNull(s.Index, false) }

// Integer returns an integer element's value.
func (r *Record) Integer(s Slot) int64 { return r.Int[s.Pos] }

// SetInteger sets an integer element.
func (r *Record) SetInteger(s Slot, v int64) { r.Int[s.Pos] = v; r.setNull(s.Index, false) }

// Boolean returns a boolean element's value.
func (r *Record) Boolean(s Slot) bool { return r.Bool&(1<<s.Pos) != 0 }

// SetBoolean sets a boolean element.
func (r *Record) SetBoolean(s Slot, v bool) {
	if v {
		r.Bool |= 1 << s.Pos
	} else {
		r.Bool &^= 1 << s.Pos
	}
	r.setNull(s.Index, false)
}

// TimeOf returns a datetime element's value in UTC.
func (r *Record) TimeOf(s Slot) time.Time { return time.UnixMicro(r.Int[s.Pos]).UTC() }

// SetTime sets a datetime element (to the microsecond).
func (r *Record) SetTime(s Slot, t time.Time) {
	r.Int[s.Pos] = t.UnixMicro()
	r.setNull(s.Index, false)
}

// RefID returns the id of a single associated object (0 when null).
func (r *Record) RefID(s Slot) int64 { return int64(r.Ref[s.Pos]) }

// SetRef sets a single association by id; 0 makes it null.
func (r *Record) SetRef(s Slot, id int64) {
	if id == 0 {
		r.SetNull(s)
		return
	}
	if id < 0 || id > MaxID {
		panic(fmt.Sprintf("store: reference to id %d, beyond MaxID", id)) // ids come from the store, which keeps them below
	}
	r.Ref[s.Pos] = uint32(id)
	r.setNull(s.Index, false)
}

// ListIDs returns the ids of a list association, in a new slice.
func (r *Record) ListIDs(s Slot) []int64 {
	start, end := r.listBounds(s.Pos)
	ids := make([]int64, end-start)
	for i, id := range r.List[start:end] {
		ids[i] = int64(id)
	}
	return ids
}

// ListLen returns the number of ids in a list association.
func (r *Record) ListLen(s Slot) int {
	start, end := r.listBounds(s.Pos)
	return end - start
}

// AnyListID reports whether f holds for some id of a list association, without allocating: a scan's predicate
// calls it on every user.
func (r *Record) AnyListID(s Slot, f func(id int64) bool) bool {
	start, end := r.listBounds(s.Pos)
	for _, id := range r.List[start:end] {
		if f(int64(id)) {
			return true
		}
	}
	return false
}

// SetList replaces a list association. Ids are below MaxID, as SetRef's.
func (r *Record) SetList(s Slot, ids []int64) {
	r.replaceList(s.Pos, ids)
	r.setNull(s.Index, false)
}

func (r *Record) listBounds(pos int) (start, end int) {
	if pos > 0 {
		start = int(r.listEnd[pos-1])
	}
	return start, int(r.listEnd[pos])
}

// replaceList swaps one list's ids in the shared array (into a new array: a stored record's array is never
// written, as readers may hold it).
func (r *Record) replaceList(pos int, ids []int64) {
	start, end := r.listBounds(pos)
	next := make([]uint32, 0, len(r.List)-(end-start)+len(ids))
	next = append(next, r.List[:start]...)
	for _, id := range ids {
		if id < 0 || id > MaxID {
			panic(fmt.Sprintf("store: list holding id %d, beyond MaxID", id)) // ids come from the store and the catalog
		}
		next = append(next, uint32(id))
	}
	next = append(next, r.List[end:]...)
	delta := len(ids) - (end - start)
	for i := pos; i < len(r.listEnd); i++ {
		r.listEnd[i] = uint32(int(r.listEnd[i]) + delta)
	}
	r.List = next
}

// OwnedOf returns an owned object (nil when null).
func (r *Record) OwnedOf(s Slot) *Owned { return r.Owned[s.Pos] }

// SetOwned sets an owned object; nil makes it null.
func (r *Record) SetOwned(s Slot, o *Owned) {
	if o == nil {
		r.SetNull(s)
		return
	}
	r.Owned[s.Pos] = o
	r.setNull(s.Index, false)
}

package store

import (
	"fmt"

	"github.com/coupa-kit/coupa-users/spec"
)

// Layout assigns every element of the spec a slot in a Record, by kind. Records are laid out from the spec rather
// than from a hand-written struct so that an element added to the table is stored, validated and returned without
// touching the fake; slots keep a record compact (100,000 users must fit in 2 KB each).
type Layout struct {
	// Elements are the spec's elements, in the spec's order; an element's index is its position here.
	Elements []*spec.Element
	// Unique are the elements whose values are unique across users (compared case-insensitively).
	Unique []*spec.Element

	slots       map[string]Slot
	uniqueSlots []Slot         // the slots of Unique, in its order (looked up on every write)
	uniquePos   map[string]int // an element of Unique's position there
	counts      [kindCount]int
	objects     map[string]*spec.Object
}

// Slot says where an element lives in a Record.
type Slot struct {
	Index int  // the element's index in Layout.Elements (its null bit)
	Kind  kind // which array of the record
	Pos   int  // position in that array
}

type kind int

const (
	kindStr   kind = iota // strings
	kindInt               // integers
	kindBool              // booleans (bits)
	kindTime              // datetimes, as Unix microseconds in Int after the integers (one slice fewer a record)
	kindRef               // one associated object, by id
	kindList              // a list of associated objects, by id
	kindOwned             // an object owned by the user and stored by value (phone numbers)
	kindCount
)

// NewLayout lays out the spec's elements.
func NewLayout(s *spec.Spec) (*Layout, error) {
	l := &Layout{Elements: s.Elements, slots: map[string]Slot{}, objects: s.Objects}
	if len(s.Elements) > 128 {
		return nil, fmt.Errorf("layout: %d elements, records hold at most 128 null bits", len(s.Elements))
	}
	for i, e := range s.Elements {
		var k kind
		switch e.Kind {
		case spec.KindString, spec.KindDecimal:
			k = kindStr
		case spec.KindInteger:
			k = kindInt
		case spec.KindBoolean:
			k = kindBool
		case spec.KindDateTime:
			k = kindTime
		case spec.KindObject:
			ob := s.Objects[e.Object]
			switch {
			case e.List:
				k = kindList
			case len(ob.NaturalKeys) == 0:
				k = kindOwned
			default:
				k = kindRef
			}
		default:
			return nil, fmt.Errorf("layout: element %s has kind %v", e.Name, e.Kind)
		}
		l.slots[e.Name] = Slot{Index: i, Kind: k, Pos: l.counts[k]}
		l.counts[k]++
		if e.Unique {
			l.Unique = append(l.Unique, e)
		}
	}
	for name, sl := range l.slots {
		if sl.Kind == kindTime {
			sl.Pos += l.counts[kindInt]
			l.slots[name] = sl
		}
	}
	l.uniquePos = make(map[string]int, len(l.Unique))
	for i, e := range l.Unique {
		l.uniqueSlots = append(l.uniqueSlots, l.slots[e.Name])
		l.uniquePos[e.Name] = i
	}
	if l.counts[kindBool] > 64 {
		return nil, fmt.Errorf("layout: %d booleans, records hold at most 64", l.counts[kindBool])
	}
	return l, nil
}

// Slot returns where the named element lives; ok is false for names the spec does not know.
func (l *Layout) Slot(name string) (Slot, bool) {
	s, ok := l.slots[name]
	return s, ok
}

// Element returns the named element, or nil.
func (l *Layout) Element(name string) *spec.Element {
	if s, ok := l.slots[name]; ok {
		return l.Elements[s.Index]
	}
	return nil
}

// Object returns an associated object type of the spec.
func (l *Layout) Object(name string) *spec.Object { return l.objects[name] }

// New returns an empty record: every element null.
func (l *Layout) New() *Record {
	r := &Record{
		Str: make([]string, l.counts[kindStr]),
		Int: make([]int64, l.counts[kindInt]+l.counts[kindTime]),
		Ref: make([]uint32, l.counts[kindRef]),
	}
	if n := l.counts[kindList]; n > 0 {
		r.listEnd = make([]uint32, n)
	}
	if n := l.counts[kindOwned]; n > 0 {
		r.Owned = make([]*Owned, n)
	}
	for i := range l.Elements {
		r.setNull(i, true)
	}
	return r
}

// Owned reports whether the element is an object stored by value inside the user (a phone number).
func (s Slot) Owned() bool { return s.Kind == kindOwned }

// setID mirrors the record's ID into its "id" element, so that filters and renderers read it like any element.
func (l *Layout) setID(r *Record) {
	if s, ok := l.slots["id"]; ok && s.Kind == kindInt {
		r.SetInteger(s, r.ID)
	}
}

// UniqueStrings marks the string slots whose values are unique across users (by position in Record.Str).
func (l *Layout) UniqueStrings() []bool {
	marks := make([]bool, l.counts[kindStr])
	for _, e := range l.Unique {
		if s := l.slots[e.Name]; s.Kind == kindStr {
			marks[s.Pos] = true
		}
	}
	return marks
}

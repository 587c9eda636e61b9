package store

import (
	"hash/maphash"
	"math/bits"
)

// uniqueIndex finds the user holding a unique element's value (a login, an email). It is an open-addressing table
// of ids placed by a hash of the value's fold (fold.Key): eight bytes a slot, where a map from the folded value
// would spend a key, a value and its bookkeeping on every user. A slot holds the id and 32 bits of the hash, which
// tell most values apart; the store compares the values themselves for the rest (see find).
//
// Probing is linear and Robin Hood: a slot farther from its home than the one in its way takes that one's place,
// so that a search for a value the table does not hold, which every write makes for each unique element, stops
// as soon as it meets a slot nearer its home than the search has come, rather than at the next empty slot.
type uniqueIndex struct {
	seed  maphash.Seed
	slots []uint64 // hash<<32 | id; 0 is empty (ids start at 1)
	shift uint     // a slot's home is the top bits of its hash: hash >> shift
	n     int
}

// The table grows when more than 13 slots in 16 are taken: probes stay short and 100,000 users fit 131,072 slots.
const (
	loadNum, loadDen = 13, 16
	minSlots         = 16
)

func newUniqueIndex(size int) *uniqueIndex {
	x := &uniqueIndex{seed: maphash.MakeSeed()}
	x.resize(size)
	return x
}

// resize makes room for size values, keeping those held.
func (x *uniqueIndex) resize(size int) {
	n := max(minSlots, 1<<bits.Len(uint(size*loadDen/loadNum)))
	if n <= len(x.slots) {
		return
	}
	old := x.slots
	x.slots = make([]uint64, n)
	x.shift = uint(32 - bits.TrailingZeros(uint(n)))
	for _, s := range old {
		if s != 0 {
			x.place(s)
		}
	}
}

func (x *uniqueIndex) hash(key string) uint32 { return uint32(maphash.String(x.seed, key) >> 32) }

func (x *uniqueIndex) home(h uint32) int { return int(h >> x.shift) }

func (x *uniqueIndex) next(i int) int { return (i + 1) & (len(x.slots) - 1) }

// dist is how far the slot at i is from its home.
func (x *uniqueIndex) dist(i int) int {
	return (i - x.home(uint32(x.slots[i]>>32))) & (len(x.slots) - 1)
}

func (x *uniqueIndex) place(s uint64) {
	i, d := x.home(uint32(s>>32)), 0
	for x.slots[i] != 0 {
		if e := x.dist(i); e < d {
			x.slots[i], s = s, x.slots[i]
			d = e
		}
		i, d = x.next(i), d+1
	}
	x.slots[i] = s
}

// find returns the id of the user whose value folds to key. holds(id) reports whether that user's value does: a
// slot knows only a hash of it.
func (x *uniqueIndex) find(key string, holds func(id int64) bool) (int64, bool) {
	h := x.hash(key)
	for i, d := x.home(h), 0; x.slots[i] != 0 && x.dist(i) >= d; i, d = x.next(i), d+1 {
		if s := x.slots[i]; uint32(s>>32) == h && holds(int64(uint32(s))) {
			return int64(uint32(s)), true
		}
	}
	return 0, false
}

// add records that user id holds key, which no other user does.
func (x *uniqueIndex) add(key string, id int64) {
	if (x.n+1)*loadDen > len(x.slots)*loadNum {
		x.resize(2 * (x.n + 1))
	}
	x.place(uint64(x.hash(key))<<32 | uint64(uint32(id)))
	x.n++
}

// remove forgets that user id holds key. The slots after it move back one, up to the first empty one or the first
// at its home (backward-shift deletion), so that no tombstones pile up and the Robin Hood order holds.
func (x *uniqueIndex) remove(key string, id int64) {
	want := uint64(x.hash(key))<<32 | uint64(uint32(id))
	i, d := x.home(uint32(want>>32)), 0
	for x.slots[i] != want {
		if x.slots[i] == 0 || x.dist(i) < d {
			return
		}
		i, d = x.next(i), d+1
	}
	x.n--
	for j := x.next(i); x.slots[j] != 0 && x.dist(j) > 0; i, j = j, x.next(j) {
		x.slots[i] = x.slots[j]
	}
	x.slots[i] = 0
}

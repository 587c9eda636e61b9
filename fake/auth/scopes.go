package auth

import "math/bits"

// catalogue is the scopes a Service knows, in their configured order, with
// each one's position. It is built once by New and never changed, so every
// scopeSet of the Service can point to it instead of holding names.
type catalogue struct {
	names []string
	index map[string]int
}

// scopeSet is an immutable set of scopes: a bitset over a catalogue's
// positions. A client's full grant, an API key's scopes and each verified
// token's scopes are one scopeSet shared by the token cache and by every
// Principal of those credentials, so that authenticating a request copies
// a pointer, not Coupa's 152 names, and Has is a map probe and a bit test.
// Nothing may change a set once it is built; Principal keeps it unexported
// for that reason and hands out copies of its names.
type scopeSet struct {
	cat  *catalogue
	bits []uint64
}

// newScopeSet returns an empty set over cat, to be filled with add before
// it is shared.
func newScopeSet(cat *catalogue) *scopeSet {
	return &scopeSet{cat: cat, bits: make([]uint64, (len(cat.names)+63)/64)}
}

// add puts the scope at catalogue position i in the set; only a set that
// has not been shared yet may be added to.
func (s *scopeSet) add(i int) { s.bits[i/64] |= 1 << (i % 64) }

func (s *scopeSet) hasIndex(i int) bool { return s.bits[i/64]&(1<<(i%64)) != 0 }

// has reports whether scope is in the set; a nil set is empty.
func (s *scopeSet) has(scope string) bool {
	if s == nil {
		return false
	}
	i, ok := s.cat.index[scope]
	return ok && s.hasIndex(i)
}

// len is the number of scopes in the set.
func (s *scopeSet) len() int {
	if s == nil {
		return 0
	}
	n := 0
	for _, w := range s.bits {
		n += bits.OnesCount64(w)
	}
	return n
}

// list returns the set's names in catalogue order, in a new slice (nil for
// a nil set, empty but not nil for an empty one).
func (s *scopeSet) list() []string {
	if s == nil {
		return nil
	}
	out := make([]string, 0, s.len())
	for wi, w := range s.bits {
		for w != 0 {
			out = append(out, s.cat.names[wi*64+bits.TrailingZeros64(w)])
			w &= w - 1
		}
	}
	return out
}

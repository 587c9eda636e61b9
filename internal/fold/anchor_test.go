package fold

import "testing"

// TestAnchoredSearch covers the rare-byte anchor: matches in ASCII text, misses, and non-ASCII runes that fold to
// ASCII letters (ſ is s, K (Kelvin) is k), where the anchor must hand over to the general search.
func TestAnchoredSearch(t *testing.T) {
	for _, c := range []struct {
		needle, hay string
		want        int
	}{
		{"no-such", "john.no-such@example.com", 5},
		{"no-such", "NO-SUCH", 0},
		{"no-such", "no_such", -1},
		{"s-x", "ſ-x", 0},
		{"s-x", "aa ſ-X", 3},
		{"a-b", "a-a-b", 2},
		{"jo-q", "xxjo-qjo-q", 2},
		{"k@z", "\u212a@Z", 0},
	} {
		p := NewPattern(c.needle)
		got := -1
		if p.In(c.hay) {
			got = 0
		}
		if (got >= 0) != (c.want >= 0) {
			t.Errorf("%q in %q: %v, want %v", c.needle, c.hay, got >= 0, c.want >= 0)
		}
		if i := p.Index(c.hay); i != c.want {
			t.Errorf("Index(%q) of %q = %d, want %d", c.hay, c.needle, i, c.want)
		}
	}
}

// TestAnchorIsTheRarestByte: the anchor is the needle's rarest byte by the table of commonness (punctuation rarer
// than any letter), never one of the twins, and the first byte when that is the rarest (no anchor).
func TestAnchorIsTheRarestByte(t *testing.T) {
	for _, c := range []struct {
		needle string
		want   int
	}{
		{"eq", 1},                // q, not e
		{"smith", 4},             // h is rarer than m and t; s is a twin
		{"qzx", 0},               // q is the rarest: the first byte is searched, without an anchor
		{"no-such-substring", 2}, // punctuation
		{"example", 1},           // x is the rarest of its letters
		{"sis", 0},               // only twins: no anchor
	} {
		if got := NewPattern(c.needle).anchor; got != c.want {
			t.Errorf("anchor of %q = %d (%q), want %d", c.needle, got, c.needle[got], c.want)
		}
	}
}

package fold

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/coupa-kit/coupa-users/internal/fuzzcount"
	"github.com/coupa-kit/coupa-users/internal/testexit"
)

// TestMain records how many inputs the fuzz targets really ran (see internal/fuzzcount).
func TestMain(m *testing.M) { testexit.Exit(fuzzcount.Main(m)) }

func TestCompare(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "A", 0}, {"jdoe", "JDoe", 0}, {"a", "b", -1}, {"B", "a", 1}, {"ab", "a", 1}, {"A", "ab", -1},
		{"j_doe", "jdoe", -1}, {"Jönes", "JÖNES", 0}, {"kelvin", "\u212Aelvin", 0}, {"ſ", "S", 0}, {"σ", "ς", 0},
		{"é", "e", 1}, {"x\xff", "x\xfe", 1}, {"x\xff", "X\xff", 0}, {"\xff", "ÿ", -1},
	}
	for _, c := range cases {
		if got := Compare(c.a, c.b); sign(got) != c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Compare(c.b, c.a); sign(got) != -c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d (antisymmetry)", c.b, c.a, got, -c.want)
		}
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func TestPattern(t *testing.T) {
	cases := []struct {
		needle, hay        string
		in, prefix, suffix bool
	}{
		{"", "anything", true, true, true},
		{"", "", true, true, true},
		{"doe", "JDOE", true, false, true},
		{"JD", "jdoe", true, true, false},
		{"x", "", false, false, false},
		{"abc", "ab", false, false, false},
		{"kel", "\u212Aelvin", true, true, false}, // Kelvin sign in the haystack
		{"\u212Ael", "kelvin", true, true, false}, // and in the needle
		{"vin", "\u212Aelvin", true, false, true},
		{"ö", "BJÖRN", true, false, false},
		{"RN", "björn", true, false, true},
		{"jö", "JÖNES", true, true, false},
		{"s", "ſ", true, true, true},
		{"aab", "aaab", true, false, true},
		{"\xff", "a\xffb", true, false, false},
		{"\xff", "a\xfeb", false, false, false},
		{"é", "e", false, false, false},
		{"lvi", "ke" + "lvin", true, false, false},
	}
	for _, c := range cases {
		p := NewPattern(c.needle)
		if got := p.In(c.hay); got != c.in {
			t.Errorf("%q in %q: %v", c.needle, c.hay, got)
		}
		if got := p.PrefixOf(c.hay); got != c.prefix {
			t.Errorf("%q prefix of %q: %v", c.needle, c.hay, got)
		}
		if got := p.SuffixOf(c.hay); got != c.suffix {
			t.Errorf("%q suffix of %q: %v", c.needle, c.hay, got)
		}
	}
}

// FuzzPattern checks the fast paths against a slow reference: fold both strings rune by rune and use the
// strings package.
func FuzzPattern(f *testing.F) {
	for _, s := range [][2]string{{"doe", "JDOE"}, {"kel", "\u212Aelvin"}, {"ö", "BJÖRN"}, {"", "x"}, {"a\xff", "A\xffb"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, needle, hay string) {
		fuzzcount.Inc()
		fn, fh := slowFold(needle), slowFold(hay)
		p := NewPattern(needle)
		if got, want := p.In(hay), strings.Contains(fh, fn); got != want {
			t.Errorf("%q in %q: %v, want %v", needle, hay, got, want)
		}
		if got, want := p.PrefixOf(hay), strings.HasPrefix(fh, fn); got != want {
			t.Errorf("%q prefix of %q: %v, want %v", needle, hay, got, want)
		}
		if got, want := p.SuffixOf(hay), strings.HasSuffix(fh, fn); got != want {
			t.Errorf("%q suffix of %q: %v, want %v", needle, hay, got, want)
		}
		want := -1 // the first rune boundary where the needle starts
		for i := 0; i <= len(hay); {
			if q := NewPattern(needle); q.PrefixOf(hay[i:]) {
				want = i
				break
			}
			if i == len(hay) {
				break
			}
			_, n := decodeFold(hay[i:])
			i += n
		}
		if got := p.Index(hay); got != want {
			t.Errorf("Index(%q) of %q = %d, want %d", hay, needle, got, want)
		}
		if got, want := sign(Compare(needle, hay)), sign(strings.Compare(fh, fn)); got != -want {
			t.Errorf("Compare(%q, %q) = %d, want %d", needle, hay, got, -want)
		}
		if (Key(needle) == Key(hay)) != (Compare(needle, hay) == 0) {
			t.Errorf("Key disagrees with Compare on %q, %q", needle, hay)
		}
	})
}

// slowFold maps each rune (an invalid byte being a rune of its own) to a fixed-width code, so that the strings
// package's byte operations on the result are rune operations on the folded text.
func slowFold(s string) string {
	var b strings.Builder
	for s != "" {
		r, n := decodeFold(s)
		s = s[n:]
		v := uint32(r + 512) // invalid bytes are -128..-1: keep every code positive, in order
		b.WriteByte(byte(v >> 24))
		b.WriteByte(byte(v >> 16))
		b.WriteByte(byte(v >> 8))
		b.WriteByte(byte(v))
	}
	return b.String()
}

// TestASCIITwins checks asciiTwins against the Unicode tables: exactly those ASCII runes have a non-ASCII rune
// folding to them.
func TestASCIITwins(t *testing.T) {
	var found [128]bool
	for r := rune(utf8.RuneSelf); r <= unicode.MaxRune; r++ {
		if c := canon(r); c < utf8.RuneSelf {
			found[c] = true
		}
	}
	if found != asciiTwins {
		for c := range found {
			if found[c] != asciiTwins[c] {
				t.Errorf("%q: folded to by a non-ASCII rune %v, listed %v", rune(c), found[c], asciiTwins[c])
			}
		}
	}
}

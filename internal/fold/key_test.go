package fold

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// twins are pieces that fold together, by class: the tricky runes (ſ, the Kelvin sign, dotless ı and dotted İ, ẞ,
// final ς), accents, and invalid bytes, which equal nothing but themselves and may run into their neighbours
// ("\xc3" before "\xa9" is é).
var twins = [][]string{
	{"s", "S", "ſ"}, {"k", "K", "\u212a"}, {"i", "I", "ı", "İ"}, {"ß", "ẞ"}, {"é", "É"}, {"e", "E"},
	{"σ", "ς", "Σ"}, {"ⱥ", "Ⱥ"}, {"a", "A"}, {"z", "Z"}, {"."}, {" "}, {"\uFFFD"},
	{"\xff"}, {"\xfe"}, {"\xc3"}, {"\xa9"}, {"\x80"}, {"\xe2\x84"},
}

// randomPair draws a string from twins and, half the time, a twin of it (each piece swapped for one of its class),
// otherwise an unrelated string, so that both equal and unequal pairs come up often.
func randomPair(rng *rand.Rand) (a, b string) {
	var x, y strings.Builder
	n := rng.IntN(7)
	twin := rng.IntN(2) == 0
	for range n {
		class := twins[rng.IntN(len(twins))]
		x.WriteString(class[rng.IntN(len(class))])
		if twin {
			y.WriteString(class[rng.IntN(len(class))])
		}
	}
	if !twin {
		for range rng.IntN(7) {
			class := twins[rng.IntN(len(twins))]
			y.WriteString(class[rng.IntN(len(class))])
		}
	}
	return x.String(), y.String()
}

// TestKeyMatchesCompare is the invariant the store and the query engine rely on, that an index lookup by Key finds
// what a scan by Compare finds: Key(a) == Key(b) exactly when Compare(a, b) == 0. With it: AppendKey is Key, Equal
// is Compare's zero, a key is its own key, and Compare is antisymmetric.
func TestKeyMatchesCompare(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	equal := 0
	for range 200_000 {
		a, b := randomPair(rng)
		ka, kb := Key(a), Key(b)
		c := Compare(a, b)
		if (ka == kb) != (c == 0) {
			t.Fatalf("Key(%q) = %q, Key(%q) = %q, but Compare = %d", a, ka, b, kb, c)
		}
		if Equal(a, b) != (c == 0) {
			t.Fatalf("Equal(%q, %q) = %v, Compare = %d", a, b, Equal(a, b), c)
		}
		if sign(Compare(b, a)) != -sign(c) {
			t.Fatalf("Compare(%q, %q) = %d, but the other way %d", a, b, c, Compare(b, a))
		}
		if got := string(AppendKey([]byte("x"), a)); got != "x"+ka {
			t.Fatalf("AppendKey(x, %q) = %q, want x + %q", a, got, ka)
		}
		if Key(ka) != ka || Compare(ka, a) != 0 {
			t.Fatalf("Key(%q) = %q, whose key is %q (Compare %d)", a, ka, Key(ka), Compare(ka, a))
		}
		if len(ka) > maxKeyLen(len(a)) {
			t.Fatalf("Key(%q) = %q: %d bytes from %d", a, ka, len(ka), len(a))
		}
		if c == 0 {
			equal++
		}
	}
	if equal < 50_000 {
		t.Errorf("only %d equal pairs: the generator tests too little of the invariant", equal)
	}
}

// TestKeyLength checks maxKeyLen (the room AppendKey promises to need at most) against every rune, and that every
// rune's key is its canonical rune, which is its own.
func TestKeyLength(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		s := string(r)
		k := Key(s)
		if len(k) > maxKeyLen(len(s)) {
			t.Errorf("%U: key %q, %d bytes from %d", r, k, len(k), len(s))
		}
		if c := canon(r); k != string(c) || canon(c) != c {
			t.Errorf("%U: key %q, canon %U, whose canon is %U", r, k, c, canon(c))
		}
	}
}

func TestKey(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""}, {"jdoe", "jdoe"}, {"JDoe", "jdoe"}, {"dr.ſam", "dr.sam"}, {"\u212Aelvin", "kelvin"},
		{"İı", "ii"}, {"ẞ", "ß"}, {"ΣΑς", "σασ"}, {"Müller", "müller"}, {"A\xffB", "a\xffb"}, {"\xc3É", "\xc3é"},
	} {
		if got := Key(c.in); got != c.want {
			t.Errorf("Key(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestKeyAllocations: a string that is its own key is returned as it is, so indexing users whose logins are
// already lower case costs nothing; AppendKey into a buffer large enough allocates nothing at all.
func TestKeyAllocations(t *testing.T) {
	for _, s := range []string{"jane.doe@example.com", "müller", "a\xffb", "σ"} {
		if n := testing.AllocsPerRun(100, func() { _ = Key(s) }); n != 0 {
			t.Errorf("Key(%q): %v allocations", s, n)
		}
	}
	var buf [64]byte
	for _, s := range []string{"Jane.Doe@Example.com", "MÜLLER", "\u212Aelvin", "ȺȺȺȺ"} {
		if n := testing.AllocsPerRun(100, func() { _ = AppendKey(buf[:0], s) }); n != 0 {
			t.Errorf("AppendKey(%q): %v allocations", s, n)
		}
	}
}

func BenchmarkCompare(b *testing.B) {
	for _, c := range []struct{ name, a, b string }{
		{"ascii-equal", "Jennifer.Rodriguez12345", "jennifer.rodriguez12345"},
		{"ascii-differ", "Jennifer.Rodriguez12345", "jennifer.rodriguez12346"},
		{"non-ascii", "Sofía.Müller12345", "SOFÍA.MÜLLER12345"},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				Compare(c.a, c.b)
			}
		})
	}
}

func BenchmarkKey(b *testing.B) {
	for _, c := range []struct{ name, s string }{
		{"ascii-lower", "jennifer.rodriguez12345"}, {"ascii-mixed", "Jennifer.Rodriguez12345"},
		{"non-ascii", "Sofía.Müller12345"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Key(c.s)
			}
		})
	}
}

func BenchmarkPatternIn(b *testing.B) {
	hay := "jennifer.rodriguez12345@subsidiary.example.org"
	for _, needle := range []string{"QZX", "EXAMPLE", "ÜLX", "s.x"} {
		p := NewPattern(needle)
		b.Run(needle, func(b *testing.B) {
			for b.Loop() {
				p.In(hay)
			}
		})
	}
}

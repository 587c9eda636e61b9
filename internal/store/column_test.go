package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/internal/fold"
	"github.com/coupa-kit/coupa-users/internal/fuzzcount"
)

// searchPieces are what the values and needles below are made of: runes that fold together (ſ is s, K (Kelvin) is
// k, ı and İ are i, Ⱥ grows when folded), ASCII in both cases, and bytes a column does not lay out (a zero byte, an
// invalid one).
var searchPieces = []string{"s", "S", "ſ", "k", "K", "\u212a", "i", "I", "ı", "İ", "é", "É", "ß", "ẞ", "Ⱥ", "ⱥ",
	"a", "A", "b", "@", ".", "-", "\x00", "\xff"}

func drawValue(rng *rand.Rand, most int) string {
	var b strings.Builder
	for range rng.IntN(most + 1) {
		b.WriteString(searchPieces[rng.IntN(len(searchPieces))])
	}
	return b.String()
}

// matches is the fold's own answer to a term (package fold), which a search must agree with.
func matches(m Match, value, needle string) bool {
	p := fold.NewPattern(needle)
	switch m {
	case Prefix:
		return p.PrefixOf(value)
	case Suffix:
		return p.SuffixOf(value)
	case Whole:
		return fold.Equal(value, needle)
	}
	return p.In(value)
}

// TestSearchAgreesWithTheFold: for random Unicode values and needles, every match, a search offers every user whose
// value matches under the fold, in ascending id, and no user whose value it could lay out and does not match. It
// holds after the writes that keep a column up to date (creates at the end, updates) and those that make it be
// built again (a create in the middle, a revert, a replace).
func TestSearchAgreesWithTheFold(t *testing.T) {
	ctx := context.Background()
	m, l := newTestStore(t)
	first, _ := l.Slot("firstname")
	rng := rand.New(rand.NewPCG(3, 5))
	values := map[int64]string{}
	changed := map[int64]bool{} // users updated since their column was built: the search may offer them anyway
	put := func(id int64) {
		r := l.New()
		r.ID = id
		v := drawValue(rng, 6)
		r.SetString(first, v)
		if _, err := m.Create(ctx, r); err != nil {
			t.Fatal(err)
		}
		values[r.ID] = v
	}
	for id := int64(1); id <= 300; id++ {
		put(id * 2) // even ids, so that odd ones can go in between
	}
	check := func(stage string) {
		t.Helper()
		failures := 0
		for range 300 {
			needle := drawValue(rng, 3)
			if needle == "" {
				continue
			}
			for _, match := range []Match{Anywhere, Prefix, Suffix, Whole} {
				from := int64(rng.IntN(40))
				var got []int64
				ok, err := m.Search(ctx, []Term{{Element: "firstname", Match: match, Value: needle}}, from,
					func(r *Record) bool { got = append(got, r.ID); return true })
				if !ok || err != nil {
					t.Fatalf("%s: search %q: ok %v, %v", stage, needle, ok, err)
				}
				if !slices.IsSorted(got) {
					t.Errorf("%s: %q: offered out of order: %v", stage, needle, got)
				}
				for id, v := range values {
					want := id >= from && matches(match, v, needle)
					offered := slices.Contains(got, id)
					mayOffer := id >= from && (!layable(v) || changed[id])
					if want && !offered || offered && !want && !mayOffer {
						t.Errorf("%s: match %d of %q on user %d, %q: offered %v, matches %v", stage, match, needle, id, v, offered, want)
						if failures++; failures > 10 {
							t.FailNow()
						}
					}
				}
			}
		}
	}
	check("built")
	for id := int64(601); id <= 650; id++ {
		put(id) // at the end: laid out in place
	}
	for range 100 {
		id := 2 * int64(1+rng.IntN(300))
		v := drawValue(rng, 6)
		if _, err := m.Update(ctx, id, func(r *Record) error { r.SetString(first, v); return nil }); err != nil {
			t.Fatal(err)
		}
		if v != values[id] {
			changed[id] = true
		}
		values[id] = v
	}
	check("after creates at the end and updates")
	put(3) // in the middle: built again
	clear(changed)
	check("after a create in the middle")
	prev, _, _ := m.Get(ctx, 4)
	if _, err := m.Update(ctx, 4, func(r *Record) error { r.SetString(first, "zzz"); return nil }); err != nil {
		t.Fatal(err)
	}
	m.Revert(4, prev)
	check("after a revert")
}

// TestSearchTermsTogether: with several terms, a user is offered only if it may meet all of them, whichever leads.
func TestSearchTermsTogether(t *testing.T) {
	ctx := context.Background()
	m, l := newTestStore(t)
	first, _ := l.Slot("firstname")
	last, _ := l.Slot("lastname")
	for _, n := range [][2]string{{"Ann", "Smith"}, {"Anna", "Jones"}, {"Bob", "Smith"}, {"Joanne", "Smithers"}} {
		r := l.New()
		r.SetString(first, n[0])
		r.SetString(last, n[1])
		if _, err := m.Create(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		terms []Term
		want  []int64
	}{
		{[]Term{{"firstname", Anywhere, "ANN"}, {"lastname", Prefix, "smith"}}, []int64{1, 4}},
		{[]Term{{"lastname", Prefix, "smith"}, {"firstname", Anywhere, "ANN"}}, []int64{1, 4}},
		{[]Term{{"firstname", Whole, "ann"}, {"lastname", Whole, "smith"}}, []int64{1}},
		{[]Term{{"firstname", Suffix, "b"}, {"lastname", Suffix, "s"}}, nil},
		{[]Term{{"firstname", Prefix, "x\x00"}, {"lastname", Anywhere, "o"}}, nil}, // no value holds a zero byte
	} {
		var got []int64
		ok, err := m.Search(ctx, c.terms, 0, func(r *Record) bool { got = append(got, r.ID); return true })
		if !ok || err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%v: %v (ok %v, %v), want %v", c.terms, got, ok, err, c.want)
		}
	}
	// What a column cannot narrow is left to a scan.
	for _, terms := range [][]Term{{{"firstname", Anywhere, ""}}, {{"no-such", Anywhere, "x"}}, {{"active", Whole, "true"}}, nil} {
		if ok, err := m.Search(ctx, terms, 0, func(*Record) bool { t.Fatal("offered"); return false }); ok || err != nil {
			t.Errorf("%v: ok %v, %v", terms, ok, err)
		}
	}
}

// TestSearchStopsWhenCancelled: a search offering many users checks the context as it goes.
func TestSearchStopsWhenCancelled(t *testing.T) {
	m, l := newTestStore(t)
	first, _ := l.Slot("firstname")
	for range 5000 {
		r := l.New()
		r.SetString(first, "ann")
		if _, err := m.Create(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := m.Search(ctx, []Term{{"firstname", Whole, "ANN"}}, 0, func(*Record) bool {
		if n++; n == 1500 {
			cancel()
		}
		return true
	})
	if !errors.Is(err, context.Canceled) || n >= 5000 {
		t.Errorf("%d users offered, %v", n, err)
	}
}

// FuzzSearch checks a column search against the fold on three values: every match is offered, and a value the
// column lays out is offered only if it matches.
func FuzzSearch(f *testing.F) {
	f.Add("jdoe@example.com", "Ann Smith", "\u212aelvin", "SMITH", byte(0))
	f.Add("ſam", "sam", "SAM", "sa", byte(1))
	f.Add("a\x00b", "\xffab", "Ⱥx", "ⱥX", byte(3))
	f.Add("", "x", "xx", "x", byte(2))
	m, l := newTestStore(f)
	first, _ := l.Slot("firstname")
	f.Fuzz(func(t *testing.T, a, b, c, needle string, match byte) {
		fuzzcount.Inc()
		values := []string{a, b, c}
		recs := make([]*Record, len(values))
		for i, v := range values {
			recs[i] = l.New()
			recs[i].ID = int64(i + 1)
			recs[i].SetString(first, v)
		}
		if err := m.Replace(context.Background(), recs); err != nil {
			t.Fatal(err)
		}
		mt := Match(match % 4)
		var got []int64
		ok, err := m.Search(context.Background(), []Term{{Element: "firstname", Match: mt, Value: needle}}, 0,
			func(r *Record) bool { got = append(got, r.ID); return true })
		if err != nil || ok != (needle != "") {
			t.Fatalf("search %q: ok %v, %v", needle, ok, err)
		}
		if !ok {
			return
		}
		for i, v := range values {
			want, offered := matches(mt, v, needle), slices.Contains(got, int64(i+1))
			if want && !offered || offered && !want && layable(v) {
				t.Errorf("match %d of %q on %q: offered %v, matches %v", mt, needle, v, offered, want)
			}
		}
	})
}

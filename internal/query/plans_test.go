package query

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/internal/fold"
	"github.com/coupa-kit/coupa-users/internal/store"
)

// foldClasses are runes that fold together, the tricky ones first: ſ is s, K (Kelvin) is k, ı and İ are i, ẞ is ß.
// Logins drawn from them collide under the case fold much more often than under strings.ToLower.
var foldClasses = [][]string{
	{"s", "S", "ſ"}, {"k", "K", "\u212a"}, {"i", "I", "ı", "İ"}, {"ß", "ẞ"}, {"é", "É"}, {"σ", "ς", "Σ"},
	{"a", "A"}, {"m", "M"}, {"."}, {"_"},
}

// foldedLogin draws a login of one to five runes from foldClasses.
func foldedLogin(rng *rand.Rand) string {
	var b strings.Builder
	for range 1 + rng.IntN(5) {
		class := foldClasses[rng.IntN(len(foldClasses))]
		b.WriteString(class[rng.IntN(len(class))])
	}
	return b.String()
}

// foldTwin spells s again with each rune replaced by a random member of its class: a value every plan must treat
// as s.
func foldTwin(rng *rand.Rand, s string) string {
	var b strings.Builder
	for _, r := range s {
		twin := string(r)
		for _, class := range foldClasses {
			if slices.Contains(class, string(r)) {
				twin = class[rng.IntN(len(class))]
			}
		}
		b.WriteString(twin)
	}
	return b.String()
}

// TestPlansAgreeOnFolding: the answer to "login equals v" must not depend on the plan that finds it. The store's
// unique index (login=v, login[in]=v), a range scan (gt_or_eq and lt_or_eq), an in-set (16 values or more, looked
// up or scanned), a plain scan of the same predicate and the store's column search must return the same users, for values that are case
// variants and fold-twins (ſ for s, K for k...) of stored logins, and the store must refuse a login that folds to
// one it holds.
func TestPlansAgreeOnFolding(t *testing.T) {
	ctx := context.Background()
	l := testLayout(t)
	st := store.NewMemory(l)
	rng := rand.New(rand.NewPCG(7, 11))
	login, _ := l.Slot("login")
	var logins []string
	for range 400 {
		v := foldedLogin(rng)
		r := l.New()
		r.SetString(login, v)
		_, err := st.Create(ctx, r)
		var conflict *store.ConflictError
		if errors.As(err, &conflict) {
			continue // taken under the fold: what the test is about
		}
		if err != nil {
			t.Fatal(err)
		}
		logins = append(logins, v)
	}
	if len(logins) < 50 {
		t.Fatalf("only %d logins stored: the generator collides too much to test anything", len(logins))
	}
	users, _ := st.Snapshot(ctx)
	byID := map[int64]string{}
	for _, r := range users {
		byID[r.ID] = r.String(login)
	}
	failures := 0
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format, args...)
		if failures++; failures == 20 {
			t.Fatal("too many failures")
		}
	}

	var probes []string
	for _, v := range logins {
		probes = append(probes, v, strings.ToUpper(v), strings.ToLower(v), foldTwin(rng, v), foldTwin(rng, v))
	}
	for range 200 {
		probes = append(probes, foldedLogin(rng))
	}
	fillers := make([]string, setMinSize)
	for i := range fillers {
		fillers[i] = "~" + strconv.Itoa(i) // no login holds ~
	}
	enc := func(kv ...string) string {
		v := url.Values{"limit": {"50"}}
		for i := 0; i < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	for _, v := range probes {
		var want []int64 // by the fold itself, over every user
		for _, r := range users {
			if fold.Equal(r.String(login), v) {
				want = append(want, r.ID)
			}
		}
		if len(want) > 1 {
			fail("%q: users %v hold logins equal under the fold", v, want)
		}
		many := strings.Join(append([]string{v}, fillers...), ",")
		plans := []struct{ name, raw string }{
			{"exact (unique index)", enc("login", v)},
			{"range (scan)", enc("login[gt_or_eq]", v, "login[lt_or_eq]", v)},
			{"in, one value (unique index)", enc("login[in]", v)},
			{"in, 17 values (unique index, set)", enc("login[in]", many)},
			{"in, 18 values with an empty one (scan, set)", enc("login[in]", ","+many)},
		}
		for _, p := range plans {
			if got := run(t, st, l, p.raw); !sameIDs(got, want) {
				fail("%q: %s %s: %v, want %v", v, p.name, p.raw, got, want)
			}
		}
		if got := scanAll(t, st, l, enc("login", v), users); !sameIDs(got, want) {
			fail("%q: exact as a full scan: %v, want %v", v, got, want)
		}
		if got := searchAll(t, st, l, enc("login", v)); !sameIDs(got, want) {
			fail("%q: exact as a column search: %v, want %v", v, got, want)
		}
		// Patterns are not equality, but whatever equals v also contains it, starts and ends with it; and the store's
		// column search finds what a scan does.
		for _, op := range []string{"contains", "starts_with", "ends_with"} {
			raw := enc("login["+op+"]", v)
			got := run(t, st, l, raw)
			for _, id := range want {
				if !slices.Contains(got, id) {
					fail("%q: login[%s] misses user %d, %q", v, op, id, byID[id])
				}
			}
			if scanned, searched := scanAll(t, st, l, raw, users), searchAll(t, st, l, raw); !sameIDs(scanned, searched) {
				fail("%q: login[%s]: a scan finds %v, a column search %v", v, op, scanned, searched)
			}
		}
	}
}

// searchAll runs a query's predicates over the users the store's column search offers (Store.Search), every one.
func searchAll(t *testing.T, st store.Store, l *store.Layout, raw string) []int64 {
	t.Helper()
	q := mustParse(t, raw)
	p := &planner{ctx: context.Background(), st: st, layout: l, cat: testCatalog}
	preds, _, err := p.compile(q.Conditions)
	if err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	out := []int64{}
	searched, err := search(context.Background(), st, q.Conditions, 0, func(r *store.Record) bool {
		if all(preds, r) {
			out = append(out, r.ID)
		}
		return true
	})
	if !searched || err != nil {
		t.Fatalf("%s: no column search (%v)", raw, err)
	}
	return out
}

// scanAll runs a query's predicates over every user, bypassing the planner's choice of lookups: the plain scan.
func scanAll(t *testing.T, st store.Store, l *store.Layout, raw string, users []*store.Record) []int64 {
	t.Helper()
	p := &planner{ctx: context.Background(), st: st, layout: l, cat: testCatalog}
	preds, none, err := p.compile(mustParse(t, raw).Conditions)
	if err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	out := []int64{}
	for _, r := range users {
		if !none && all(preds, r) {
			out = append(out, r.ID)
		}
	}
	return out
}

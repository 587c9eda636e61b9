package query

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/internal/store"
)

var (
	firstNames = []string{"James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William",
		"Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
		"Christopher", "Nancy", "Daniel", "Lisa", "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra", "Olga",
		"Hiroshi", "Priya", "Mohammed", "Sofía", "Lukas", "Chloé", "Mateo", "Aisha", "Björn"}
	lastNames = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
		"Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson",
		"Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
		"Müller", "Tanaka", "Patel", "Nguyen", "Kowalski", "Dubois", "Rossi", "Ivanova", "Okafor", "Johansson"}
	domains = []string{"example.com", "corp.example.com", "example.co.uk", "example.de", "subsidiary.example.org"}
)

// realisticUsers builds n users the way a Coupa instance looks: firstname.lastname logins made unique with a
// counter, emails on a few domains, managers, roles, a currency, timestamps.
func realisticUsers(tb testing.TB, l *store.Layout, n int) []*store.Record {
	rng := rand.New(rand.NewPCG(1, 2))
	recs := make([]*store.Record, n)
	base := ts("2019-01-01T00:00:00Z")
	for i := range recs {
		first, last := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
		login := fmt.Sprintf("%s.%s%d", first, last, i+1)
		f := fields{
			"login": login, "email": login + "@" + domains[rng.IntN(len(domains))],
			"firstname": first, "lastname": last, "fullname": first + " " + last,
			"employee-number": fmt.Sprintf("E%06d", i+1), "active": rng.IntN(10) > 0,
			"created-at": base.Add(time.Duration(i) * time.Hour), "updated-at": base.Add(time.Duration(i)*time.Hour + time.Minute),
			"roles": []int64{3}, "default-currency": int64(1 + rng.IntN(3)),
		}
		if i > 0 {
			f["manager"] = int64(1 + rng.IntN(i))
		}
		recs[i] = mkUser(tb, l, int64(i+1), f)
	}
	return recs
}

var benchStores = struct {
	sync.Mutex
	m map[int]*store.Memory
	l *store.Layout
}{m: map[int]*store.Memory{}}

func benchStore(b *testing.B, n int) (*store.Memory, *store.Layout) {
	benchStores.Lock()
	defer benchStores.Unlock()
	if benchStores.l == nil {
		benchStores.l = testLayout(b)
	}
	if m := benchStores.m[n]; m != nil {
		return m, benchStores.l
	}
	m := store.NewMemory(benchStores.l)
	if err := m.Replace(context.Background(), realisticUsers(b, benchStores.l, n)); err != nil {
		b.Fatal(err)
	}
	benchStores.m[n] = m
	return m, benchStores.l
}

// benchQuery parses and runs raw b.N times and reports the median and the fastest time per query besides the mean.
func benchQuery(b *testing.B, n int, raw string, wantMin, wantMax int) {
	st, l := benchStore(b, n)
	v, err := url.ParseQuery(raw)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	times := make([]time.Duration, 0, 1024)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		q, err := Parse(v, testSpec)
		if err != nil {
			b.Fatal(err)
		}
		recs, err := Execute(ctx, st, l, q, testCatalog)
		if err != nil {
			b.Fatal(err)
		}
		if len(recs) < wantMin || len(recs) > wantMax {
			b.Fatalf("%s: %d users", raw, len(recs))
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns/op")
	b.ReportMetric(float64(times[0].Nanoseconds()), "min-ns/op") // the least disturbed run, on a shared machine
}

// BenchmarkContains100k: a substring no email has scans every user; a common one stops at the first page.
func BenchmarkContains100k(b *testing.B) {
	b.Run("rare-full-scan", func(b *testing.B) { benchQuery(b, 100_000, "email[contains]=QZX", 0, 0) })
	b.Run("rare-non-ascii", func(b *testing.B) { benchQuery(b, 100_000, "lastname[contains]=ÜLX", 0, 0) })
	b.Run("many-early-stop", func(b *testing.B) { benchQuery(b, 100_000, "email[contains]=EXAMPLE", 50, 50) })
	b.Run("and-active-ends-with", func(b *testing.B) {
		benchQuery(b, 100_000, "active=false&email[ends_with]=.DE&login[starts_with]=zz", 0, 0)
	})
}

// BenchmarkLookupLogin shows the exact-login path does not depend on the number of users.
func BenchmarkLookupLogin(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		st, l := benchStore(b, n)
		r, _, _ := st.Get(context.Background(), int64(n/2))
		s, _ := l.Slot("login")
		login := r.String(s)
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) { benchQuery(b, n, "login="+url.QueryEscape(login), 1, 1) })
	}
}

// BenchmarkAssociations100k: association filters resolve into id sets before the main scan.
func BenchmarkAssociations100k(b *testing.B) {
	b.Run("manager-login-starts-with", func(b *testing.B) {
		benchQuery(b, 100_000, "manager[login][starts_with]=zz", 0, 0)
	})
	b.Run("manager-login-exact", func(b *testing.B) { benchQuery(b, 100_000, "manager[login]=nobody.here1&limit=50", 0, 0) })
	b.Run("currency-code", func(b *testing.B) { benchQuery(b, 100_000, "default-currency[code]=EUR&id[gt]=99000", 1, 50) })
}

// BenchmarkOrderBy100k sorts every user.
func BenchmarkOrderBy100k(b *testing.B) {
	b.Run("lastname", func(b *testing.B) { benchQuery(b, 100_000, "order_by=lastname&offset=100", 50, 50) })
	b.Run("created-at-desc", func(b *testing.B) { benchQuery(b, 100_000, "order_by=created_at&dir=desc", 50, 50) })
	// A short prefix on a common letter: the search finds many users, which are then sorted.
	b.Run("starts-with-a-by-login", func(b *testing.B) {
		benchQuery(b, 100_000, "firstname[starts_with]=a&order_by=login", 50, 50)
	})
}

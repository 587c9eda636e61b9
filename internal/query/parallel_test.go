package query

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/coupa-kit/coupa-users/internal/store"
)

// sequential hides the store's Split, so that Execute scans on one goroutine: the reference the parallel scan
// must agree with.
type sequential struct{ store.Store }

func TestParallelScanGivesTheSequentialPage(t *testing.T) {
	l := testLayout(t)
	m := store.NewMemory(l)
	var recs []*store.Record
	for i := range 3 * parallelFrom {
		id := int64(i*2 + 1) // sparse ids, as after a reset with gaps
		recs = append(recs, mkUser(t, l, id, fields{
			"login":    fmt.Sprintf("user%05d", i),
			"email":    fmt.Sprintf("u%05d@%s.example", i, []string{"alpha", "beta", "gamma"}[i%3]),
			"lastname": fmt.Sprintf("Name%03d", (i*7919)%997),
			"active":   i%5 != 0,
		}))
	}
	if err := m.Replace(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	if starts, err := m.Split(context.Background(), 0, 4); err != nil || len(starts) != 4 {
		t.Fatalf("the store does not split into four parts: %v %v", starts, err)
	}
	for _, q := range []string{
		"email[contains]=gamma",
		"email[contains]=gamma&offset=40000&limit=50",
		"email[contains]=nowhere",
		"email[ends_with]=beta.example&offset=7&limit=13",
		"active=false&order_by=id&dir=desc&limit=20",
		"active=false&order_by=id&dir=desc&offset=1000&limit=20",
		"email[contains]=alpha&order_by=lastname&limit=50",
		"email[contains]=alpha&order_by=lastname&dir=desc&offset=333&limit=50",
		"id[gt]=30000&email[contains]=beta&limit=50",
		"id[lt]=500&limit=50",
		"limit=50&offset=65000",
	} {
		got := run(t, m, l, q)
		want := run(t, sequential{m}, l, q)
		if !sameIDs(got, want) {
			t.Errorf("%s:\n parallel   %v\n sequential %v", q, got, want)
		}
	}
}

// counting counts the searches and scans a query makes of the store.
type counting struct {
	store.Store
	searches, scans atomic.Int32
}

func (c *counting) Search(ctx context.Context, terms []store.Term, from int64, fn func(*store.Record) bool) (bool, error) {
	c.searches.Add(1)
	return c.Store.Search(ctx, terms, from, fn)
}

func (c *counting) Scan(ctx context.Context, from int64, fn func(*store.Record) bool) error {
	c.scans.Add(1)
	return c.Store.Scan(ctx, from, fn)
}

// With order_by every match must be found, so a large store is searched in ranges at once, as it is scanned; in
// id order one search, which stops once the page is full, does it.
func TestLargeSortedSearchIsSplit(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0)))) // a split needs two or more
	l := testLayout(t)
	m := store.NewMemory(l)
	var recs []*store.Record
	for i := range 2 * parallelFrom {
		recs = append(recs, mkUser(t, l, int64(i+1), fields{"login": fmt.Sprintf("user%05d", i),
			"email": fmt.Sprintf("u%05d@example.com", i), "lastname": fmt.Sprintf("Name%03d", (i*7919)%997)}))
	}
	if err := m.Replace(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	for q, split := range map[string]bool{
		"email[contains]=example&order_by=lastname&limit=50": true,
		"email[contains]=example&limit=50":                   false,
		"email[contains]=nowhere":                            false,
	} {
		c := &counting{Store: m}
		run(t, c, l, q)
		if n := c.searches.Load(); (n > 1) != split || c.scans.Load() != 0 {
			t.Errorf("%s: %d searches and %d scans; want one search per range (%v) and no scan", q, n, c.scans.Load(), split)
		}
	}
}

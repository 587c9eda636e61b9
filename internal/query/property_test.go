package query

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/coupa-kit/coupa-users/internal/fold"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// TestNoAllocationsPerUser: scans allocate the same whatever the number of users.
func TestNoAllocationsPerUser(t *testing.T) {
	l := testLayout(t)
	small, large := store.NewMemory(l), store.NewMemory(l)
	ctx := context.Background()
	if err := small.Replace(ctx, realisticUsers(t, l, 200)); err != nil {
		t.Fatal(err)
	}
	if err := large.Replace(ctx, realisticUsers(t, l, 5000)); err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{
		"email[contains]=qzx", "lastname[contains]=ÜLX", "login[starts_with]=kzz", "firstname[ends_with]=Ö",
		"login[gt]=zzz", "login[in]=a,b,c", "email[not_eq]=x&active=false&id[gt]=0",
		"created-at[gt]=2100-01-01", "middlename[blank]=false", "lastname[contains]=k",
		"manager[id]=-1", "roles[id][in]=99",
		"login[in]=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v", "lastname[not_in]=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r",
	} {
		q := mustParse(t, raw)
		run := func(st store.Store) float64 {
			return testing.AllocsPerRun(5, func() {
				if _, err := Execute(ctx, st, l, q, testCatalog); err != nil {
					t.Fatal(err)
				}
			})
		}
		if a, b := run(small), run(large); a != b {
			t.Errorf("%s: %v allocations for 200 users, %v for 5000", raw, a, b)
		}
	}
}

// TestOrderMatchesFullSort: the bounded heap gives the page a full stable sort would.
func TestOrderMatchesFullSort(t *testing.T) {
	l := testLayout(t)
	st := store.NewMemory(l)
	ctx := context.Background()
	recs := realisticUsers(t, l, 700)
	mid, _ := l.Slot("middlename")
	for i, r := range recs { // some nulls, some empties, many ties
		switch i % 3 {
		case 0:
			r.SetString(mid, "")
		case 1:
			r.SetString(mid, []string{"A", "b", "B", "é"}[i%4])
		}
	}
	if err := st.Replace(ctx, recs); err != nil {
		t.Fatal(err)
	}
	all, _ := st.Snapshot(ctx)
	for _, by := range []string{"lastname", "middlename", "created-at", "active", "id", "login"} {
		e := testSpec.Element(by)
		for _, desc := range []bool{false, true} {
			want := slices.Clone(all)
			slices.SortStableFunc(want, reference(l, e, desc))
			for _, offset := range []int{0, 7, 49, 650, 699, 700, 800} {
				for _, limit := range []int{1, 13, 50} {
					raw := fmt.Sprintf("order_by=%s&limit=%d&offset=%d", by, limit, offset)
					if desc {
						raw += "&dir=desc"
					}
					got := run(t, st, l, raw)
					if w := ids(window(want, offset, limit)); !sameIDs(got, w) {
						t.Fatalf("%s: got %v, want %v", raw, got, w)
					}
				}
			}
		}
	}
}

func window(recs []*store.Record, offset, limit int) []*store.Record {
	if offset >= len(recs) {
		return nil
	}
	recs = recs[offset:]
	return recs[:min(limit, len(recs))]
}

// reference is the order spelt out plainly, for a stable sort of records in ascending id.
func reference(l *store.Layout, e *spec.Element, desc bool) func(a, b *store.Record) int {
	s, _ := l.Slot(e.Name)
	key := func(a, b *store.Record) int {
		if e.Name == "id" {
			return cmp.Compare(a.ID, b.ID)
		}
		if an, bn := a.IsNull(s), b.IsNull(s); an || bn {
			return cmp.Compare(boolInt(!an), boolInt(!bn))
		}
		switch e.Kind {
		case spec.KindString:
			return fold.Compare(a.String(s), b.String(s))
		case spec.KindDateTime:
			return a.TimeOf(s).Compare(b.TimeOf(s))
		case spec.KindBoolean:
			return cmp.Compare(boolInt(a.Boolean(s)), boolInt(b.Boolean(s)))
		}
		return cmp.Compare(a.Integer(s), b.Integer(s))
	}
	return func(a, b *store.Record) int {
		if desc {
			return key(b, a)
		}
		return key(a, b)
	}
}

package query

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/coupa-kit/coupa-users/internal/store"
)

// TestFilters runs every operator on every kind of attribute against the five test users (see testUsers).
func TestFilters(t *testing.T) {
	st, l := testStore(t)
	all := []int64{1, 2, 3, 4, 5}
	cases := []struct {
		q    string
		want []int64
	}{
		// Strings: case-insensitive for every operator.
		{"login=JDOE", []int64{1}},
		{"login[contains]=SMI", []int64{2}},
		{"login[starts_with]=J", []int64{1, 5}},
		{"login[ends_with]=DOE", []int64{1, 5}},
		{"login[not_eq]=JDOE", []int64{2, 3, 4, 5}},
		{"login[gt]=JDOE", []int64{4}}, // "j_doe" < "jdoe": '_' sorts before letters once folded
		{"login[lt]=B", []int64{2}},
		{"login[gt_or_eq]=JDOE", []int64{1, 4}},
		{"login[lt_or_eq]=BJONES", []int64{2, 3}},
		{"login[in]=JDOE,Asmith,nobody", []int64{1, 2}},
		{"login[not_in]=jdoe,ASMITH", []int64{3, 4, 5}},
		{"login[contains]=", all},
		{"email=asmith@example.com", []int64{2}},
		{"email[ends_with]=.ORG", []int64{3}},
		{"email[blank]=false", all},
		{"middlename[blank]=true", []int64{1, 2, 4, 5}},
		{"middlename[blank]=false", []int64{3}},
		{"middlename[not_eq]=Q", []int64{2}}, // nulls never match not_eq
		{"middlename=", []int64{2}},
		{"middlename[not_in]=x", []int64{2, 3}},
		{"employee-number[not_in]=E001", []int64{2}},
		{"employee_number[blank]=true", []int64{2, 3, 4, 5}},
		{"fullname[blank]=true", all},
		// Beyond ASCII: folded rune by rune, the Kelvin sign included.
		{"lastname[contains]=JÖN", []int64{3}},
		{"firstname[contains]=Ö", []int64{3}},
		{"lastname[starts_with]=kel", []int64{4}},
		{"lastname[contains]=ELV", []int64{4}},
		{"lastname[ends_with]=NES", []int64{3}},
		{"lastname[ends_with]=VIN", []int64{4}},
		{"lastname=KELVIN", []int64{4}},
		{"lastname[lt]=E", []int64{1, 5}},
		{"lastname[gt]=smith", []int64{}},

		// Integers; id lives outside the slots.
		{"id=2", []int64{2}},
		{"id[not_eq]=2", []int64{1, 3, 4, 5}},
		{"id[gt]=3", []int64{4, 5}},
		{"id[lt]=3", []int64{1, 2}},
		{"id[gt_or_eq]=3", []int64{3, 4, 5}},
		{"id[lt_or_eq]=2", []int64{1, 2}},
		{"id[in]=1,3,99", []int64{1, 3}},
		{"id[in]=1, 3", []int64{1, 3}},
		{"id[not_in]=1,3", []int64{2, 4, 5}},
		{"id[blank]=true", []int64{}},
		{"id[blank]=false", all},
		{"id[gt]=9223372036854775807", []int64{}},
		{"id[lt]=-9223372036854775808", []int64{}},
		{"id[gt]=2&id[lt]=2", []int64{}},
		{"account-security-type=1", []int64{1}},
		{"account-security-type[not_eq]=1", []int64{2, 5}},
		{"account-security-type[gt]=0", []int64{1, 5}},
		{"account-security-type[lt]=1", []int64{2}},
		{"account-security-type[gt_or_eq]=1", []int64{1, 5}},
		{"account-security-type[lt_or_eq]=1", []int64{1, 2}},
		{"account_security_type[in]=0,2", []int64{2, 5}},
		{"account-security-type[not_in]=0", []int64{1, 5}},
		{"account-security-type[blank]=true", []int64{3, 4}},
		{"account-security-type[blank]=false", []int64{1, 2, 5}},

		// Booleans.
		{"active=true", []int64{1, 2, 4}},
		{"active=1", []int64{1, 2, 4}},
		{"active=TRUE", []int64{1, 2, 4}},
		{"active=false", []int64{3, 5}},
		{"active=0", []int64{3, 5}},
		{"active[not_eq]=true", []int64{3, 5}},
		{"aic-user=true", []int64{1, 5}},
		{"aic_user=false", []int64{2}},
		{"aic-user[not_eq]=true", []int64{2}},
		{"aic-user[blank]=true", []int64{3, 4}},
		{"aic-user[blank]=false", []int64{1, 2, 5}},
		{"status=active", []int64{1, 2, 4}},
		{"status=inactive", []int64{3, 5}},

		// Datetimes, to the microsecond; a date alone is midnight UTC.
		{"created-at[gt]=2024-01-01", []int64{2, 3, 4}},
		{"created-at[gt]=2024-01-01T00:00", []int64{2, 3, 4}},
		{"created-at[gt]=2024-01-01T02:00:00%2B02:00", []int64{2, 3, 4}},
		{"created-at[gt_or_eq]=2024-01-01", []int64{1, 2, 3, 4}},
		{"created_at[lt]=2024-01-01", []int64{5}},
		{"created-at[lt_or_eq]=2024-01-01T00:00:00Z", []int64{1, 5}},
		{"created-at=2024-01-02T03:04:05.123456Z", []int64{2}},
		{"created-at=2024-01-02T05:04:05.123456%2B02:00", []int64{2}},
		{"created-at=2024-01-02T03:04:05.1234569Z", []int64{2}},
		{"created-at=2024-01-02T03:04:05Z", []int64{}},
		{"created-at[not_eq]=2024-02-01", []int64{1, 2, 5}},
		{"created-at[gt]=2023-12-31T23:59:59.999998Z", all},
		{"created-at[gt]=2023-12-31T23:59:59.999999Z", []int64{1, 2, 3, 4}},
		{"updated-at[blank]=true", []int64{2, 3, 4, 5}},
		{"updated-at[blank]=false", []int64{1}},
		{"updated_at[gt]=2000-01-01", []int64{1}},
		{"updated-at[not_eq]=2000-01-01", []int64{1}},

		// Decimals, through an approval limit's amount (a string, a float and a null in the catalog).
		{"expense-approval-limit[amount]=1000", []int64{1}},
		{"expense-approval-limit[amount][gt]=500", []int64{1, 2}},
		{"expense-approval-limit[amount][lt]=1000", []int64{4}},
		{"expense-approval-limit[amount][gt_or_eq]=1000.000", []int64{1, 2}},
		{"expense-approval-limit[amount][lt_or_eq]=1000", []int64{1, 4}},
		{"expense-approval-limit[amount][not_eq]=0", []int64{1, 2}},
		{"expense-approval-limit[amount][in]=0,5000.50", []int64{2, 4}},
		{"expense-approval-limit[amount][not_in]=0", []int64{1, 2}},
		{"expense-approval-limit[amount][blank]=true", []int64{3, 5}},
		{"expense-approval-limit[amount][blank]=false", []int64{1, 2, 4}},
		{"expense_approval_limit[name][starts_with]=1000", []int64{1}},

		// Users' associations to users, resolved against the store.
		{"manager[login]=JDOE", []int64{2, 3}},
		{"manager[login]=nobody", []int64{}},
		{"manager[login][starts_with]=j", []int64{2, 3}},
		{"manager[login][starts_with]=A", []int64{4}},
		{"manager[login][not_eq]=jdoe", []int64{4}},
		{"manager[login][blank]=true", []int64{1, 5}},
		{"manager[email][contains]=EXAMPLE.COM", []int64{2, 3, 4}},
		{"manager[email][in]=jdoe@example.com,nobody@example.com", []int64{2, 3}},
		{"manager[id]=1", []int64{2, 3}},
		{"manager[id][not_eq]=1", []int64{4}},
		{"manager[id][blank]=true", []int64{1, 5}},
		{"manager[id]=1&manager[login]=asmith", []int64{}},
		{"manager[blank]=true", []int64{1, 5}},
		{"manager[blank]=false", []int64{2, 3, 4}},
		{"created-by[login]=jdoe", []int64{}},
		{"created-by[blank]=true", all},

		// Catalog associations; a list matches when any member does, and the same member must satisfy every
		// condition on the association.
		{"roles[name]=buyer", []int64{2}},
		{"roles[name][not_eq]=User", []int64{1, 2, 4, 5}},
		{"roles[name][in]=admin,BUYER", []int64{1, 2, 5}},
		{"roles[name][contains]=er", []int64{1, 2, 4}},
		{"roles[blank]=true", []int64{3}},
		{"roles[blank]=false", []int64{1, 2, 4, 5}},
		{"roles[id][in]=2,4", []int64{1, 2, 5}},
		{"roles[id]=3&roles[name]=Buyer", []int64{}},
		{"roles[id][not_eq]=3&roles[name][in]=User,Buyer", []int64{2}},
		{"roles[description][blank]=true", []int64{2, 3, 4}},
		{"roles[omnipotent]=true", []int64{1, 5}},
		{"roles[created-at][gt]=2021-01-01", []int64{2, 4}},
		{"default-currency[code]=eur", []int64{2}},
		{"default_currency[code][in]=USD,EUR", []int64{1, 2}},
		{"default-currency[code][not_eq]=USD", []int64{2, 4}},
		{"default-currency[decimals][gt]=0", []int64{1, 2}},
		{"default-currency[decimals]=0", []int64{4}},
		{"default-currency[blank]=true", []int64{3, 5}},
		{"department[name]=Sales", []int64{}}, // no such objects in the catalog

		// Owned objects, read from the record.
		{"phone-work[number][contains]=555", []int64{2}},
		{"phone-work[area-code]=415", []int64{2}},
		{"phone_work[country_code][in]=1,44", []int64{2, 4}},
		{"phone-work[id]=11", []int64{4}},
		{"phone-work[blank]=true", []int64{1, 3, 5}},
		{"phone-work[extension][blank]=true", []int64{1, 2, 3, 5}},
		{"phone-work[extension][blank]=false", []int64{4}},

		// AND of everything.
		{"active=true&login[starts_with]=j", []int64{1}},
		{"status=active&roles[name]=User", []int64{1, 2}},
		{"login[not_eq]=jdoe&login[not_eq]=asmith", []int64{3, 4, 5}},
		{"id[gt]=1&id[lt]=5&active=true", []int64{2, 4}},
		{"login=jdoe&active=false", []int64{}},
		{"login=jdoe&offset=1", []int64{}},
		{"_=1700000000000&active=false", []int64{3, 5}},
	}
	for _, c := range cases {
		got := run(t, st, l, c.q)
		if !sameIDs(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.q, got, c.want)
		}
	}
}

func TestOrder(t *testing.T) {
	st, l := testStore(t)
	cases := []struct {
		q    string
		want []int64
	}{
		{"order_by=lastname", []int64{1, 5, 3, 4, 2}},
		{"order_by=lastname&dir=desc", []int64{2, 4, 3, 1, 5}}, // ties stay in ascending id
		{"order_by=middlename", []int64{1, 4, 5, 2, 3}},        // nulls first
		{"order_by=middlename&dir=desc", []int64{3, 2, 1, 4, 5}},
		{"order_by=active", []int64{3, 5, 1, 2, 4}},
		{"order_by=active&dir=desc", []int64{1, 2, 4, 3, 5}},
		{"order_by=created-at", []int64{5, 1, 2, 3, 4}},
		{"order_by=created_at&dir=desc", []int64{3, 4, 2, 1, 5}},
		{"order_by=account_security_type", []int64{3, 4, 2, 1, 5}},
		{"order_by=id&dir=desc", []int64{5, 4, 3, 2, 1}},
		{"dir=DESC", []int64{5, 4, 3, 2, 1}},
		{"dir=asc", []int64{1, 2, 3, 4, 5}},
		{"order_by=lastname&limit=2&offset=1", []int64{5, 3}},
		{"order_by=lastname&offset=5", []int64{}},
		{"order_by=login&active=true", []int64{2, 1, 4}},
	}
	for _, c := range cases {
		if got := run(t, st, l, c.q); !sameIDs(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.q, got, c.want)
		}
	}
}

func manyUsers(t testing.TB, l *store.Layout, n int) *store.Memory {
	m := store.NewMemory(l)
	recs := make([]*store.Record, n)
	for i := range recs {
		login := fmt.Sprintf("user%03d", i+1)
		recs[i] = mkUser(t, l, int64(i+1), fields{"login": login, "email": login + "@example.com", "active": i%2 == 0})
	}
	if err := m.Replace(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	return m
}

func span(from, to int64) []int64 {
	out := []int64{}
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func TestPaging(t *testing.T) {
	l := testLayout(t)
	st := manyUsers(t, l, 120)
	cases := []struct {
		q    string
		want []int64
	}{
		{"", span(1, 50)},
		{"limit=10&offset=5", span(6, 15)},
		{"limit=500", span(1, 50)},
		{"limit=1", []int64{1}},
		{"offset=115", span(116, 120)},
		{"offset=200", []int64{}},
		{"order_by=login&dir=desc&limit=3", []int64{120, 119, 118}},
		{"order_by=login&dir=desc&limit=3&offset=117", []int64{3, 2, 1}},
		{"active=false&limit=3&offset=1", []int64{4, 6, 8}},
		{"id[gt]=100&limit=5", span(101, 105)},
		{"id[lt]=4&dir=desc", []int64{3, 2, 1}},
		{"id[in]=7,3,5&limit=2", []int64{3, 5}},
	}
	for _, c := range cases {
		if got := run(t, st, l, c.q); !sameIDs(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.q, got, c.want)
		}
	}
}

// TestPlans checks how queries reach the store: lookups instead of scans, early stops, resolution outside scans.
func TestPlans(t *testing.T) {
	l := testLayout(t)
	mem := manyUsers(t, l, 120)
	mgr, _ := l.Slot("manager")
	if _, err := mem.Update(context.Background(), 7, func(r *store.Record) error { r.SetRef(mgr, 1); return nil }); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		q                                 string
		scans, searches, lookups, visited int32
		want                              []int64
	}{
		{"login=USER007", 0, 0, 1, 0, []int64{7}},
		{"email[in]=user007@example.com,user009@example.com,nobody@x", 0, 0, 3, 0, []int64{7, 9}},
		{"id=9&active=true", 0, 0, 1, 0, []int64{9}},
		{"id[in]=9,10", 0, 0, 2, 0, []int64{9, 10}},
		{"limit=2", 1, 0, 0, 2, []int64{1, 2}},
		{"id[gt]=100&limit=5", 1, 0, 0, 5, span(101, 105)},
		{"id[lt]=3", 1, 0, 0, 3, []int64{1, 2}}, // stops at the first id past the bound
		{"manager[login]=user001", 1, 0, 1, 120, []int64{7}},
		{"manager[login][starts_with]=user00", 1, 1, 0, 129, []int64{7}}, // users 1-9 searched, then the main scan
		{"manager[login]=nobody", 0, 0, 1, 0, []int64{}},                 // nothing can match: no main scan
		{"order_by=login&limit=1", 1, 0, 0, 120, []int64{1}},
		{"login=", 1, 1, 0, 120, []int64{}}, // empty values are neither indexed nor searched: scan
		// String patterns are searched: only the users whose value may match are handed out.
		{"login[contains]=R11", 0, 1, 0, 10, span(110, 119)},
		{"email[ends_with]=1@EXAMPLE.COM&limit=3", 0, 1, 0, 3, []int64{1, 11, 21}}, // stops when the page is full
		{"login[starts_with]=user1&email[contains]=9@&id[gt]=100", 0, 1, 0, 2, []int64{109, 119}},
		{"login[contains]=user&active=false&limit=2", 0, 1, 0, 4, []int64{2, 4}},
	}
	for _, c := range cases {
		w := &watchStore{Store: mem, t: t}
		v := &visitStore{watchStore: w}
		recs, err := Execute(context.Background(), v, l, mustParse(t, c.q), testCatalog)
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		got := ids(recs)
		if !sameIDs(got, c.want) || w.scans.Load() != c.scans || w.searches.Load() != c.searches ||
			w.lookups.Load() != c.lookups || v.visited != c.visited {
			t.Errorf("%s: got %v with %d scans, %d searches, %d lookups, %d visited; want %v, %d, %d, %d, %d", c.q, got,
				w.scans.Load(), w.searches.Load(), w.lookups.Load(), v.visited, c.want, c.scans, c.searches, c.lookups, c.visited)
		}
	}
}

// visitStore counts the records scans and searches hand out.
type visitStore struct {
	*watchStore
	visited int32
}

func (v *visitStore) Scan(ctx context.Context, from int64, fn func(*store.Record) bool) error {
	return v.watchStore.Scan(ctx, from, func(r *store.Record) bool { v.visited++; return fn(r) })
}

func (v *visitStore) Search(ctx context.Context, terms []store.Term, from int64, fn func(*store.Record) bool) (bool, error) {
	return v.watchStore.Search(ctx, terms, from, func(r *store.Record) bool { v.visited++; return fn(r) })
}

func TestExecuteErrors(t *testing.T) {
	st, l := testStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Execute(ctx, st, l, mustParse(t, "login[contains]=x"), testCatalog); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	if _, err := Execute(context.Background(), st, l, mustParse(t, "roles[name]=Buyer"), nil); err == nil {
		t.Error("a catalog filter without a catalog ran")
	}
	// Conditions needing no catalog run without one.
	if recs, err := Execute(context.Background(), st, l, mustParse(t, "roles[id]=4&manager[login]=jdoe"), nil); err != nil || !sameIDs(ids(recs), []int64{2}) {
		t.Errorf("id-only association filter without a catalog: %v %v", ids(recs), err)
	}
	bad := mustParse(t, "")
	bad.Limit = 0
	if _, err := Execute(context.Background(), st, l, bad, testCatalog); err == nil {
		t.Error("limit 0 ran")
	}
}

// TestCancelMidScan cancels while a long scan runs: the scan must stop with the context's error.
func TestCancelMidScan(t *testing.T) {
	l := testLayout(t)
	mem := manyUsers(t, l, 5000)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	st := &callbackStore{Store: mem, each: func() {
		if n++; n == 1500 {
			cancel()
		}
	}}
	q := mustParse(t, "login[contains]=nobody")
	if _, err := Execute(ctx, st, l, q, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if n >= 5000 {
		t.Errorf("the scan went on after cancellation: %d records", n)
	}
}

type callbackStore struct {
	store.Store
	each func()
}

// Search says it cannot narrow the query, so that the query scans.
func (c *callbackStore) Search(context.Context, []store.Term, int64, func(*store.Record) bool) (bool, error) {
	return false, nil
}

func (c *callbackStore) Scan(ctx context.Context, from int64, fn func(*store.Record) bool) error {
	// Bypass Memory's own checks (every 4096): the query's checks must suffice.
	recs, _ := c.Store.Snapshot(ctx)
	for _, r := range recs {
		if r.ID < from {
			continue
		}
		c.each()
		if !fn(r) {
			break
		}
	}
	return nil
}

func TestParseThenExecuteValues(t *testing.T) {
	// The parsed values are typed as documented.
	q := mustParse(t, "id[in]=1,2&active=true&created-at[gt]=2024-01-02&login=x&"+url.QueryEscape("expense-approval-limit[amount]")+"=1.5")
	kinds := map[string]string{}
	for _, c := range q.Conditions {
		kinds[c.Param] = fmt.Sprintf("%T", c.Values[0])
	}
	want := map[string]string{"id[in]": "int64", "active": "bool", "created-at[gt]": "time.Time", "login": "string",
		"expense-approval-limit[amount]": "*big.Rat"}
	for k, v := range want {
		if kinds[k] != v {
			t.Errorf("%s: %s, want %s", k, kinds[k], v)
		}
	}
}

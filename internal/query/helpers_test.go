package query

import (
	"context"
	"net/url"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

var testSpec = spec.MustLoad()

func testLayout(t testing.TB) *store.Layout {
	t.Helper()
	l, err := store.NewLayout(testSpec)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// fields of a test user, by element name: string, int64 (integer, or an association's id), bool, time.Time,
// []int64 (a list association), *store.Owned, or nil for an explicit null.
type fields map[string]any

func mkUser(t testing.TB, l *store.Layout, id int64, f fields) *store.Record {
	t.Helper()
	r := l.New()
	r.ID = id
	for name, v := range f {
		s, ok := l.Slot(name)
		if !ok {
			t.Fatalf("no element %s", name)
		}
		e := l.Element(name)
		switch v := v.(type) {
		case nil:
			r.SetNull(s)
		case string:
			r.SetString(s, v)
		case int64:
			if e.Kind == spec.KindObject {
				r.SetRef(s, v)
			} else {
				r.SetInteger(s, v)
			}
		case bool:
			r.SetBoolean(s, v)
		case time.Time:
			r.SetTime(s, v)
		case []int64:
			r.SetList(s, v)
		case *store.Owned:
			r.SetOwned(s, v)
		default:
			t.Fatalf("%s: %T", name, v)
		}
	}
	return r
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The small world most tests query: five users, a few roles, currencies and approval limits.
func testUsers(t testing.TB, l *store.Layout) []*store.Record {
	return []*store.Record{
		mkUser(t, l, 1, fields{"login": "jdoe", "email": "jdoe@example.com", "firstname": "John", "lastname": "Doe",
			"active": true, "aic-user": true, "roles": []int64{3, 2}, "default-currency": int64(1),
			"created-at": ts("2024-01-01T00:00:00Z"), "updated-at": ts("2024-03-01T00:00:00Z"),
			"employee-number": "E001", "account-security-type": int64(1), "expense-approval-limit": int64(2)}),
		mkUser(t, l, 2, fields{"login": "asmith", "email": "ASmith@Example.com", "firstname": "Anna", "lastname": "Smith",
			"active": true, "aic-user": false, "roles": []int64{3, 4}, "default-currency": int64(2), "manager": int64(1),
			"created-at": ts("2024-01-02T03:04:05.123456Z"), "employee-number": "", "middlename": "",
			"account-security-type": int64(0), "expense-approval-limit": int64(3),
			"phone-work": &store.Owned{ID: 10, Fields: []any{"1", "415", "5550100", nil}}}),
		mkUser(t, l, 3, fields{"login": "bjones", "email": "bjones@example.org", "firstname": "Björn", "lastname": "Jönes",
			"active": false, "roles": []int64{}, "manager": int64(1), "created-at": ts("2024-02-01T00:00:00Z"),
			"middlename": "Q", "expense-approval-limit": int64(4)}),
		mkUser(t, l, 4, fields{"login": "zkelvin", "email": "zk@example.com", "firstname": "Zoë", "lastname": "\u212Aelvin",
			"active": true, "roles": []int64{5}, "default-currency": int64(3), "manager": int64(2),
			"created-at": ts("2024-02-01T00:00:00Z"), "expense-approval-limit": int64(1),
			"phone-work": &store.Owned{ID: 11, Fields: []any{"44", nil, "2079460000", "12"}}}),
		mkUser(t, l, 5, fields{"login": "j_doe", "email": "j_doe@example.com", "firstname": "Jane", "lastname": "doe",
			"active": false, "aic-user": true, "roles": []int64{2}, "created-at": ts("2023-12-31T23:59:59.999999Z"),
			"account-security-type": int64(2)}),
	}
}

func testStore(t testing.TB) (*store.Memory, *store.Layout) {
	t.Helper()
	l := testLayout(t)
	m := store.NewMemory(l)
	if err := m.Replace(context.Background(), testUsers(t, l)); err != nil {
		t.Fatal(err)
	}
	return m, l
}

// fakeCatalog is reference data by object type: rows of field values, "id" included.
type fakeCatalog map[string][]map[string]any

func (c fakeCatalog) Each(object string, fn func(int64, func(string) (any, bool)) bool) {
	for _, row := range c[object] {
		if !fn(row["id"].(int64), func(name string) (any, bool) { v, ok := row[name]; return v, ok }) {
			return
		}
	}
}

var testCatalog = fakeCatalog{
	"Role": {
		{"id": int64(2), "name": "Admin", "description": "Everything", "omnipotent": true,
			"created-at": ts("2020-01-01T00:00:00Z")},
		{"id": int64(3), "name": "User", "description": "The basics", "omnipotent": false,
			"created-at": ts("2020-01-01T00:00:00Z")},
		{"id": int64(4), "name": "Buyer", "description": nil, "omnipotent": false,
			"created-at": ts("2021-06-01T12:00:00Z")},
		{"id": int64(5), "name": "Approver", "description": "", "omnipotent": false,
			"created-at": ts("2022-01-01T00:00:00Z")},
	},
	"Currency": {
		{"id": int64(1), "code": "USD", "decimals": int64(2)},
		{"id": int64(2), "code": "EUR", "decimals": int64(2)},
		{"id": int64(3), "code": "JPY", "decimals": int64(0)},
	},
	// Amounts in the forms a catalog may hold them: Coupa's strings, a float, nothing.
	"ApprovalLimit": {
		{"id": int64(1), "name": "0.00 USD", "amount": "0.00", "subject": "expense_report"},
		{"id": int64(2), "name": "1000.00 USD", "amount": "1000.00", "subject": "expense_report"},
		{"id": int64(3), "name": "5000.50 EUR", "amount": 5000.5, "subject": "expense_report"},
		{"id": int64(4), "name": "unset", "amount": nil, "subject": "expense_report"},
	},
}

// watchStore counts scans and lookups, and fails the test if the store is called from inside a scan (Memory holds
// its read lock there, so a writer waiting between would deadlock the server).
type watchStore struct {
	store.Store
	t        testing.TB
	inScan   atomic.Bool
	scans    atomic.Int32
	searches atomic.Int32
	lookups  atomic.Int32
}

func (w *watchStore) check(what string) {
	if w.inScan.Load() {
		w.t.Errorf("%s called inside a scan", what)
	}
}

func (w *watchStore) Scan(ctx context.Context, from int64, fn func(*store.Record) bool) error {
	w.check("Scan")
	w.scans.Add(1)
	w.inScan.Store(true)
	defer w.inScan.Store(false)
	return w.Store.Scan(ctx, from, fn)
}

func (w *watchStore) Search(ctx context.Context, terms []store.Term, from int64, fn func(*store.Record) bool) (bool, error) {
	w.check("Search")
	w.searches.Add(1)
	w.inScan.Store(true)
	defer w.inScan.Store(false)
	return w.Store.Search(ctx, terms, from, fn)
}

func (w *watchStore) Lookup(ctx context.Context, element, value string) (*store.Record, bool, error) {
	w.check("Lookup")
	w.lookups.Add(1)
	return w.Store.Lookup(ctx, element, value)
}

func (w *watchStore) Get(ctx context.Context, id int64) (*store.Record, bool, error) {
	w.check("Get")
	w.lookups.Add(1)
	return w.Store.Get(ctx, id)
}

func mustParse(t testing.TB, raw string) *Query {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	q, err := Parse(v, testSpec)
	if err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return q
}

func ids(recs []*store.Record) []int64 {
	out := []int64{}
	for _, r := range recs {
		out = append(out, r.ID)
	}
	return out
}

func run(t testing.TB, st store.Store, l *store.Layout, raw string) []int64 {
	t.Helper()
	recs, err := Execute(context.Background(), st, l, mustParse(t, raw), testCatalog)
	if err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return ids(recs)
}

func sameIDs(a, b []int64) bool { return slices.Equal(a, b) }

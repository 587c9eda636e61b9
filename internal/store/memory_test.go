package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"unsafe"

	"github.com/coupa-kit/coupa-users/spec"
)

func newTestStore(t testing.TB) (*Memory, *Layout) {
	t.Helper()
	l, err := NewLayout(spec.MustLoad())
	if err != nil {
		t.Fatal(err)
	}
	return NewMemory(l), l
}

func user(l *Layout, login, email string) *Record {
	r := l.New()
	s, _ := l.Slot("login")
	r.SetString(s, login)
	s, _ = l.Slot("email")
	r.SetString(s, email)
	return r
}

func TestLayoutCoversEveryElement(t *testing.T) {
	l, err := NewLayout(spec.MustLoad())
	if err != nil {
		t.Fatal(err)
	}
	r := l.New()
	for _, e := range l.Elements {
		s, ok := l.Slot(e.Name)
		if !ok || !r.IsNull(s) {
			t.Errorf("%s: slot %v ok=%v, new record not null", e.Name, s, ok)
		}
	}
	phone, _ := l.Slot("phone-work")
	roles, _ := l.Slot("roles")
	manager, _ := l.Slot("manager")
	if phone.Kind != kindOwned || roles.Kind != kindList || manager.Kind != kindRef {
		t.Errorf("kinds: phone %v roles %v manager %v", phone.Kind, roles.Kind, manager.Kind)
	}
	if len(l.Unique) != 4 {
		t.Errorf("unique elements: %d", len(l.Unique))
	}
}

func TestCreateGetLookupUpdate(t *testing.T) {
	ctx := context.Background()
	m, l := newTestStore(t)
	a, err := m.Create(ctx, user(l, "jdoe", "jdoe@example.com"))
	if err != nil || a.ID != 1 {
		t.Fatalf("create: %v id %d", err, a.ID)
	}
	if _, err := m.Create(ctx, user(l, "JDOE", "other@example.com")); !isConflict(err, "login") {
		t.Fatalf("case-insensitive duplicate login: %v", err)
	}
	b, err := m.Create(ctx, user(l, "asmith", "asmith@example.com"))
	if err != nil || b.ID != 2 {
		t.Fatalf("second create: %v", err)
	}
	if r, ok, _ := m.Lookup(ctx, "email", "ASMITH@example.com"); !ok || r.ID != 2 {
		t.Fatalf("lookup by email: %v %v", r, ok)
	}
	login, _ := l.Slot("login")
	// A failed update leaves the stored record and the indexes as they were.
	_, err = m.Update(ctx, 2, func(r *Record) error { r.SetString(login, "jdoe"); return nil })
	if !isConflict(err, "login") {
		t.Fatalf("update into a taken login: %v", err)
	}
	if r, _, _ := m.Get(ctx, 2); r.String(login) != "asmith" {
		t.Fatalf("stored record changed by a failed update: %q", r.String(login))
	}
	boom := errors.New("boom")
	if _, err := m.Update(ctx, 2, func(r *Record) error { r.SetString(login, "zz"); return boom }); err != boom {
		t.Fatal(err)
	}
	if _, ok, _ := m.Lookup(ctx, "login", "zz"); ok {
		t.Fatal("index changed by a failed update")
	}
	up, err := m.Update(ctx, 2, func(r *Record) error { r.SetString(login, "anna.smith"); return nil })
	if err != nil || up.String(login) != "anna.smith" || b.String(login) != "asmith" {
		t.Fatalf("update: %v; new %q; the old record must stay unchanged: %q", err, up.String(login), b.String(login))
	}
	if _, ok, _ := m.Lookup(ctx, "login", "asmith"); ok {
		t.Fatal("old login still indexed")
	}
	if _, err := m.Update(ctx, 99, func(*Record) error { return nil }); err != ErrNotFound {
		t.Fatalf("update of a missing user: %v", err)
	}
	if _, _, err := m.Lookup(ctx, "firstname", "x"); err == nil {
		t.Fatal("lookup on a non-unique element")
	}
	if v := m.Version(); v != 3 {
		t.Fatalf("version %d, want 3 (two creates, one update)", v)
	}
}

// TestUniqueFollowsTheFold: uniqueness and lookups fold as the query engine compares (package fold), not as
// strings.ToLower does: ſ is s, K (Kelvin) is k, ı and İ are i, ς is σ.
func TestUniqueFollowsTheFold(t *testing.T) {
	ctx := context.Background()
	m, l := newTestStore(t)
	for _, login := range []string{"dr.sam", "kelvin", "iris", "οδυσσευς"} {
		if _, err := m.Create(ctx, user(l, login, "")); err != nil {
			t.Fatalf("create %q: %v", login, err)
		}
	}
	for _, twin := range []string{"dr.ſam", "DR.ſAM", "\u212Aelvin", "ıRİS", "ΟΔΥΣΣΕΥΣ", "οδυςςευσ"} {
		if _, err := m.Create(ctx, user(l, twin, "")); !isConflict(err, "login") {
			t.Errorf("%q was accepted beside its fold-twin: %v", twin, err)
		}
		if _, ok, _ := m.Lookup(ctx, "login", twin); !ok {
			t.Errorf("lookup %q: not found", twin)
		}
	}
	if _, err := m.Create(ctx, user(l, "dr.sám", "")); err != nil {
		t.Errorf("accents still count: %v", err)
	}
}

func isConflict(err error, element string) bool {
	var c *ConflictError
	return errors.As(err, &c) && len(c.Elements) > 0 && c.Elements[0] == element
}

func TestScanReplaceSnapshot(t *testing.T) {
	ctx := context.Background()
	m, l := newTestStore(t)
	var recs []*Record
	for _, id := range []int64{5, 2, 9} {
		r := user(l, "u"+string(rune('a'+id)), "")
		r.ID = id
		recs = append(recs, r)
	}
	if err := m.Replace(ctx, recs); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	m.Scan(ctx, 3, func(r *Record) bool { ids = append(ids, r.ID); return true })
	if len(ids) != 2 || ids[0] != 5 || ids[1] != 9 {
		t.Fatalf("scan from 3: %v", ids)
	}
	n, _ := m.Create(ctx, user(l, "new", "n@example.com"))
	if n.ID != 10 {
		t.Fatalf("next id after replace: %d", n.ID)
	}
	dup := []*Record{user(l, "same", ""), user(l, "SAME", "")}
	dup[0].ID, dup[1].ID = 1, 2
	if err := m.Replace(ctx, dup); err == nil {
		t.Fatal("replace with a duplicate login accepted")
	}
	if snap, _ := m.Snapshot(ctx); len(snap) != 4 {
		t.Fatalf("a failed replace changed the content: %d users", len(snap))
	}
}

func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	m, l := newTestStore(t)
	login, _ := l.Slot("login")
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				r, err := m.Create(ctx, user(l, string(rune('a'+w))+string(rune('a'+i%26))+string(rune('a'+i/26)), ""))
				if err != nil {
					t.Error(err)
					return
				}
				m.Update(ctx, r.ID, func(r *Record) error { r.SetString(login, r.String(login)+"x"); return nil })
				m.Scan(ctx, 0, func(*Record) bool { return true })
			}
		}()
	}
	wg.Wait()
	if n, _ := m.Len(ctx); n != 800 {
		t.Fatalf("%d users, want 800", n)
	}
}

func TestRewrite(t *testing.T) {
	ctx := context.Background()
	m, l := newTestStore(t)
	for _, login := range []string{"a", "b", "c"} {
		if _, err := m.Create(ctx, user(l, login, login+"@example.com")); err != nil {
			t.Fatal(err)
		}
	}
	v := m.Version()
	recs, ok, err := m.Rewrite(ctx, v, func(r *Record) *Record { return r.Detached(NewPacker(), l.UniqueStrings()) })
	if err != nil || !ok || len(recs) != 3 {
		t.Fatalf("rewrite: %v %v %d", ok, err, len(recs))
	}
	got, _, _ := m.Get(ctx, 2)
	if got != recs[1] || m.Version() != v {
		t.Error("the store does not hold the rewritten records, or its version moved")
	}
	if r, found, _ := m.Lookup(ctx, "login", "B"); !found || r != recs[1] {
		t.Error("indexes do not point at the rewritten records")
	}
	// A write since the wanted version cancels the rewrite.
	m.Create(ctx, user(l, "d", "d@example.com"))
	if _, ok, _ := m.Rewrite(ctx, v, func(r *Record) *Record { return r.Clone() }); ok {
		t.Error("a rewrite replaced users written meanwhile")
	}
}

func TestListsShareOneArray(t *testing.T) {
	_, l := newTestStore(t)
	roles, _ := l.Slot("roles")
	groups, _ := l.Slot("user-groups")
	content, _ := l.Slot("content-groups")
	r := l.New()
	r.SetList(roles, []int64{3, 4})
	r.SetList(content, []int64{7})
	r.SetList(groups, []int64{9, 10, 11})
	c := r.Clone()
	c.SetList(roles, []int64{2})
	c.SetNull(content)
	check := func(what string, got []int64, want ...int64) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", what, got, want)
		}
	}
	check("original roles", r.ListIDs(roles), 3, 4)
	check("original content groups", r.ListIDs(content), 7)
	check("original user groups", r.ListIDs(groups), 9, 10, 11)
	check("clone roles", c.ListIDs(roles), 2)
	check("clone content groups", c.ListIDs(content))
	check("clone user groups", c.ListIDs(groups), 9, 10, 11)
	if !c.IsNull(content) || r.IsNull(content) {
		t.Error("null bits")
	}
	// Appending to a returned list must not reach into the next list.
	_ = append(c.ListIDs(roles), 99)
	check("user groups after an append to roles", c.ListIDs(groups), 9, 10, 11)
}

// TestRevert undoes a create and an update in reverse order, indexes included, as the fake does when a write
// could not be made durable.
func TestRevert(t *testing.T) {
	ctx := context.Background()
	m, l := newTestStore(t)
	a, _ := m.Create(ctx, user(l, "jdoe", "jdoe@example.com"))
	login, _ := l.Slot("login")
	up, err := m.Update(ctx, a.ID, func(r *Record) error { r.SetString(login, "jane"); return nil })
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.Create(ctx, user(l, "asmith", "asmith@example.com"))
	m.Revert(b.ID, nil)
	m.Revert(a.ID, a)
	if n, _ := m.Len(ctx); n != 1 {
		t.Fatalf("%d users after reverting a create, want 1", n)
	}
	if r, ok, _ := m.Lookup(ctx, "login", "jdoe"); !ok || r != a {
		t.Fatalf("the update was not reverted: %v %v", r, ok)
	}
	for _, gone := range []string{up.String(login), "asmith"} {
		if _, ok, _ := m.Lookup(ctx, "login", gone); ok {
			t.Errorf("login %q still indexed after the revert", gone)
		}
	}
	m.Revert(a.ID, nil)
	m.Revert(a.ID, a) // a user put back where there was none
	if r, ok, _ := m.Get(ctx, a.ID); !ok || r != a {
		t.Fatalf("put back: %v %v", r, ok)
	}
}

// TestDetachedIsADeepCopy: records laid out by one packer hold what the originals held, share nothing with them,
// and cannot reach their neighbours' items through their slices (whose capacity is their length).
func TestDetachedIsADeepCopy(t *testing.T) {
	_, l := newTestStore(t)
	roles, _ := l.Slot("roles")
	phone, _ := l.Slot("phone-work")
	first, _ := l.Slot("firstname")
	p := NewPacker()
	var orig, packed []*Record
	for i := range 3 {
		r := user(l, fmt.Sprint("u", i), fmt.Sprint("u", i, "@example.com"))
		r.ID = int64(i + 1)
		r.SetString(first, "Ann")
		r.SetList(roles, []int64{int64(i), 7})
		r.SetOwned(phone, &Owned{ID: int64(10 + i), Fields: []any{"+1", "555", nil}})
		orig = append(orig, r)
		packed = append(packed, r.Detached(p, l.UniqueStrings()))
	}
	for i, d := range packed {
		if !reflect.DeepEqual(d, orig[i]) {
			t.Errorf("user %d: packed %+v, want %+v", i+1, d, orig[i])
		}
		if &d.Str[0] == &orig[i].Str[0] || d.OwnedOf(phone) == orig[i].OwnedOf(phone) {
			t.Errorf("user %d shares memory with its original", i+1)
		}
		if cap(d.Str) != len(d.Str) || cap(d.List) != len(d.List) || cap(d.OwnedOf(phone).Fields) != len(d.OwnedOf(phone).Fields) {
			t.Errorf("user %d: a slice reaches past its items", i+1)
		}
	}
	if unsafe.StringData(packed[0].String(first)) != unsafe.StringData(packed[2].String(first)) {
		t.Error("a repeated value is not interned")
	}
	_ = append(packed[0].List, 99) // must reallocate rather than write into user 2's ids
	if !slices.Equal(packed[1].ListIDs(roles), []int64{1, 7}) {
		t.Errorf("user 2's roles: %v", packed[1].ListIDs(roles))
	}
}

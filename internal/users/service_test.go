package users

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/internal/catalog"
	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func newService(t testing.TB, strict bool) (*Service, store.Store) {
	t.Helper()
	s := spec.MustLoad()
	layout, err := store.NewLayout(s)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := fixtures.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.New(s, ref)
	if err != nil {
		t.Fatal(err)
	}
	st := store.NewMemory(layout)
	svc, err := New(Config{Spec: s, Layout: layout, Store: st, Catalog: cat, Now: func() time.Time { return epoch },
		StrictReferences: strict})
	if err != nil {
		t.Fatal(err)
	}
	return svc, st
}

func jane(extra map[string]any) map[string]any {
	b := map[string]any{"login": "jane", "email": "jane@example.com", "firstname": "Jane", "lastname": "Doe"}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

// codes renders problems compactly: "element.field:code".
func codes(t testing.TB, err error) []string {
	t.Helper()
	ps, ok := Refused(err)
	if !ok {
		t.Fatalf("not a refusal: %v", err)
	}
	var out []string
	for _, p := range ps {
		s := p.Element
		if p.Field != "" {
			s += "." + p.Field
		}
		out = append(out, s+": "+strings.TrimPrefix(p.Message(), problem.Label(p.Element)+" "))
	}
	return out
}

func TestCreateReportsEveryProblemInModelOrder(t *testing.T) {
	svc, st := newService(t, false)
	ctx := context.Background()
	_, err := svc.Create(ctx, map[string]any{
		"login": "", "email": "not-an-email", "firstname": strings.Repeat("x", 41),
		"authentication-method": "kerberos", "active": "yes please", "roles": []any{map[string]any{}},
	}, 0)
	// The model's order is the order of the attributes in Coupa's responses (login, email, ..., firstname,
	// lastname, ..., authentication-method, ..., active, ..., roles), as Coupa's samples list their messages:
	// Login before Email, First Name before Last Name.
	want := []string{
		"login: can't be blank",
		"email: is invalid",
		"firstname: is too long (maximum is 40 characters)",
		"lastname: can't be blank",
		"authentication-method: is not included in the list",
		"active: is not a valid boolean",
		"roles: must name a record by id or by one of its keys",
	}
	got := codes(t, err)
	if !slices.Equal(got, want) {
		t.Errorf("problems\n got %q\nwant %q", got, want)
	}
	if n, _ := st.Len(ctx); n != 0 {
		t.Errorf("a refused create stored %d users", n)
	}
}

func TestValueShapes(t *testing.T) {
	svc, _ := newService(t, false)
	ctx := context.Background()
	cases := map[string]struct {
		extra map[string]any
		want  string
	}{
		"required null":        {map[string]any{"firstname": nil}, "firstname: can't be blank"},
		"non-nullable null":    {map[string]any{"active": nil}, "active: is invalid"},
		"enum null":            {map[string]any{"authentication-method": nil}, "authentication-method: is not included in the list"},
		"list of scalars":      {map[string]any{"roles": []any{5.0}}, "roles: is invalid"},
		"reference not object": {map[string]any{"manager": 5.0}, "manager: is invalid"},
		"reference empty":      {map[string]any{"manager": map[string]any{}}, "manager: must name a record by id or by one of its keys"},
		"reference id text":    {map[string]any{"manager": map[string]any{"id": "abc"}}, "manager.id: id is not a number"},
		"reference key number": {map[string]any{"manager": map[string]any{"login": 1.0}}, "manager.login: login is invalid"},
		"boolean for string":   {map[string]any{"middlename": true}, "middlename: is invalid"},
		"text for boolean":     {map[string]any{"active": "perhaps"}, "active: is not a valid boolean"},
		"yes for a plain flag": {map[string]any{"active": "yes"}, "active: is not a valid boolean"},
		"text for integer":     {map[string]any{"account-security-type": "5abc"}, "account-security-type: is not a number"},
		"fraction for integer": {map[string]any{"account-security-type": 1.5}, "account-security-type: is not a number"},
		"integer enum":         {map[string]any{"business-group-security-type": 7.0}, "business-group-security-type: is not included in the list"},
		"owned without number": {map[string]any{"phone-work": map[string]any{"country-code": "1"}}, "phone-work.number: number can't be blank"},
		"owned field too long": {map[string]any{"phone-work": map[string]any{"country-code": "1", "number": strings.Repeat("9", 41)}},
			"phone-work.number: number is too long (maximum is 40 characters)"},
		"owned field boolean": {map[string]any{"phone-work": map[string]any{"country-code": "1", "number": true}}, "phone-work.number: number is invalid"},
		"unknown currency": {map[string]any{"default-currency": map[string]any{"code": "NOPE"}},
			`default-currency: Unable to find valid Currency record for default-currency with keys {"code"=>"NOPE"}. Possible keys are ["id", "code"]`},
	}
	for name, c := range cases {
		_, err := svc.Create(ctx, jane(c.extra), 0)
		if got := codes(t, err); len(got) != 1 || got[0] != c.want {
			t.Errorf("%s: %q, want %q", name, got, c.want)
		}
	}
}

func TestCreateDefaultsAndAccepted(t *testing.T) {
	svc, _ := newService(t, false)
	ctx := context.Background()
	r, err := svc.Create(ctx, jane(map[string]any{
		"first_name": "ignored: not an element", "id": 99.0, "created-at": "output only, ignored",
		"manager": nil, "roles": []any{map[string]any{"name": "buyer"}, map[string]any{"id": 4.0}},
		"phone-work": map[string]any{"country_code": "1", "number": "5550123"}, "approval-limit": nil,
	}), 7)
	if err != nil {
		t.Fatal(err)
	}
	l := svc.layout
	get := func(name string) store.Slot { s, _ := l.Slot(name); return s }
	if r.ID == 99 || r.String(get("fullname")) != "Jane Doe" || r.String(get("mention-name")) != "JaneDoe" ||
		!r.Boolean(get("active")) || r.RefID(get("created-by")) != 7 || !r.TimeOf(get("created-at")).Equal(epoch) {
		t.Errorf("derived values: id %d fullname %q mention %q active %v by %d at %v", r.ID, r.String(get("fullname")),
			r.String(get("mention-name")), r.Boolean(get("active")), r.RefID(get("created-by")), r.TimeOf(get("created-at")))
	}
	if ids := r.ListIDs(get("roles")); !slices.Equal(ids, []int64{4}) {
		t.Errorf("roles by name (any case) and by id, once: %v", ids)
	}
	// A phone number is stored by value, its fields in the object's field order, with an id of its own.
	phone := map[string]any{}
	if o := r.OwnedOf(get("phone-work")); o != nil && o.ID > 0 {
		i := 0
		for _, f := range l.Object("PhoneNumber").Fields {
			if f.Name != "id" {
				phone[f.Name] = o.Fields[i]
				i++
			}
		}
	}
	if phone["country-code"] != "1" || phone["number"] != "5550123" || phone["area-code"] != nil {
		t.Errorf("phone (underscored keys read too): %v", phone)
	}
	// The derived mention name steps aside for a taken one.
	r2, err := svc.Create(ctx, map[string]any{"login": "jane2", "email": "j2@example.com", "firstname": "Jane", "lastname": "Doe"}, 7)
	if err != nil || r2.String(get("mention-name")) != "JaneDoe2" {
		t.Errorf("second Jane Doe: %v %v", err, r2)
	}
	_, err = svc.Create(ctx, jane(map[string]any{"email": "other@example.com", "login": "JANE"}), 7)
	if got := codes(t, err); !slices.Equal(got, []string{"login: has already been taken"}) {
		t.Errorf("duplicate login: %q", got)
	}
}

func TestUpdateRules(t *testing.T) {
	for _, strict := range []bool{false, true} {
		svc, st := newService(t, strict)
		ctx := context.Background()
		r, err := svc.Create(ctx, jane(nil), 0)
		if err != nil {
			t.Fatal(err)
		}
		before, _, _ := st.Get(ctx, r.ID)
		_, err = svc.Update(ctx, r.ID, map[string]any{"manager": map[string]any{"id": float64(r.ID)}, "lastname": "X"}, 0)
		if got := codes(t, err); !slices.Equal(got, []string{"manager: can't be the user themselves"}) {
			t.Errorf("own manager: %q", got)
		}
		if after, _, _ := st.Get(ctx, r.ID); after != before {
			t.Error("a refused update changed the stored user")
		}
		u, err := svc.Update(ctx, r.ID, map[string]any{"department": map[string]any{"name": "Nowhere"}, "middlename": "Q"}, 0)
		if strict {
			if got := codes(t, err); len(got) != 1 || !strings.HasPrefix(got[0], "department: Unable to find valid Department") {
				t.Errorf("strict: %q", got)
			}
		} else if mid, _ := svc.layout.Slot("middlename"); err != nil || u.String(mid) != "Q" {
			t.Errorf("lenient: the unresolvable reference should be left out: %v", err)
		}
		if _, err := svc.Update(ctx, 12345, map[string]any{"lastname": "X"}, 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing user: %v", err)
		}
	}
}

func TestLoadRetriesManagersThatComeLater(t *testing.T) {
	svc, st := newService(t, false)
	ctx := context.Background()
	users := []fixtures.User{
		{Login: "report", Email: "r@example.com", FirstName: "R", LastName: "E", Manager: fixtures.ByKey("boss")},
		{Login: "boss", Email: "b@example.com", FirstName: "B", LastName: "O", APIUser: true,
			CreatedAt: epoch.Add(-time.Hour)},
	}
	ids, err := svc.Load(ctx, users, 0)
	if err != nil {
		t.Fatal(err)
	}
	boss, ok, _ := st.Lookup(ctx, "login", "BOSS")
	report, _, _ := st.Lookup(ctx, "login", "report")
	mgr, _ := svc.layout.Slot("manager")
	api, _ := svc.layout.Slot("api-user")
	created, _ := svc.layout.Slot("created-at")
	if !ok || report.RefID(mgr) != boss.ID || !boss.Boolean(api) || !boss.TimeOf(created).Equal(epoch.Add(-time.Hour)) {
		t.Errorf("manager %d (boss %d), api-user %v, created %v", report.RefID(mgr), boss.ID, boss.Boolean(api), boss.TimeOf(created))
	}
	// The boss was created after the report, on the retry; the ids still follow the list.
	if len(ids) != 2 || ids[0] != report.ID || ids[1] != boss.ID {
		t.Errorf("ids %v, want [%d %d] (report, boss)", ids, report.ID, boss.ID)
	}
	_, err = svc.Load(ctx, []fixtures.User{{Login: "orphan", Email: "o@example.com", FirstName: "O", LastName: "R",
		Manager: fixtures.ByKey("nobody")}}, 0)
	if err == nil || !strings.Contains(err.Error(), `Unable to find valid User record for manager with keys {"login"=>"nobody"}`) {
		t.Errorf("a manager who never comes: %v", err)
	}
}

// TestLoadPresetsAvatar loads avatar-thumb-url, the output-only element fixtures.User gained when its fields came
// to be generated from the spec: a fixture is the only way to give the fake's users an avatar.
func TestLoadPresetsAvatar(t *testing.T) {
	svc, st := newService(t, false)
	ctx := context.Background()
	users := []fixtures.User{{Login: "pic", Email: "p@example.com", FirstName: "P", LastName: "C",
		AvatarThumbURL: "https://img.example/p.png"}}
	if _, err := svc.Load(ctx, users, 0); err != nil {
		t.Fatal(err)
	}
	pic, _, _ := st.Lookup(ctx, "login", "pic")
	avatar, _ := svc.layout.Slot("avatar-thumb-url")
	if got := pic.String(avatar); got != "https://img.example/p.png" {
		t.Errorf("avatar-thumb-url %q", got)
	}
}

// TestInputIsCastAsRailsCastsIt: Coupa is a Rails application, and clients (XML ones above all, whose values are
// text) rely on its casting of input scalars.
func TestInputIsCastAsRailsCastsIt(t *testing.T) {
	svc, _ := newService(t, false)
	ctx := context.Background()
	r, err := svc.Create(ctx, jane(map[string]any{
		"active": "false", "purchasing-user": "1", "expense-user": 0.0, "aic-user": "yes", "spend-guard-user": "No",
		"account-security-type": "1", "employee-number": 12345.0, "business-group-security-type": " 1 ",
	}), 0)
	if err != nil {
		t.Fatal(err)
	}
	flag := func(name string) bool { sl, _ := svc.layout.Slot(name); return r.Boolean(sl) }
	num := func(name string) int64 { sl, _ := svc.layout.Slot(name); return r.Integer(sl) }
	str := func(name string) string { sl, _ := svc.layout.Slot(name); return r.String(sl) }
	for name, want := range map[string]bool{"active": false, "purchasing-user": true, "expense-user": false,
		"aic-user": true, "spend-guard-user": false} {
		if got := flag(name); got != want {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	if num("account-security-type") != 1 || num("business-group-security-type") != 1 {
		t.Errorf("integers from text: %d %d", num("account-security-type"), num("business-group-security-type"))
	}
	if str("employee-number") != "12345" {
		t.Errorf("employee-number from a number: %q", str("employee-number"))
	}
}

// TestNullClearsAList: clients revoke with {"roles": null} and {"user-groups": null} (baton-coupa).
func TestNullClearsAList(t *testing.T) {
	svc, _ := newService(t, false)
	ctx := context.Background()
	r, err := svc.Create(ctx, jane(map[string]any{"roles": []any{map[string]any{"name": "Buyer"}}}), 0)
	if err != nil {
		t.Fatal(err)
	}
	roles, _ := svc.layout.Slot("roles")
	if len(r.ListIDs(roles)) == 0 {
		t.Fatal("no role")
	}
	r, err = svc.Update(ctx, r.ID, map[string]any{"roles": nil, "user-groups": nil}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if ids := r.ListIDs(roles); len(ids) != 0 {
		t.Errorf("roles after null: %v", ids)
	}
}

// TestTimestampsAreWholeSeconds: Coupa's DATETIME columns hold whole seconds, so a sync that asks for users
// updated after the newest updated-at it saw does not get that user again.
func TestTimestampsAreWholeSeconds(t *testing.T) {
	svc, _ := newService(t, false)
	svc.now = func() time.Time { return epoch.Add(600 * time.Millisecond) }
	r, err := svc.Create(context.Background(), jane(nil), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"created-at", "updated-at"} {
		sl, _ := svc.layout.Slot(name)
		if got := r.TimeOf(sl); !got.Equal(epoch) {
			t.Errorf("%s %v, want %v", name, got, epoch)
		}
	}
}

// A fixture's reference to another user is resolved when the user is created, after the rest of the user was
// checked (a bulk load checks users while it creates the ones before them), and fixtures.User visits its fields in
// an order of its own; the problems still come in element order, as a request body's do: the manager's before the
// default currency's, which comes after it in the layout.
func TestLoadReportsProblemsInElementOrder(t *testing.T) {
	svc, _ := newService(t, false)
	ctx := context.Background()
	long := strings.Repeat("x", 1000)
	u := fixtures.User{Login: "odd", Email: "odd@example.com", FirstName: "O", LastName: long, MentionName: long,
		Manager: fixtures.ByKey("nobody"), DefaultCurrency: fixtures.ByKey("XXX")}
	_, err := svc.Load(ctx, []fixtures.User{u}, 0)
	ps, ok := Refused(err)
	if !ok {
		t.Fatalf("want a refusal, got %v", err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.Element)
	}
	if want := []string{"lastname", "mention-name", "manager", "default-currency"}; !slices.Equal(got, want) {
		t.Errorf("problems on %v, want %v: %v", got, want, err)
	}
	_, bodyErr := svc.Create(ctx, map[string]any{"login": "odd", "email": "odd@example.com", "firstname": "O",
		"lastname": long, "mention-name": long, "manager": map[string]any{"login": "nobody"},
		"default-currency": map[string]any{"code": "XXX"}}, 0)
	if bps, _ := Refused(bodyErr); !reflect.DeepEqual(ps, bps) {
		t.Errorf("fixture problems %v, request body's %v", ps, bps)
	}
}

// A load stops at the first user refused for anything but a user not loaded yet, though the users after it were
// already being checked, and the users before it stay created, with their ids in order; the users still being
// generated (LoadReady) are waited for no further than needed.
func TestLoadStopsAtTheFirstRefusal(t *testing.T) {
	for _, bad := range []int{0, 1, 700, 1999} {
		svc, st := newService(t, false)
		ctx := context.Background()
		users := make([]fixtures.User, 2000)
		for i := range users {
			users[i] = fixtures.User{Login: fmt.Sprintf("u%d", i), Email: fmt.Sprintf("u%d@example.com", i),
				FirstName: "U", LastName: "L"}
			if i > 0 {
				users[i].Manager = fixtures.ByKey(fmt.Sprintf("u%d", i-1))
			}
		}
		users[bad].Email = "not an email"
		ready := make(chan int)
		go func() {
			defer close(ready)
			for k := 100; k <= len(users); k += 100 {
				ready <- k
			}
		}()
		_, err := svc.LoadReady(ctx, users, ready, 0)
		want := fmt.Sprintf("fixture user %d (u%d): Email is invalid", bad, bad)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("user %d refused: got %v, want %q", bad, err, want)
		}
		if n, _ := st.Len(ctx); n != bad {
			t.Errorf("user %d refused: %d users stored, want the %d before it", bad, n, bad)
		}
		if bad > 0 {
			if last, ok, _ := st.Lookup(ctx, "login", fmt.Sprintf("u%d", bad-1)); !ok || last.ID != int64(bad) {
				t.Errorf("the last user before the refused one: %v %v", last, ok)
			}
		}
	}
}

// A load whose context ends says so, rather than return with the users it had got to.
func TestLoadWhoseContextEnds(t *testing.T) {
	svc, _ := newService(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	users := make([]fixtures.User, 500)
	for i := range users {
		users[i] = fixtures.User{Login: fmt.Sprintf("u%d", i), Email: fmt.Sprintf("u%d@example.com", i),
			FirstName: "U", LastName: "L"}
	}
	ready := make(chan int)
	go func() {
		defer close(ready)
		ready <- 100
		cancel() // while the loader waits for the rest
	}()
	if _, err := svc.LoadReady(ctx, users, ready, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

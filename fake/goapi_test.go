package fake_test

import (
	"context"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fixtures"
)

// The Go API gives typed users: ids as int64, the fields of fixtures.User, and a User literal without Inactive is
// active, as a request or a JSON fixture without "active" is.
func TestGoAPITypedUsers(t *testing.T) {
	ctx := context.Background()
	srv := fake.NewTestServer(t, fake.Options{Users: 5, Seed: 1})
	before, _ := srv.Len(ctx)

	ids, err := srv.AddUsers(ctx,
		fixtures.User{Login: "jdoe", Email: "jdoe@example.com", FirstName: "Jane", LastName: "Doe",
			Manager: fixtures.ByKey("kim.lee")},
		fixtures.User{Login: "kim.lee", Email: "kim@example.com", FirstName: "Kim", LastName: "Lee", Inactive: true,
			Roles: []fixtures.Ref{fixtures.ByKey("Buyer")}},
	)
	if err != nil {
		t.Fatal(err)
	}
	// jdoe names a manager loaded after her, so she is created second: the ids still follow the list.
	if len(ids) != 2 || ids[0] <= ids[1] {
		t.Fatalf("ids %v: want two, jdoe's the later", ids)
	}

	jdoe, ok, err := srv.User(ctx, ids[0])
	if err != nil || !ok {
		t.Fatalf("User(%d): %v, %v", ids[0], ok, err)
	}
	if jdoe.ID != ids[0] || jdoe.Login != "jdoe" || jdoe.Inactive || jdoe.FullName() != "Jane Doe" ||
		jdoe.Manager.Key != "kim.lee" || jdoe.AuthenticationMethod != fixtures.AuthCoupaCredentials {
		t.Errorf("jdoe: %+v", jdoe)
	}
	kim, ok, err := srv.UserByLogin(ctx, "KIM.LEE")
	if err != nil || !ok || kim.ID != ids[1] || !kim.Inactive || len(kim.Roles) != 1 || kim.Roles[0].Key != "Buyer" {
		t.Errorf("UserByLogin(KIM.LEE): %v %v %+v", ok, err, kim)
	}
	if _, ok, err := srv.User(ctx, 1_000_000); ok || err != nil {
		t.Errorf("User(1000000): found %v, %v", ok, err)
	}
	if _, ok, err := srv.UserByLogin(ctx, "nobody"); ok || err != nil {
		t.Errorf("UserByLogin(nobody): found %v, %v", ok, err)
	}

	// All or nothing: a refused user adds none of the others.
	if ids, err := srv.AddUsers(ctx, fixtures.User{Login: "fine", Email: "fine@example.com", FirstName: "F", LastName: "Ine"},
		fixtures.User{Login: "jdoe", Email: "other@example.com", FirstName: "J", LastName: "D"}); err == nil || ids != nil {
		t.Errorf("a duplicate login: ids %v, err %v", ids, err)
	}
	users, err := srv.Users(ctx)
	if err != nil || len(users) != before+2 {
		t.Fatalf("Users: %d users, %v; want %d", len(users), err, before+2)
	}
	for i := 1; i < len(users); i++ {
		if users[i].ID <= users[i-1].ID {
			t.Fatalf("Users not in ascending id order at %d: %d after %d", i, users[i].ID, users[i-1].ID)
		}
	}
	if last := users[len(users)-1]; last.ID != ids[0] || last.Login != "jdoe" {
		t.Errorf("last user %d %s, want jdoe", last.ID, last.Login)
	}
}

package fake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fixtures"
)

// A test starts a fake on a loopback port, talks to it with a client that already holds a token, and reads the
// result back.
func ExampleNewServer() {
	srv, err := fake.NewServer(fake.Options{Users: 10, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	client := srv.Client() // a bearer token with both scopes; JSON unless Accept says otherwise
	body := `{"login":"jdoe","email":"jdoe@example.com","firstname":"Jane","lastname":"Doe"}`
	resp, err := client.Post(srv.URL+"/api/users", "application/json", strings.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	var created map[string]any
	json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, created["fullname"], created["active"])

	resp, err = client.Get(srv.URL + "/api/users?login[starts_with]=jdo&fields=" + `["login","mention-name"]`)
	if err != nil {
		log.Fatal(err)
	}
	var found []map[string]any
	json.NewDecoder(resp.Body).Decode(&found)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, found)

	resp, err = http.Get(srv.URL + "/api/users") // no token
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// 201 Jane Doe true
	// 200 [map[login:jdoe mention-name:JaneDoe]]
	// 401
}

// TestExampleNewTestServer is what a test of your own client looks like: NewTestServer starts the fake and closes it
// when the test ends, AddUsers seeds the users the test needs and gives their ids, and User reads back what the
// client did. (An Example function cannot show it: NewTestServer needs the test's t.)
func TestExampleNewTestServer(t *testing.T) {
	ctx := context.Background()
	srv := fake.NewTestServer(t, fake.Options{Users: 10, Seed: 1})

	ids, err := srv.AddUsers(ctx,
		fixtures.User{Login: "jdoe", Email: "jdoe@example.com", FirstName: "Jane", LastName: "Doe"},
		fixtures.User{Login: "gone", Email: "gone@example.com", FirstName: "Ann", LastName: "Gone", Inactive: true},
	)
	if err != nil {
		t.Fatal(err)
	}

	// The code under test would do this: deactivate jdoe through the API.
	req, _ := http.NewRequest(http.MethodPut, fmt.Sprintf("%s/api/users/%d", srv.URL, ids[0]),
		strings.NewReader(`{"active":false}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT: %s", resp.Status)
	}

	u, ok, err := srv.User(ctx, ids[0])
	if err != nil || !ok {
		t.Fatalf("User(%d): %v, found %v", ids[0], err, ok)
	}
	if !u.Inactive || u.Login != "jdoe" || u.ID != ids[0] {
		t.Errorf("after the update: %+v; want jdoe, inactive", u)
	}
}

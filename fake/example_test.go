package fake_test

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"strings"

	"github.com/coupa-kit/coupa-users/fake"
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

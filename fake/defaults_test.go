package fake_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
)

// business-group-security-type is 0, never null, for every user a default fake holds (its API users and the
// generated ones) and for a user created without it, in JSON and in XML: the R39 Swagger declares it 0 or 1.
func TestBusinessGroupSecurityTypeDefaultsToZero(t *testing.T) {
	s := newServer(t, fake.Options{Users: 100, Seed: 1})
	seen, apiUsers := 0, 0
	for offset := 0; ; offset += 50 {
		page := getJSON(t, s, fmt.Sprintf("/api/users?limit=50&offset=%d", offset)).list(t)
		for _, x := range page {
			u := x.(map[string]any)
			seen++
			if u["api-user"] == true {
				apiUsers++
			}
			if got := u["business-group-security-type"]; got != 0.0 {
				t.Errorf("user %v (%v): business-group-security-type %v, want 0", u["id"], u["login"], got)
			}
		}
		if len(page) < 50 {
			break
		}
	}
	if seen != 103 || apiUsers != 3 {
		t.Errorf("read %d users, %d of them API users; want the 100 generated and the 3 API users", seen, apiUsers)
	}
	r := sendJSON(t, s, http.MethodPost, "/api/users", newUser("bgst.json"))
	wantStatus(t, r, http.StatusCreated)
	if got := r.object(t)["business-group-security-type"]; got != 0.0 {
		t.Errorf("JSON create: business-group-security-type %v, want 0", got)
	}
	r = call(t, s, http.MethodPost, "/api/users",
		`<user><login>bgst.xml</login><email>bgst.xml@example.com</email><firstname>B</firstname><lastname>X</lastname></user>`,
		header{"Content-Type", "application/xml"}, header{"Accept", "application/xml"})
	wantStatus(t, r, http.StatusCreated)
	if _, v := r.xml(t, "User"); v.(map[string]any)["business-group-security-type"] != 0.0 {
		t.Errorf("XML create: business-group-security-type %v, want 0", v.(map[string]any)["business-group-security-type"])
	}
	// Sent explicitly, 1 is kept: the default fills only what the request leaves out.
	b := newUser("bgst.one")
	b["business-group-security-type"] = 1
	if got := sendJSON(t, s, http.MethodPost, "/api/users", b).object(t)["business-group-security-type"]; got != 1.0 {
		t.Errorf("create with 1: business-group-security-type %v", got)
	}
}

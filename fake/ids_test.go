package fake_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
)

// batonRolesPath is how baton-coupa builds the path of a role update: the query string goes through url.JoinPath
// with the path, which escapes its "?" into the id segment.
func batonRolesPath(t *testing.T, base string, id int) string {
	t.Helper()
	u, err := url.JoinPath(base, fmt.Sprintf(`/api/users/%d?fields=["id",{"roles":["id","description","name"]}]`, id))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(u, "%3Ffields=") {
		t.Fatalf("url.JoinPath no longer escapes the query into the path: %s", u)
	}
	return strings.TrimPrefix(u, base)
}

// Rails casts the id from its leading digits and ignores the rest of the segment, so a query escaped into the path
// (baton-coupa's) or trailing letters still name user 5, for reads and for writes, in JSON and XML; the escaped
// query is not applied (the whole user comes back). A format suffix still picks the format.
func TestIDsAsRailsReadsThem(t *testing.T) {
	s := newServer(t, fake.Options{})
	paths := []string{
		"/api/users/5%3Ffields=%5B%22id%22%5D",
		batonRolesPath(t, s.URL, 5),
		"/api/users/5abc",
		"/api/users/5%2Fx",
		"/api/users/%35",
	}
	jsonCT := header{"Content-Type", "application/json"}
	xmlCT := header{"Content-Type", "application/xml"}
	n := 0
	for _, p := range paths {
		for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodPatch} {
			for _, asXML := range []bool{false, true} {
				n++
				name := fmt.Sprintf("%s %s xml=%v", method, p, asXML)
				body, accept, ct := "", header{"Accept", "application/json"}, jsonCT
				if method != http.MethodGet {
					body = jsonLastname(n)
				}
				if asXML {
					accept, ct = header{"Accept", "application/xml"}, xmlCT
					if method != http.MethodGet {
						body = xmlLastname(n)
					}
				}
				r := call(t, s, method, p, body, accept, ct)
				if r.status != http.StatusOK {
					t.Errorf("%s: status %d: %.300s", name, r.status, r.body)
					continue
				}
				var u map[string]any
				if asXML {
					root, v := r.xml(t, "User")
					u, _ = v.(map[string]any)
					if root != "user" {
						t.Errorf("%s: XML root %q", name, root)
					}
				} else {
					u = r.object(t)
				}
				if u["id"] != 5.0 || u["login"] == nil {
					t.Errorf("%s: answered id %v, login %v; want the whole of user 5", name, u["id"], u["login"])
				}
				if method == http.MethodGet {
					continue
				}
				if got, want := getJSON(t, s, "/api/users/5").object(t)["lastname"], fmt.Sprintf("Suffix%d", n); got != want {
					t.Errorf("%s: user 5's lastname after the write is %v, want %s", name, got, want)
				}
			}
		}
	}
	// The suffix still picks the format, after trailing letters too.
	for _, p := range []string{"/api/users/5.json", "/api/users/5abc.json"} {
		r := call(t, s, http.MethodGet, p, "", header{"Accept", "application/xml"})
		wantStatus(t, r, http.StatusOK)
		if u := r.object(t); u["id"] != 5.0 {
			t.Errorf("%s: id %v", p, u["id"])
		}
	}
}

// An id with no leading digits casts to 0, which no user has: 404 with Coupa's error body, as for a missing id, on
// reads and writes alike, never a 400 or a 500.
func TestIDsWithoutLeadingDigitsAreNotFound(t *testing.T) {
	s := newServer(t, fake.Options{})
	for _, c := range []struct{ path, shown string }{
		{"/api/users/abc", "abc"},
		{"/api/users/0", "0"},
		{"/api/users/-5", "-5"},
		{"/api/users/%3Ffields=%5B%22id%22%5D", `?fields=["id"]`},
		{"/api/users/99999999999999999999", "99999999999999999999"},
		{"/api/users/999999%3Ffields=%5B%22id%22%5D", `999999?fields=["id"]`},
	} {
		for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodPatch} {
			r := call(t, s, method, c.path, `{"lastname":"Nobody"}`, jsonHeaders()...)
			wantStatus(t, r, http.StatusNotFound)
			if want := "Couldn't find User with 'id'=" + c.shown; !containsMessage(r.errors(t), want) {
				t.Errorf("%s %s: %v, want %q", method, c.path, r.errors(t), want)
			}
			r = call(t, s, method, c.path, `<user><lastname>Nobody</lastname></user>`,
				header{"Accept", "application/xml"}, header{"Content-Type", "application/xml"})
			wantStatus(t, r, http.StatusNotFound)
			if root, _ := r.xml(t, "ErrorsXML"); root != "errors" {
				t.Errorf("%s %s in XML: root %q", method, c.path, root)
			}
		}
	}
}

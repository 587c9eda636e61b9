package fake_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
)

// Rails routes PATCH to update like PUT, and takes a format suffix on every route, writes included; real clients
// use both. Each write is read back so that a 200 that stored nothing would fail.
func TestWriteRoutesPatchAndSuffixes(t *testing.T) {
	s := newServer(t, fake.Options{})
	jsonCT := header{"Content-Type", "application/json"}
	xmlCT := header{"Content-Type", "application/xml"}
	cases := []struct {
		method, path string
		ct           header
		accept       string
		body         func(n int) string
		want         int
		wantXML      bool // the answer is XML (suffix .xml, or no Accept and the default format)
	}{
		{http.MethodPatch, "/api/users/%d", jsonCT, "application/json", jsonLastname, http.StatusOK, false},
		{http.MethodPatch, "/api/users/%d", xmlCT, "application/xml", xmlLastname, http.StatusOK, true},
		{http.MethodPut, "/api/users/%d.json", jsonCT, "", jsonLastname, http.StatusOK, false},
		{http.MethodPut, "/api/users/%d.xml", xmlCT, "", xmlLastname, http.StatusOK, true},
		{http.MethodPatch, "/api/users/%d.json", xmlCT, "", xmlLastname, http.StatusOK, false},
		{http.MethodPatch, "/api/users/%d.xml", jsonCT, "application/json", jsonLastname, http.StatusOK, true},
	}
	for i, c := range cases {
		name := fmt.Sprintf("%s %s %s", c.method, c.path, c.ct.v)
		path := fmt.Sprintf(c.path, 8)
		r := call(t, s, c.method, path, c.body(i), c.ct, header{"Accept", c.accept})
		if r.status != c.want {
			t.Errorf("%s: status %d: %.300s", name, r.status, r.body)
			continue
		}
		if isXML := strings.HasPrefix(r.header.Get("Content-Type"), "application/xml"); isXML != c.wantXML {
			t.Errorf("%s: answered %s", name, r.header.Get("Content-Type"))
		}
		if got := getJSON(t, s, "/api/users/8").object(t)["lastname"]; got != fmt.Sprintf("Suffix%d", i) {
			t.Errorf("%s: lastname after the write %v", name, got)
		}
	}
	// Create through the suffixed collection, in both formats.
	r := call(t, s, http.MethodPost, "/api/users.json",
		`{"login":"suffix.json","email":"sj@example.com","firstname":"S","lastname":"J"}`, jsonCT)
	wantStatus(t, r, http.StatusCreated)
	if r.object(t)["login"] != "suffix.json" {
		t.Errorf("POST /api/users.json: %.200s", r.body)
	}
	r = call(t, s, http.MethodPost, "/api/users.xml",
		`<user><login>suffix.xml</login><email>sx@example.com</email><firstname>S</firstname><lastname>X</lastname></user>`, xmlCT)
	wantStatus(t, r, http.StatusCreated)
	if _, v := r.xml(t, "User"); v.(map[string]any)["login"] != "suffix.xml" {
		t.Errorf("POST /api/users.xml: %.200s", r.body)
	}
	// A suffixed write is validated like any other.
	r = call(t, s, http.MethodPatch, "/api/users/8.json", `{"firstname":""}`, jsonCT)
	wantStatus(t, r, http.StatusBadRequest)
	if !containsMessage(r.errors(t), "First Name can't be blank") {
		t.Errorf("messages %v", r.errors(t))
	}
}

func jsonLastname(n int) string { return fmt.Sprintf(`{"lastname":"Suffix%d"}`, n) }
func xmlLastname(n int) string  { return fmt.Sprintf(`<user><lastname>Suffix%d</lastname></user>`, n) }

// Coupa writes each XML error message in a CDATA section; a message holding "]]>" survives it.
func TestXMLErrorBodyIsCDATA(t *testing.T) {
	s := newServer(t, fake.Options{})
	xmlHeaders := []header{{"Content-Type", "application/xml"}, {"Accept", "application/xml"}}
	r := call(t, s, http.MethodPost, "/api/users", `<user><login>x</login></user>`, xmlHeaders...)
	wantStatus(t, r, http.StatusBadRequest)
	if body := string(r.body); !strings.Contains(body, "<error><![CDATA[Email can't be blank]]></error>") {
		t.Errorf("XML error body:\n%s", body)
	}
	r = call(t, s, http.MethodPost, "/api/users", `<user><login>x]]>y</login></user>`, xmlHeaders...)
	wantStatus(t, r, http.StatusBadRequest)
	root, v := r.xml(t, "ErrorsXML")
	if root != "errors" || !strings.Contains(fmt.Sprint(v), "unescaped ]]> not in CDATA section") {
		t.Errorf("decoded %s %v", root, v)
	}
}

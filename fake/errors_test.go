package fake_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
)

// Coupa's JSON error body carries `"warnings": null` inside "errors" (baton-coupa's request.go quotes it; IBM
// tool_guard pops it from there); --error-warnings moves it outside, as the fake once had it, or drops it, as older
// Coupa responses do. The messages come in the model's validation order, Login before Email as in Coupa's 2016
// sample, and the XML body is the same whatever the placement.
func TestErrorBodyWarnings(t *testing.T) {
	const messages = `["Login has already been taken","Email has already been taken"]`
	const wantXML = `<?xml version="1.0" encoding="UTF-8"?>
<errors>
  <error><![CDATA[Login has already been taken]]></error>
  <error><![CDATA[Email has already been taken]]></error>
</errors>
`
	for _, c := range []struct {
		placement fake.ErrorWarnings
		want      string
	}{
		{"", `{"errors":{"user":` + messages + `,"warnings":null}}`},
		{fake.WarningsInside, `{"errors":{"user":` + messages + `,"warnings":null}}`},
		{fake.WarningsOutside, `{"errors":{"user":` + messages + `},"warnings":null}`},
		{fake.WarningsOmit, `{"errors":{"user":` + messages + `}}`},
	} {
		t.Run(string(c.placement), func(t *testing.T) {
			s := newServer(t, fake.Options{Users: 1, ErrorWarnings: c.placement})
			existing := getJSON(t, s, "/api/users?limit=1").list(t)[0].(map[string]any)
			dup := newUser("dup")
			dup["login"], dup["email"] = existing["login"], existing["email"]
			body, err := json.Marshal(dup)
			if err != nil {
				t.Fatal(err)
			}
			r := call(t, s, http.MethodPost, "/api/users", string(body), jsonHeaders()...)
			wantStatus(t, r, http.StatusBadRequest)
			if string(r.body) != c.want {
				t.Errorf("JSON body\n got %s\nwant %s", r.body, c.want)
			}
			xmlHeaders := []header{{"Accept", "application/xml"}, {"Content-Type", "application/json"}}
			r = call(t, s, http.MethodPost, "/api/users", string(body), xmlHeaders...)
			wantStatus(t, r, http.StatusBadRequest)
			if string(r.body) != wantXML {
				t.Errorf("XML body\n got %s\nwant %s", r.body, wantXML)
			}
		})
	}
}

func TestErrorWarningsOptionIsChecked(t *testing.T) {
	if _, err := fake.New(fake.Options{Users: -1, ErrorWarnings: "beside"}); err == nil {
		t.Error("an unknown placement was accepted")
	}
	for _, s := range []string{"", "inside", "outside", "omit"} {
		if _, err := fake.ParseErrorWarnings(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
}

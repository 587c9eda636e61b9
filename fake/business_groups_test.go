package fake_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fake/auth"
)

// groupIDs reads a list of business groups (JSON) as ids.
func groupIDs(t *testing.T, r response) []float64 {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	var ids []float64
	for _, g := range r.list(t) {
		ids = append(ids, g.(map[string]any)["id"].(float64))
	}
	return ids
}

// The business groups of a user, read, added to and removed from by path and by body, are the user's
// content-groups: one list, whichever door changes it.
func TestBusinessGroups(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5, Seed: 1})
	created := sendJSON(t, s, http.MethodPost, "/api/users", map[string]any{"login": "bg.user", "email": "bg@example.com",
		"firstname": "B", "lastname": "G", "content-groups": []any{map[string]any{"name": "Everyone"}}})
	wantStatus(t, created, http.StatusCreated)
	base := "/api/users/" + jsonID(t, created) + "/business_groups"

	if got := groupIDs(t, getJSON(t, s, base)); !slices.Equal(got, []float64{1}) {
		t.Fatalf("at first: %v", got)
	}
	if got := groupIDs(t, call(t, s, http.MethodPut, base+"/3/add", "", jsonHeaders()...)); !slices.Equal(got, []float64{1, 3}) {
		t.Errorf("after adding 3 by path: %v", got)
	}
	if got := groupIDs(t, sendJSON(t, s, http.MethodPut, base+"/add", map[string]any{"name": "APAC"})); !slices.Equal(got, []float64{1, 3, 4}) {
		t.Errorf("after adding APAC by body: %v", got)
	}
	// Adding again changes nothing; removing, by path and by body, takes the group out; removing a group the user
	// is not in changes nothing.
	if got := groupIDs(t, call(t, s, http.MethodPut, base+"/3/add", "", jsonHeaders()...)); !slices.Equal(got, []float64{1, 3, 4}) {
		t.Errorf("after adding 3 again: %v", got)
	}
	if got := groupIDs(t, call(t, s, http.MethodPut, base+"/1/remove", "", jsonHeaders()...)); !slices.Equal(got, []float64{3, 4}) {
		t.Errorf("after removing 1: %v", got)
	}
	xml := call(t, s, http.MethodPut, base+"/remove", `<business-group><name>EMEA</name></business-group>`,
		header{"Content-Type", "application/xml"}, header{"Accept", "application/xml"})
	wantStatus(t, xml, http.StatusOK)
	if body := string(xml.body); !strings.Contains(body, `<business-groups type="array">`) || !strings.Contains(body, "<name>APAC</name>") || strings.Contains(body, "EMEA") {
		t.Errorf("XML after removing EMEA: %s", body)
	}
	if got := groupIDs(t, call(t, s, http.MethodPut, base+"/6/remove", "", jsonHeaders()...)); !slices.Equal(got, []float64{4}) {
		t.Errorf("after removing 6, which the user is not in: %v", got)
	}
	user := getJSON(t, s, "/api/users/"+jsonID(t, created)+"?fields=[\"content-groups\"]").object(t)
	if cg := user["content-groups"].([]any); len(cg) != 1 || cg[0].(map[string]any)["name"] != "APAC" {
		t.Errorf("the user's content-groups: %v", cg)
	}
}

func TestBusinessGroupsRefusals(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5, Seed: 1})
	base := "/api/users/3/business_groups"
	before := groupIDs(t, getJSON(t, s, base))
	for name, c := range map[string]struct {
		method, path, body string
		status             []int
		message            string
	}{
		"an unknown group by path": {http.MethodPut, base + "/999/add", "", []int{400}, "Unable to find valid BusinessGroup"},
		"an unknown group by name": {http.MethodPut, base + "/add", `{"name":"Nowhere"}`, []int{400}, "Unable to find valid BusinessGroup"},
		"a body that is no group":  {http.MethodPut, base + "/add", `[1,2]`, []int{400}, ""},
		"malformed JSON":           {http.MethodPut, base + "/add", `{"name":`, []int{400}, ""},
		"no body":                  {http.MethodPut, base + "/add", "", []int{400}, ""},
		"an unknown user":          {http.MethodGet, "/api/users/9999/business_groups", "", []int{404}, "Couldn't find User"},
		"an unknown user's change": {http.MethodPut, "/api/users/9999/business_groups/1/add", "", []int{404}, "Couldn't find User"},
	} {
		t.Run(name, func(t *testing.T) {
			r := call(t, s, c.method, c.path, c.body, jsonHeaders()...)
			wantStatus(t, r, c.status...)
			if msgs := r.errors(t); len(msgs) == 0 || c.message != "" && !containsMessage(msgs, c.message) {
				t.Errorf("messages %v, want one with %q", msgs, c.message)
			}
		})
	}
	reader, err := s.Token(auth.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	r := call(t, s, http.MethodPut, base+"/1/add", "", header{"Authorization", "Bearer " + reader})
	wantStatus(t, r, http.StatusForbidden)
	if after := groupIDs(t, getJSON(t, s, base)); !slices.Equal(after, before) {
		t.Errorf("refused changes changed the groups: %v, then %v", before, after)
	}
}

// jsonID is the id of a JSON user answer, as a path segment.
func jsonID(t *testing.T, r response) string {
	t.Helper()
	id, ok := r.object(t)["id"].(float64)
	if !ok {
		t.Fatalf("no id in %.300s", r.body)
	}
	return strconv.FormatInt(int64(id), 10)
}

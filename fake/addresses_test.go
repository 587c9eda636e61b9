package fake_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
)

// A user's addresses: none at first, one associated by id and one by location code (201 with the address), each
// shown, one replaced by another; no user answer shows them.
func TestUserAddresses(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5, Seed: 1})
	base := "/api/users/3/addresses"
	ids := func() []float64 {
		var out []float64
		for _, a := range getJSON(t, s, base).list(t) {
			out = append(out, a.(map[string]any)["id"].(float64))
		}
		return out
	}
	if got := ids(); len(got) != 0 {
		t.Fatalf("at first: %v", got)
	}
	r := sendJSON(t, s, http.MethodPost, base, map[string]any{"id": 101})
	wantStatus(t, r, http.StatusCreated)
	if r.object(t)["id"] != 101.0 {
		t.Errorf("associated: %.200s", r.body)
	}
	second := getJSON(t, s, "/api/users/3?fields=[\"id\"]") // the user answer does not show addresses
	if strings.Contains(string(second.body), "addresses") {
		t.Errorf("a user answer shows addresses: %s", second.body)
	}
	wantStatus(t, sendJSON(t, s, http.MethodPost, base, map[string]any{"id": 101}), http.StatusCreated) // again: no change
	if got := ids(); !slices.Equal(got, []float64{101}) {
		t.Errorf("after associating 101 twice: %v", got)
	}
	wantStatus(t, getJSON(t, s, base+"/101"), http.StatusOK)
	wantStatus(t, getJSON(t, s, base+"/102"), http.StatusNotFound)
	r = sendJSON(t, s, http.MethodPut, base+"/101", map[string]any{"location-code": "NYC"})
	wantStatus(t, r, http.StatusOK)
	if got := ids(); !slices.Equal(got, []float64{102}) {
		t.Errorf("after replacing 101 by NYC (102): %v", got)
	}
	xml := call(t, s, http.MethodGet, base, "", header{"Accept", "application/xml"})
	if body := string(xml.body); !strings.Contains(body, `<addresses type="array">`) || !strings.Contains(body, "<address>") {
		t.Errorf("XML: %.300s", body)
	}
	// Refusals change nothing.
	for name, c := range map[string]struct {
		method, path, body string
		status             int
		message            string
	}{
		"an unknown address":           {http.MethodPost, base, `{"id": 99999}`, http.StatusBadRequest, "Unable to find valid Address"},
		"replacing one the user lacks": {http.MethodPut, base + "/101", `{"id": 103}`, http.StatusNotFound, "Couldn't find Address"},
		"an unknown user":              {http.MethodGet, "/api/users/999/addresses", "", http.StatusNotFound, "Couldn't find User"},
	} {
		t.Run(name, func(t *testing.T) {
			r := call(t, s, c.method, c.path, c.body, jsonHeaders()...)
			wantStatus(t, r, c.status)
			if msgs := r.errors(t); !containsMessage(msgs, c.message) {
				t.Errorf("messages %v, want one with %q", msgs, c.message)
			}
		})
	}
	if got := ids(); !slices.Equal(got, []float64{102}) {
		t.Errorf("after refusals: %v", got)
	}
}

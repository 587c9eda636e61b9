package fake_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
)

// TestLoginUniqueUnderTheFold: the fake refuses a login that equals a taken one under the case fold the filters
// use (ſ is s), so that login=dr.sam and login[gt_or_eq]=dr.sam&login[lt_or_eq]=dr.sam cannot disagree.
func TestLoginUniqueUnderTheFold(t *testing.T) {
	s := newServer(t, fake.Options{})
	first := newUser("dr.sam")
	wantStatus(t, sendJSON(t, s, http.MethodPost, "/api/users", first), http.StatusCreated)
	twin := newUser("dr.ſam")
	twin["email"] = "long.s@example.com"
	r := sendJSON(t, s, http.MethodPost, "/api/users", twin)
	wantStatus(t, r, http.StatusBadRequest)
	if msgs := r.errors(t); !containsMessage(msgs, "Login has already been taken") {
		t.Errorf("messages %v", msgs)
	}
	for _, q := range []string{"login=" + url.QueryEscape("dr.ſam"), "login[gt_or_eq]=dr.sam&login[lt_or_eq]=dr.sam"} {
		if list := getJSON(t, s, "/api/users?"+q).list(t); len(list) != 1 {
			t.Errorf("%s: %d users, want 1", q, len(list))
		}
	}
}

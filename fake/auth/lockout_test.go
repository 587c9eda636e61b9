package auth_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fake/auth"
)

// TestFailedSecretsLockTheClientOut: after MaxFailedSecrets wrong secrets in a minute a client is refused, the
// right secret included, with 429 and Retry-After, until the window ends; other clients are not concerned.
func TestFailedSecretsLockTheClientOut(t *testing.T) {
	s, clk := newService(t, nil)
	const id, secret = "coupa-fake-client", "coupa-fake-secret"
	for i := range auth.MaxFailedSecrets {
		expectOAuthError(t, postToken(t, s, clientForm(id, "guess")), http.StatusBadRequest, "invalid_client")
		clk.Advance(time.Second)
		if i == auth.MaxFailedSecrets-2 { // one guess left: the right secret still works
			decodeToken(t, postToken(t, s, clientForm(id, secret)))
		}
	}
	w := postToken(t, s, clientForm(id, secret))
	expectOAuthError(t, w, http.StatusTooManyRequests, "invalid_client")
	if ra := w.Header().Get("Retry-After"); ra != "50" {
		t.Errorf("Retry-After %q, want 50 (the minute began 10 seconds ago)", ra)
	}
	expectOAuthError(t, postToken(t, s, clientForm(id, secret), basic(id, secret)), http.StatusTooManyRequests, "invalid_client")
	decodeToken(t, postToken(t, s, clientForm("coupa-fake-reader", "coupa-fake-reader-secret")))
	// Unknown ids are not counted: there is no secret to guess.
	for range 2 * auth.MaxFailedSecrets {
		expectOAuthError(t, postToken(t, s, clientForm("nobody", "guess")), http.StatusBadRequest, "invalid_client")
	}
	clk.Advance(auth.FailureWindow)
	decodeToken(t, postToken(t, s, clientForm(id, secret)))
}

// TestFailuresSpreadOverTimeDoNotLockOut: the limit counts failures within one window.
func TestFailuresSpreadOverTimeDoNotLockOut(t *testing.T) {
	s, clk := newService(t, nil)
	for range 3 * auth.MaxFailedSecrets {
		expectOAuthError(t, postToken(t, s, clientForm("coupa-fake-client", "guess")), http.StatusBadRequest, "invalid_client")
		clk.Advance(auth.FailureWindow / (auth.MaxFailedSecrets - 1))
	}
	decodeToken(t, postToken(t, s, clientForm("coupa-fake-client", "coupa-fake-secret")))
}

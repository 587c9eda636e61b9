package fake_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fake/auth"
)

// TestAuthWarningsAreLogged: what the auth configuration accepts but Coupa would not is said at start.
func TestAuthWarningsAreLogged(t *testing.T) {
	var log bytes.Buffer
	f, err := fake.New(fake.Options{Users: -1, Logger: slog.New(slog.NewTextHandler(&log, nil)),
		Auth: auth.Config{APIKeys: []auth.APIKey{{Key: "short-key"}}}})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !strings.Contains(log.String(), "level=WARN") || !strings.Contains(log.String(), "auth configuration") {
		t.Errorf("no warning logged for a key Coupa would not issue:\n%s", log.String())
	}
}

// TestAdminTokenSchemeIgnoresCase: the admin token is read as the API reads a bearer token, scheme in any case.
func TestAdminTokenSchemeIgnoresCase(t *testing.T) {
	f, err := fake.New(fake.Options{Users: -1, AdminToken: "let-me-in"})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for header, want := range map[string]int{"bearer let-me-in": 200, "BEARER let-me-in": 200, "Bearer  let-me-in": 200,
		"Basic let-me-in": 403, "bearer let-me-out": 403} {
		req := httptest.NewRequest(http.MethodGet, fake.AdminPrefix+"/faults", nil)
		req.RemoteAddr = "203.0.113.9:5555"
		req.Header.Set("Authorization", header)
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("%q: %d, want %d", header, rec.Code, want)
		}
	}
}

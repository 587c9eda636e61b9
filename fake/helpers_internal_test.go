package fake

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// internalFake is a fake for a test of this package's internals, closed at the end, and a token of its default client.
func internalFake(t *testing.T, opts Options) (*Fake, string) {
	t.Helper()
	f, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	tok, err := f.Token()
	if err != nil {
		t.Fatal(err)
	}
	return f, tok
}

// serve sends one request with the token, asking for accept; a body is sent as JSON.
func serve(f *Fake, tok, method, target, accept, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", accept)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, req)
	return rec
}

package fake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/internal/railsxml"
	"github.com/coupa-kit/coupa-users/spec"
)

// newServer starts a fake for one test, with 30 users unless told otherwise, and stops it at the end.
func newServer(t testing.TB, opts fake.Options) *fake.Server {
	t.Helper()
	if opts.Users == 0 {
		opts.Users = 30
	}
	return fake.NewTestServer(t, opts)
}

// response is a finished exchange, body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("response is not JSON (%v): %.300s", err, r.body)
	}
	return v
}

func (r response) object(t testing.TB) map[string]any {
	t.Helper()
	m, ok := r.json(t).(map[string]any)
	if !ok {
		t.Fatalf("response is not a JSON object: %.300s", r.body)
	}
	return m
}

func (r response) list(t testing.TB) []any {
	t.Helper()
	l, ok := r.json(t).([]any)
	if !ok {
		t.Fatalf("response is not a JSON array: %.300s", r.body)
	}
	return l
}

// xml decodes a Rails XML body with the named schema.
func (r response) xml(t testing.TB, schema string) (string, any) {
	t.Helper()
	root, v, err := railsxml.Unmarshal(r.body, spec.MustLoad().Schema(schema))
	if err != nil {
		t.Fatalf("response is not Rails XML (%v): %.300s", err, r.body)
	}
	return root, v
}

// errors returns the messages of a Coupa JSON error body.
func (r response) errors(t testing.TB) []string {
	t.Helper()
	m := r.object(t)
	errs, ok := m["errors"].(map[string]any)
	if !ok {
		t.Fatalf("not a Coupa error body: %s", r.body)
	}
	var out []string
	for k, v := range errs {
		if k == "warnings" {
			continue // Coupa's `"warnings": null` sits beside the resources' messages
		}
		msgs, ok := v.([]any)
		if !ok {
			t.Fatalf("errors.%s is not a list of messages: %s", k, r.body)
		}
		for _, msg := range msgs {
			out = append(out, msg.(string))
		}
	}
	return out
}

type header struct{ k, v string }

func jsonHeaders() []header {
	return []header{{"Accept", "application/json"}, {"Content-Type", "application/json"}}
}

// call sends a request with a full-scope token unless headers set Authorization (use {"Authorization", ""} for none).
func call(t testing.TB, s *fake.Server, method, path string, body string, headers ...header) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.Token()
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return send(t, req, headers...)
}

// send sets the headers on req (an empty value removes one) and sends it.
func send(t testing.TB, req *http.Request, headers ...header) response {
	t.Helper()
	for _, h := range headers {
		if h.v == "" {
			req.Header.Del(h.k)
		} else {
			req.Header.Set(h.k, h.v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func getJSON(t testing.TB, s *fake.Server, path string) response {
	t.Helper()
	return call(t, s, http.MethodGet, path, "", jsonHeaders()...)
}

func sendJSON(t testing.TB, s *fake.Server, method, path string, body any) response {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return call(t, s, method, path, string(b), jsonHeaders()...)
}

func wantStatus(t testing.TB, r response, want ...int) {
	t.Helper()
	for _, w := range want {
		if r.status == w {
			return
		}
	}
	t.Fatalf("status %d, want %v; body: %.500s", r.status, want, r.body)
}

func containsMessage(msgs []string, part string) bool {
	for _, m := range msgs {
		if strings.Contains(m, part) {
			return true
		}
	}
	return false
}

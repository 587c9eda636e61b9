package contract

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/spec"
)

// sampleExchange is a response the suite might have received: body, for the request method path, with status.
func sampleExchange(t *testing.T, v *validator, method, path string, status int, body []byte) *exchange {
	t.Helper()
	u, err := url.Parse(v.base.String() + path)
	if err != nil {
		t.Fatal(err)
	}
	ex := &exchange{check: "samples", method: method, url: u, status: status, body: body,
		format: FormatJSON, header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}}
	if strings.HasPrefix(strings.TrimSpace(string(body)), "<") {
		ex.format, ex.header = FormatXML, http.Header{"Content-Type": {"application/xml; charset=utf-8"}}
	}
	(&client{schemaFor: v.schemaFor}).decode(ex)
	if ex.decodeErr != nil {
		t.Fatalf("%s: %v", path, ex.decodeErr)
	}
	return ex
}

// findings are every conformance finding the validator holds.
func findings(v *validator) []Failure {
	var out []Failure
	for _, f := range []Format{FormatJSON, FormatXML} {
		for _, c := range []string{checkResponses, checkContentType, checkXMLTypes, checkKeySpelling} {
			out = append(out, v.report(f, c)...)
		}
	}
	return out
}

// Coupa's published error bodies (testdata/coupa, each with its source) pass the suite: they validate against the
// spec wherever an error can come back, and the checks read their messages in order, `warnings` not among them.
func TestCoupaErrorSamplesPass(t *testing.T) {
	want := map[string][]string{
		"error-taken.json":                  {"Login has already been taken", "Email has already been taken"},
		"error-taken.xml":                   {"Login has already been taken", "Email has already been taken"},
		"error-blank-warnings-inside.json":  {"First Name can't be blank", "Last Name can't be blank"},
		"error-taken-warnings-outside.json": {"Login has already been taken", "Email has already been taken"},
	}
	files, err := filepath.Glob(filepath.Join("testdata", "coupa", "error-*"))
	if err != nil || len(files) != len(want) {
		t.Fatalf("samples %v (%v): want the %d of the table", files, err, len(want))
	}
	base, _ := url.Parse("https://example.coupahost.com")
	for _, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(file)
		for _, op := range []struct {
			method, path string
			status       int
		}{
			{http.MethodPost, "/api/users", http.StatusBadRequest},
			{http.MethodPost, "/api/users", http.StatusUnprocessableEntity},
			{http.MethodPut, "/api/users/5", http.StatusBadRequest},
			{http.MethodGet, "/api/users", http.StatusBadRequest},
			{http.MethodGet, "/api/users/5", http.StatusNotFound},
		} {
			v, err := newValidator(spec.MustLoad(), base, []Format{FormatJSON, FormatXML})
			if err != nil {
				t.Fatal(err)
			}
			ex := sampleExchange(t, v, op.method, op.path, op.status, body)
			v.observe(ex)
			for _, f := range findings(v) {
				t.Errorf("%s as %s %s %d: %s (%s)", name, op.method, op.path, op.status, f.Message, f.Spec)
			}
			msgs, ok := errorMessages(ex.value)
			if !ok || !slices.Equal(msgs, want[name]) {
				t.Errorf("%s: the suite reads the messages %q, want %q", name, msgs, want[name])
			}
		}
	}
}

// The validator is not blind to error bodies: a body that is not Coupa's shape is a finding, wherever warnings sit.
func TestMalformedErrorBodiesAreFindings(t *testing.T) {
	base, _ := url.Parse("https://example.coupahost.com")
	for _, body := range []string{
		`{"errors":{"user":"Login has already been taken","warnings":null}}`,
		`{"errors":{"user":["Login has already been taken"],"warnings":"none"}}`,
		`{"errors":{"user":["Login has already been taken"]},"warnings":[1]}`,
		`{"error":"Login has already been taken"}`,
	} {
		v, err := newValidator(spec.MustLoad(), base, []Format{FormatJSON})
		if err != nil {
			t.Fatal(err)
		}
		v.observe(sampleExchange(t, v, http.MethodPost, "/api/users", http.StatusBadRequest, []byte(body)))
		if len(v.report(FormatJSON, checkResponses)) == 0 {
			t.Errorf("%s: no finding", body)
		}
	}
}

// Coupa's published users (testdata/coupa, each with its source) pass the suite: a list, a show, a create and an
// update answer of 2016, in JSON and XML, and the two users of a 2024 delegation. Each validates against the spec
// as the answer of the operation that produced it, and its keys and XML types are as the suite expects.
func TestCoupaUserSamplesPass(t *testing.T) {
	ops := map[string][]struct {
		method, path string
		status       int
	}{
		"user-list":   {{http.MethodGet, "/api/users", http.StatusOK}},
		"user-show":   {{http.MethodGet, "/api/users/5", http.StatusOK}},
		"user-2024":   {{http.MethodGet, "/api/users/272", http.StatusOK}},
		"user-create": {{http.MethodPost, "/api/users", http.StatusCreated}, {http.MethodPost, "/api/users", http.StatusOK}},
		"user-update": {{http.MethodPut, "/api/users/5", http.StatusOK}},
	}
	files, err := filepath.Glob(filepath.Join("testdata", "coupa", "user-*"))
	if err != nil || len(files) != 10 {
		t.Fatalf("samples %v (%v): want the 10 of the table", files, err)
	}
	base, _ := url.Parse("https://example.coupahost.com")
	for _, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(file)
		kind := strings.TrimSuffix(strings.TrimSuffix(name, filepath.Ext(name)), "-delegator")
		kind = strings.TrimSuffix(kind, "-delegate")
		if len(ops[kind]) == 0 {
			t.Fatalf("%s: no operation for %q", name, kind)
		}
		for _, op := range ops[kind] {
			v, err := newValidator(spec.MustLoad(), base, []Format{FormatJSON, FormatXML})
			if err != nil {
				t.Fatal(err)
			}
			v.observe(sampleExchange(t, v, op.method, op.path, op.status, body))
			for _, f := range findings(v) {
				t.Errorf("%s as %s %s %d: %s (%s)", name, op.method, op.path, op.status, f.Message, f.Spec)
			}
		}
	}
}

// The samples' passing means something: the same show with its id as a string, or its login missing, is a finding.
func TestBrokenUserSampleIsAFinding(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "coupa", "user-show.json"))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://example.coupahost.com")
	for name, broken := range map[string]string{
		"id as a string": strings.Replace(string(body), `"id": 5,`, `"id": "5",`, 1),
		"no login":       strings.Replace(string(body), `"login":`, `"logon":`, 1),
	} {
		if broken == string(body) {
			t.Fatalf("%s: the sample did not change", name)
		}
		v, err := newValidator(spec.MustLoad(), base, []Format{FormatJSON})
		if err != nil {
			t.Fatal(err)
		}
		v.observe(sampleExchange(t, v, http.MethodGet, "/api/users/5", http.StatusOK, []byte(broken)))
		if len(findings(v)) == 0 {
			t.Errorf("%s: no finding", name)
		}
	}
}

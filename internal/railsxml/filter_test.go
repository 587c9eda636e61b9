package railsxml

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// validate runs kin-openapi's response validation for a GET of path
// (matched against pattern) answered with status, content type and body.
func validate(t *testing.T, pattern, path string, status int, contentType, body string) error {
	t.Helper()
	doc := loadSpec(t)
	item := doc.Paths.Value(pattern)
	if item == nil || item.Get == nil {
		t.Fatalf("no GET %s in the test spec", pattern)
	}
	route := &routers.Route{Spec: doc, Path: pattern, PathItem: item, Method: http.MethodGet, Operation: item.Get}
	req := httptest.NewRequest(http.MethodGet, path, nil)
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: route},
		Status:                 status,
		Header:                 http.Header{"Content-Type": {contentType}},
		Body:                   io.NopCloser(strings.NewReader(body)),
	}
	return openapi3filter.ValidateResponse(context.Background(), input)
}

func TestValidateResponseWithKinOpenAPI(t *testing.T) {
	// Several goroutines register at once, as a server and a checker in one
	// test binary might.
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(Register)
	}
	wg.Wait()
	for _, ct := range []string{"application/xml", "text/xml"} {
		if openapi3filter.RegisteredBodyDecoder(ct) == nil {
			t.Fatalf("no decoder registered for %s", ct)
		}
	}

	untypedUser := `<?xml version="1.0" encoding="UTF-8"?>
<user>
  <id>15</id>
  <login>jdoe</login>
  <active>true</active>
  <manager/>
  <roles>
    <role><id>1</id><name>Admin</name></role>
  </roles>
</user>`

	for _, tc := range []struct {
		name        string
		pattern     string
		status      int
		contentType string
		body        string
		wantErr     string // "" for a valid response
	}{
		{"coupa user", "/users/{id}", 200, "application/xml", coupaUser, ""},
		{"untyped leaves read by the schema", "/users/{id}", 200, "application/xml", untypedUser, ""},
		{"list with charset", "/users", 200, "text/xml; charset=utf-8", `<users type="array">` + strings.TrimPrefix(coupaUser, `<?xml version="1.0" encoding="UTF-8"?>`) + `</users>`, ""},
		{"errors body", "/users/{id}", 422, "application/xml", string(MarshalErrors([]string{"Login has already been taken"})), ""},
		{"untyped id that is not an integer", "/users/{id}", 200, "application/xml", `<user><id>abc</id><login>jdoe</login></user>`, `user/id: schema says integer, cannot read untyped text "abc"`},
		{"typed id that is not an integer", "/users/{id}", 200, "application/xml", `<user><id type="integer">abc</id><login>jdoe</login></user>`, `user/id: cannot parse "abc" as type "integer"`},
		{"a string where the schema wants an integer", "/users/{id}", 200, "application/xml", `<user><id type="string">abc</id><login>jdoe</login></user>`, "doesn't match schema"},
		{"value outside the enum", "/users/{id}", 200, "application/xml", `<user><id type="integer">1</id><login>jdoe</login><authentication-method type="symbol">magic</authentication-method></user>`, "doesn't match schema"},
		{"missing required property", "/users/{id}", 200, "application/xml", `<user><id type="integer">1</id></user>`, `property "login" is missing`},
		{"malformed", "/users/{id}", 200, "application/xml", `<user><id>1</id>`, "malformed XML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := validate(t, tc.pattern, strings.Replace(tc.pattern, "{id}", "15", 1), tc.status, tc.contentType, tc.body)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("valid response rejected: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("invalid response accepted")
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not mention %q", err, tc.wantErr)
			}
		})
	}
}

func TestBodyDecoderErrors(t *testing.T) {
	t.Run("too large", func(t *testing.T) {
		body := io.MultiReader(strings.NewReader("<x>"), bytes.NewReader(make([]byte, MaxBodySize)))
		_, err := BodyDecoder(body, nil, nil, nil)
		if err == nil || !strings.Contains(err.Error(), "exceeds the 10 MiB limit") {
			t.Fatalf("error = %v, want the size limit", err)
		}
	})
	t.Run("parse error wraps *Error", func(t *testing.T) {
		_, err := BodyDecoder(strings.NewReader(`<user><id type="integer">x</id></user>`), nil, nil, nil)
		var pe *openapi3filter.ParseError
		var e *Error
		if !errors.As(err, &pe) || !errors.As(err, &e) || e.Path != "user/id" {
			t.Fatalf("error = %#v, want a ParseError around an *Error at user/id", err)
		}
	})
	t.Run("read error", func(t *testing.T) {
		boom := errors.New("boom")
		_, err := BodyDecoder(io.MultiReader(strings.NewReader("<x>"), errReader{boom}), nil, nil, nil)
		if !errors.Is(err, boom) {
			t.Fatalf("error = %v, want boom", err)
		}
	})
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

package fake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/coupa-kit/coupa-users/internal/railsxml"
	"github.com/coupa-kit/coupa-users/spec"
)

// newValidator builds kin-openapi's router over the spec, so that request bodies are validated against the very
// document the fake serves (as stripe-mock does). The servers are dropped so that the fake's own address, whatever
// it is, matches.
func newValidator(s *spec.Spec) (routers.Router, error) {
	railsxml.Register()
	doc := *s.Doc
	doc.Servers = nil
	r, err := gorillamux.NewRouter(&doc)
	if err != nil {
		return nil, fmt.Errorf("fake: routing the spec: %w", err)
	}
	return r, nil
}

// validateBody checks a request body against the operation's schema and turns kin-openapi's findings into
// Coupa's messages ("First Name can't be blank", "Login is too long (maximum is 255 characters)").
func (f *Fake) validateBody(ctx context.Context, r *http.Request, body []byte, bf format) []string {
	req := r.Clone(ctx)
	req.Body = http.NoBody
	req.GetBody = nil
	req.Header = r.Header.Clone()
	req.Header.Set("Content-Type", map[format]string{formatJSON: "application/json", formatXML: "application/xml"}[bf])
	req.Header.Del("Authorization")
	req.Body = readCloser{bytes.NewReader(body)}
	req.ContentLength = int64(len(body))
	route, params, err := f.router.FindRoute(req)
	if err != nil {
		return []string{"The request does not match the API: " + err.Error()}
	}
	input := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{
			MultiError:                true,
			ExcludeRequestQueryParams: true, // the query package checks parameters with Coupa's messages
			AuthenticationFunc:        openapi3filter.NoopAuthenticationFunc,
		},
	}
	err = openapi3filter.ValidateRequest(ctx, input)
	if err == nil {
		return nil
	}
	var msgs []string
	for _, e := range flatten(err) {
		var se *openapi3.SchemaError
		var re *openapi3filter.RequestError
		switch {
		case errors.As(e, &se):
			msgs = append(msgs, schemaMessage(se))
		case errors.As(e, &re) && re.Err != nil && !errors.As(re.Err, &se):
			msgs = append(msgs, "Malformed request body: "+re.Err.Error())
		case errors.As(e, &re):
			msgs = append(msgs, re.Reason)
		default:
			msgs = append(msgs, e.Error())
		}
	}
	return slices.Compact(msgs)
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// flatten unpacks kin-openapi's MultiErrors (which nest) into their leaves.
func flatten(err error) []error {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []error
		for _, e := range me {
			out = append(out, flatten(e)...)
		}
		return out
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) && re.Err != nil {
		var inner openapi3.MultiError
		if errors.As(re.Err, &inner) {
			return flatten(inner)
		}
	}
	return []error{err}
}

var missingProperty = regexp.MustCompile(`property "([^"]+)" is missing`)

// schemaMessage words a schema violation the way Coupa's validations do.
func schemaMessage(se *openapi3.SchemaError) string {
	path := se.JSONPointer()
	name := "Request"
	if len(path) > 0 {
		name = label(path[0])
		if len(path) > 1 {
			name += " " + strings.Join(path[1:], " ")
		}
	}
	switch se.SchemaField {
	case "required":
		if m := missingProperty.FindStringSubmatch(se.Reason); m != nil {
			// kin-openapi's pointer may end with the missing property itself.
			if len(path) > 0 && path[len(path)-1] == m[1] {
				path = path[:len(path)-1]
			}
			if len(path) == 0 {
				return label(m[1]) + " can't be blank"
			}
			return label(path[0]) + " " + strings.Join(append(path[1:], m[1]), " ") + " can't be blank"
		}
	case "maxLength":
		if se.Schema != nil && se.Schema.MaxLength != nil {
			return fmt.Sprintf("%s is too long (maximum is %d characters)", name, *se.Schema.MaxLength)
		}
	case "enum":
		return name + " is not included in the list"
	case "type":
		if se.Schema != nil {
			switch {
			case se.Schema.Type.Is("integer"), se.Schema.Type.Is("number"):
				return name + " is not a number"
			case se.Schema.Type.Is("boolean"):
				return name + " is not a valid boolean"
			case se.Schema.Type.Is("object") && len(path) == 0:
				return "The request body must be a user object"
			}
		}
	case "minProperties":
		return name + " must name a record by id or by one of its keys"
	}
	return name + " is invalid"
}

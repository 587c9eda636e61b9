package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/coupa-kit/coupa-users/internal/railsxml"
	"github.com/coupa-kit/coupa-users/spec"
)

// The conformance checks. Their findings come from every response any check receives.
const (
	checkResponses   = "conformance/responses"
	checkContentType = "conformance/content-type"
	checkXMLTypes    = "conformance/xml-types"
	checkKeySpelling = "conformance/key-spelling"
)

// maxFindings bounds the distinct findings kept per conformance check and format; repeats of a finding (the same
// rule broken by another user of the page, or on another page) are counted, not kept.
const maxFindings = 25

// tolerated are statuses the spec does not document that a server may still plausibly answer with (413 for a body
// larger than it takes): their bodies are validated as the operation's 400 response instead.
var tolerated = map[int]bool{http.StatusRequestEntityTooLarge: true}

// validator validates every response against the spec with openapi3filter, checks that its Content-Type is the
// format asked for, that typed XML leaves carry their Rails type and that keys are spelled as the spec spells them.
// It keeps the findings per format for the conformance checks.
type validator struct {
	sp   *spec.Spec
	base *url.URL
	// formats are the run's formats; findings of format-independent requests (the token endpoint's) go to the
	// first.
	formats []Format
	router  routers.Router

	mu       sync.Mutex
	findings map[string][]*finding // "<format> <check>" → findings

	valid validated
}

// finding is a conformance failure and how many responses repeated it.
type finding struct {
	key     string
	failure Failure
	repeats int
}

func newValidator(sp *spec.Spec, base *url.URL, formats []Format) (*validator, error) {
	railsxml.Register()
	doc := *sp.Doc
	doc.Servers = nil
	router, err := gorillamux.NewRouter(&doc)
	if err != nil {
		return nil, fmt.Errorf("routing the spec: %w", err)
	}
	return &validator{sp: sp, base: base, formats: formats, router: router, findings: map[string][]*finding{}}, nil
}

// answerSchema is the schema an answer is held to. The spec describes an answer that a projection may narrow as
// anyOf [the full form, the projection (x-coupa-projection)]; a request that asks for no projection gets the full
// form, which requires every element, and one that asks for a projection gets the projection.
func answerSchema(r *openapi3.SchemaRef, projection bool) *openapi3.SchemaRef {
	if r == nil || r.Value == nil || len(r.Value.AnyOf) != 2 {
		return r
	}
	full, narrowed := r.Value.AnyOf[0], r.Value.AnyOf[1]
	if narrowed.Value == nil || narrowed.Value.Extensions["x-coupa-projection"] != true {
		return r
	}
	if projection {
		return narrowed
	}
	return full
}

// route finds the spec's operation for an exchange, nil when the spec has none (DELETE, an unknown path).
func (v *validator) route(ex *exchange) (*routers.Route, map[string]string, *http.Request) {
	if ex.url == nil {
		return nil, nil, nil
	}
	// The escaped path, as sent: a query string escaped into the path (/api/users/5%3Ffields=...) is part of the id
	// segment, not a query of its own.
	p := ex.url.EscapedPath()
	if ex.url.Host == v.base.Host {
		p = strings.TrimPrefix(p, strings.TrimRight(v.base.EscapedPath(), "/"))
	}
	method := ex.method
	if method == http.MethodPatch {
		method = http.MethodPut // Rails routes PATCH to update, and the spec describes it once, as PUT
	}
	req, err := http.NewRequest(method, "http://spec.invalid"+p+"?"+ex.url.RawQuery, nil)
	if err != nil {
		return nil, nil, nil
	}
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		return nil, nil, nil
	}
	return route, params, req
}

// responseSchema returns the schema of the response the exchange got, in the media type given, or nil.
func (v *validator) responseSchema(ex *exchange, mediaType string) (*openapi3.SchemaRef, *routers.Route, int) {
	route, _, _ := v.route(ex)
	if route == nil || route.Operation == nil {
		return nil, nil, 0
	}
	status := ex.status
	resp := route.Operation.Responses.Status(status)
	if resp == nil && tolerated[status] {
		status = http.StatusBadRequest
		resp = route.Operation.Responses.Status(status)
	}
	if resp == nil || resp.Value == nil {
		return nil, route, status
	}
	mt := resp.Value.Content.Get(mediaType)
	if mt == nil {
		return nil, route, status
	}
	return answerSchema(mt.Schema, isProjection(ex.url.Query())), route, status
}

// schemaFor is the schema an XML body is read by.
func (v *validator) schemaFor(ex *exchange) *openapi3.Schema {
	if r, _, _ := v.responseSchema(ex, "application/xml"); r != nil {
		return r.Value
	}
	return nil
}

// observe validates one response.
func (v *validator) observe(ex *exchange) {
	if ex.method == http.MethodHead {
		return
	}
	route, params, req := v.route(ex)
	if route == nil {
		return // not an operation of the spec (DELETE): nothing to validate against
	}
	v.checkContentType(ex, route)
	status := ex.status
	if route.Operation.Responses.Status(status) == nil && tolerated[status] {
		status = http.StatusBadRequest
	}
	// openapi3filter checks the status and the headers; the body, already decoded by the client (XML through
	// railsxml), is validated against the same schema openapi3filter would use, so that no body is parsed twice.
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 ex.header,
		Body:                   io.NopCloser(bytes.NewReader(ex.body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, ExcludeResponseBody: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		v.responseErrors(ex, route, status, nil, err)
	} else {
		v.validateBody(ex, route, status)
	}
	if strings.HasPrefix(route.Path, "/api/users") && ex.status < 300 {
		if bytes.HasPrefix(bytes.TrimSpace(ex.body), []byte("<")) {
			for _, f := range xmlTypeFindings(v.sp, ex.body) {
				v.add(ex, checkXMLTypes, f.key, f.failure)
			}
		}
		for _, f := range keySpellingFindings(v.sp, ex.value) {
			v.add(ex, checkKeySpelling, f.key, f.failure)
		}
	}
}

// checkContentType checks that a response with a body is in the format asked for.
func (v *validator) checkContentType(ex *exchange, route *routers.Route) {
	if len(bytes.TrimSpace(ex.body)) == 0 || binaryAnswer(route, ex.status) {
		return
	}
	want := []string{"application/json"}
	if ex.format == FormatXML && strings.HasPrefix(route.Path, "/api/") {
		want = []string{"application/xml", "text/xml"}
	}
	got, _, err := mime.ParseMediaType(ex.contentType())
	for _, w := range want {
		if err == nil && got == w {
			return
		}
	}
	v.add(ex, checkContentType, "content-type "+route.Path+" "+ex.contentType(), Failure{
		Message: fmt.Sprintf("Content-Type is %q; the request asked for %s", ex.contentType(), strings.Join(want, " or ")),
		Rule:    "a response is in the format the request asked for with Accept, and says so in its Content-Type",
		Spec:    "#/paths/" + pointerEscape(route.Path) + "/" + strings.ToLower(ex.method) + "/responses/" + strconv.Itoa(ex.status) + "/content",
	})
}

// binaryAnswer reports an answer the operation documents as bytes only (an avatar's image): no format was asked
// of it.
func binaryAnswer(route *routers.Route, status int) bool {
	resp := route.Operation.Responses.Status(status)
	if resp == nil || resp.Value == nil || len(resp.Value.Content) == 0 {
		return false
	}
	for _, mt := range resp.Value.Content {
		if mt.Schema == nil || mt.Schema.Value == nil || mt.Schema.Value.Format != "binary" {
			return false
		}
	}
	return true
}

var indexSegment = regexp.MustCompile(`/\d+(/|$)`)

// validateBody checks the response's Content-Type against the documented ones and its decoded body against the
// schema, as openapi3filter.ValidateResponse does.
func (v *validator) validateBody(ex *exchange, route *routers.Route, status int) {
	resp := route.Operation.Responses.Status(status)
	if resp == nil || resp.Value == nil || len(resp.Value.Content) == 0 {
		return
	}
	op := "#/paths/" + pointerEscape(route.Path) + "/" + strings.ToLower(ex.method) + "/responses/" + strconv.Itoa(status)
	mt := resp.Value.Content.Get(ex.contentType())
	if mt == nil {
		v.add(ex, checkResponses, op+" content-type "+ex.contentType(), Failure{
			Message: fmt.Sprintf("Content-Type %q is not one the operation documents for %d", ex.contentType(), ex.status),
			Rule:    "the response's Content-Type is one the operation documents", Spec: op + "/content"})
		return
	}
	schema := answerSchema(mt.Schema, isProjection(ex.url.Query()))
	if schema == nil || schema.Value == nil || schema.Value.Format == "binary" {
		return // no schema, or bytes (an avatar): the media type, checked above, is all there is to hold them to
	}
	if ex.value == nil && ex.decodeErr == nil && ex.url.Query().Get("return_object") == "none" {
		return // the empty answer return_object=none asks for
	}
	if ex.decodeErr != nil || ex.value == nil {
		msg := "the body is empty"
		if ex.decodeErr != nil {
			msg = "the body does not parse: " + ex.decodeErr.Error()
		}
		v.add(ex, checkResponses, op+" undecodable", Failure{Message: msg, Rule: "the response's body is well formed and matches its schema", Spec: op + "/content"})
		return
	}
	if err := v.valid.visit(schema.Value, ex.value); err != nil {
		v.responseErrors(ex, route, status, schema, err)
	}
}

// responseErrors turns kin-openapi's errors into findings, one per schema violation.
func (v *validator) responseErrors(ex *exchange, route *routers.Route, status int, schemaRef *openapi3.SchemaRef, err error) {
	op := "#/paths/" + pointerEscape(route.Path) + "/" + strings.ToLower(ex.method) + "/responses/" + strconv.Itoa(status)
	var leaves []*openapi3.SchemaError
	collectSchemaErrors(err, &leaves)
	var re *openapi3filter.ResponseError
	if len(leaves) == 0 && !errors.As(err, &re) {
		v.add(ex, checkResponses, "other "+err.Error(), Failure{Message: err.Error(), Rule: "the response is as the spec documents it", Spec: op})
		return
	}
	if len(leaves) == 0 {
		msg := re.Reason
		if re.Err != nil {
			msg += ": " + re.Err.Error()
		}
		rule := "the response's status and body are documented for the operation"
		switch {
		case strings.Contains(re.Reason, "status is not supported"):
			msg = fmt.Sprintf("status %d is not documented for %s %s", ex.status, ex.method, route.Path)
			rule = "every status an operation answers with is documented"
			if ex.status >= 500 {
				rule = "a server error (5xx) is never a valid answer"
			}
		case strings.Contains(re.Reason, "Content-Type"):
			rule = "the response's Content-Type is one the operation documents"
		}
		v.add(ex, checkResponses, op+" "+re.Reason, Failure{Message: msg, Rule: rule, Spec: op + "/content", Response: respEvidence(ex, excerpt(ex.body, 500))})
		return
	}
	for _, se := range leaves {
		ptr := se.JSONPointer()
		where := schemaPointer(schemaRef, ptr)
		if se.SchemaField != "" {
			where += "/" + se.SchemaField
		}
		path := "/" + strings.Join(ptr, "/")
		msg := fmt.Sprintf("%s: %s", path, se.Reason)
		key := op + " " + indexSegment.ReplaceAllString(path, "/*$1") + " " + se.SchemaField
		v.add(ex, checkResponses, key, Failure{
			Message:  msg,
			Rule:     "every response body matches its schema (" + se.SchemaField + ")",
			Spec:     where,
			Response: respEvidence(ex, valueAt(ex.value, ptr)),
		})
	}
}

// collectSchemaErrors flattens kin-openapi's nested multi-errors into their schema errors.
func collectSchemaErrors(err error, out *[]*openapi3.SchemaError) {
	if err == nil {
		return
	}
	var me openapi3.MultiError
	if errors.As(err, &me) {
		for _, e := range me {
			collectSchemaErrors(e, out)
		}
		return
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		*out = append(*out, se)
	}
}

// schemaPointer follows a value's JSON pointer through a response schema to the deepest named component, and
// returns where the rule lives: "#/components/schemas/UserRef/properties/login".
func schemaPointer(r *openapi3.SchemaRef, ptr []string) string {
	if r == nil {
		return ""
	}
	where := r.Ref
	for i, seg := range ptr {
		s := r.Value
		if s == nil {
			break
		}
		var next *openapi3.SchemaRef
		switch {
		case s.Items != nil:
			next = s.Items
			if next.Ref == "" {
				where += "/items"
			}
		case s.Properties[seg] != nil:
			next = s.Properties[seg]
			if next.Ref == "" {
				where += "/properties/" + pointerEscape(seg)
			}
		default:
			return where
		}
		if next.Ref != "" {
			where = next.Ref
		}
		// A nullable association is an allOf with one $ref: its fields live in the referred schema.
		if i < len(ptr)-1 && next.Ref == "" && next.Value != nil && len(next.Value.AllOf) == 1 && next.Value.AllOf[0].Ref != "" {
			next = next.Value.AllOf[0]
			where = next.Ref
		}
		r = next
	}
	return where
}

// pointerEscape escapes a JSON pointer segment.
func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// add records a finding for the exchange's format, counting repeats.
func (v *validator) add(ex *exchange, check, key string, f Failure) {
	f.Check = ex.check
	if f.Request == nil {
		f.Request = reqEvidence(ex)
	}
	if f.Response == nil {
		f.Response = respEvidence(ex, excerpt(ex.body, 500))
	}
	format := ex.format
	if !slices.Contains(v.formats, format) && len(v.formats) > 0 {
		format = v.formats[0]
	}
	k := string(format) + " " + check
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, x := range v.findings[k] {
		if x.key == key {
			x.repeats++
			return
		}
	}
	if len(v.findings[k]) < maxFindings {
		v.findings[k] = append(v.findings[k], &finding{key: key, failure: f})
	}
}

// report returns a conformance check's findings for a format.
func (v *validator) report(format Format, check string) []Failure {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []Failure
	for _, x := range v.findings[string(format)+" "+check] {
		f := x.failure
		if x.repeats > 0 {
			f.Message += fmt.Sprintf(" (and %d more like it)", x.repeats)
		}
		out = append(out, f)
	}
	return out
}

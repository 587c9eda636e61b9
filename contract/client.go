package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/coupa-kit/coupa-users/internal/railsxml"
	"github.com/coupa-kit/coupa-users/internal/ratelimit"
	"github.com/coupa-kit/coupa-users/spec"
)

// maxResponseBytes bounds a response body the suite reads: a page of 50 users is a few hundred kilobytes.
const maxResponseBytes = 16 << 20

// maxAttempts is how many times a request is sent when the server answers 429 (Too Many Requests).
const maxAttempts = 7

// errReadOnly is the error of a request that read-only mode refused to send.
var errReadOnly = errors.New("refused by the read-only guard: read-only mode sends GET requests only")

// authMode says which credentials a request carries.
type authMode int

const (
	authDefault authMode = iota // the configured credentials
	authNone                    // none at all
	authBearer                  // Authorization: Bearer request.credential
	authAPIKey                  // X-COUPA-API-KEY: request.credential
	authRead                    // a token with the read scope only (client credentials)
)

// request is a request as a check describes it.
type request struct {
	method string
	path   string // under the base URL: "/api/users/5"
	query  url.Values
	format Format
	// body is sent encoded in the format (JSON, or Rails XML read by the schema named bodySchema, with its root:
	// <user> unless the schema names another).
	body       any
	bodySchema string
	// raw, when not nil, is sent as is with Content-Type rawType (no Content-Type when rawType is "").
	raw     []byte
	rawType string
	// form is sent form-encoded (the token endpoint).
	form url.Values
	// absURL replaces the base URL and path (the token endpoint).
	absURL     string
	auth       authMode
	credential string
	header     http.Header
	// noRedirect returns a redirect as it came (the authorization endpoint's 302) instead of following it.
	noRedirect bool
}

// exchange is a request and its response, as checks and the validator see it.
type exchange struct {
	check   string
	format  Format
	method  string
	url     *url.URL
	reqBody []byte
	reqType string
	status  int
	header  http.Header
	body    []byte
	// err is the transport error when no response came (or the request could not be sent).
	err error
	// value is the body decoded into the JSON data model (XML through railsxml); nil when empty or undecodable.
	value     any
	decodeErr error
	duration  time.Duration
	// noRedirect: the request's redirect is not followed.
	noRedirect bool
}

// contentType is the response's Content-Type.
func (ex *exchange) contentType() string {
	if ex.header == nil {
		return ""
	}
	return ex.header.Get("Content-Type")
}

// client sends requests: rate-limited, with credentials and timeouts, 429 retried, read-only mode enforced, and
// every response handed to the validator.
type client struct {
	s       *settings
	hc      *http.Client
	limiter *ratelimit.Bucket
	creds   *credentials
	// schemaFor picks the schema an XML response body is read by (nil when unknown).
	schemaFor func(*exchange) *openapi3.Schema
	// observe sees every final response (the validator).
	observe func(*exchange)
	// sleep waits between attempts (tests shorten it).
	sleep func(context.Context, time.Duration) error

	mu          sync.Mutex
	byMethod    map[string]int
	total       int
	rateLimited int
}

func newClient(s *settings) *client {
	hc := s.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	c := &client{s: s, hc: hc, limiter: ratelimit.New(s.Rate, s.Burst), byMethod: map[string]int{}, sleep: ratelimit.Sleep}
	c.creds = &credentials{c: c, tokens: map[string]cachedToken{}}
	return c
}

// counts returns the request counters for the report.
func (c *client) counts() RequestCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := make(map[string]int, len(c.byMethod))
	for k, v := range c.byMethod {
		m[k] = v
	}
	return RequestCounts{Total: c.total, ByMethod: m, RateLimited: c.rateLimited}
}

// send sends a request on behalf of a check and returns the exchange; it never returns nil. A transport failure is
// in exchange.err.
func (c *client) send(ctx context.Context, check string, r request) *exchange {
	ex := &exchange{check: check, format: r.format, method: r.method}
	target := r.absURL
	if target == "" {
		target = c.s.base.String() + r.path
	}
	u, err := url.Parse(target)
	if err != nil {
		ex.err = err
		return ex
	}
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}
	ex.url = u
	ex.noRedirect = r.noRedirect
	if err := c.encodeBody(r, ex); err != nil {
		ex.err = err
		return ex
	}
	if c.s.ReadOnly && r.method != http.MethodGet && r.method != http.MethodHead &&
		!(r.method == http.MethodPost && r.absURL == c.s.tokenURL.String()) &&
		!(r.method == http.MethodPost && r.path == spec.GraphQLPath && graphQLQuery(ex.reqBody)) {
		ex.err = errReadOnly
		return ex
	}
	header := http.Header{}
	for k, v := range r.header {
		header[k] = v
	}
	if header.Get("Accept") == "" {
		header.Set("Accept", r.format.mediaType())
	}
	if ex.reqType != "" {
		header.Set("Content-Type", ex.reqType)
	}
	if err := c.authorize(ctx, check, r, header); err != nil {
		ex.err = err
		return ex
	}
	start := time.Now()
	for attempt := 1; ; attempt++ {
		if err := c.limiter.Wait(ctx); err != nil {
			ex.err = err
			return ex
		}
		c.attempt(ctx, u, header, ex)
		if ex.err != nil || ex.status != http.StatusTooManyRequests || attempt == maxAttempts {
			break
		}
		c.mu.Lock()
		c.rateLimited++
		c.mu.Unlock()
		if err := c.sleep(ctx, ratelimit.Backoff(attempt, ex.header.Get("Retry-After"))); err != nil {
			ex.err = err
			return ex
		}
	}
	ex.duration = time.Since(start)
	if ex.err == nil {
		c.decode(ex)
		if c.observe != nil {
			c.observe(ex)
		}
	}
	return ex
}

// attempt sends the request once, filling the exchange's response (or err). A write, once sent, is not abandoned
// when ctx ends (an interruption): it runs to its answer or its timeout, so that a user it creates is known and
// deactivated.
func (c *client) attempt(ctx context.Context, u *url.URL, header http.Header, ex *exchange) {
	if ex.method != http.MethodGet && ex.method != http.MethodHead {
		ctx = context.WithoutCancel(ctx)
	}
	ctx, cancel := context.WithTimeout(ctx, c.s.Timeout)
	defer cancel()
	var body io.Reader
	if ex.reqBody != nil {
		body = bytes.NewReader(ex.reqBody)
	}
	req, err := http.NewRequestWithContext(ctx, ex.method, u.String(), body)
	if err != nil {
		ex.err = err
		return
	}
	req.Header = header.Clone()
	c.mu.Lock()
	c.total++
	c.byMethod[ex.method]++
	c.mu.Unlock()
	hc := c.hc
	if ex.noRedirect {
		stop := *c.hc
		stop.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		hc = &stop
	}
	resp, err := hc.Do(req)
	if err != nil {
		ex.err = err
		return
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	ex.status, ex.header, ex.body, ex.err = resp.StatusCode, resp.Header, data, nil
	if err != nil {
		ex.err = fmt.Errorf("reading the response body: %w", err)
	}
}

// encodeBody renders the request body in the request's format.
func (c *client) encodeBody(r request, ex *exchange) error {
	switch {
	case r.raw != nil:
		ex.reqBody, ex.reqType = r.raw, r.rawType
	case r.form != nil:
		ex.reqBody, ex.reqType = []byte(r.form.Encode()), "application/x-www-form-urlencoded"
	case r.body != nil && r.format == FormatXML:
		var schema *openapi3.Schema
		root := "user"
		if r.bodySchema != "" {
			schema = specSchema(r.bodySchema)
			if schema != nil && schema.XML != nil && schema.XML.Name != "" {
				root = schema.XML.Name // <business-group> for BusinessGroupInput
			}
		}
		data, err := railsxml.Marshal(root, r.body, schema)
		if err != nil {
			return fmt.Errorf("encoding the XML request body: %w", err)
		}
		ex.reqBody, ex.reqType = data, FormatXML.mediaType()
	case r.body != nil:
		data, err := json.Marshal(r.body)
		if err != nil {
			return fmt.Errorf("encoding the JSON request body: %w", err)
		}
		ex.reqBody, ex.reqType = data, FormatJSON.mediaType()
	}
	return nil
}

// authorize sets the request's credentials.
func (c *client) authorize(ctx context.Context, check string, r request, h http.Header) error {
	switch r.auth {
	case authNone:
		return nil
	case authBearer:
		h.Set("Authorization", "Bearer "+r.credential)
		return nil
	case authAPIKey:
		h.Set("X-COUPA-API-KEY", r.credential)
		return nil
	case authRead:
		if c.s.ClientID == "" {
			return errors.New("a read-only token needs client credentials")
		}
		tok, err := c.creds.token(ctx, check, []string{scopeRead})
		if err != nil {
			return err
		}
		h.Set("Authorization", "Bearer "+tok)
		return nil
	}
	switch {
	case c.s.APIKey != "":
		h.Set("X-COUPA-API-KEY", c.s.APIKey)
	case c.s.Token != "":
		h.Set("Authorization", "Bearer "+c.s.Token)
	default:
		tok, err := c.creds.token(ctx, check, c.s.Scopes)
		if err != nil {
			return err
		}
		h.Set("Authorization", "Bearer "+tok)
	}
	return nil
}

// decode reads the body into the JSON data model. XML is recognised by its first byte, whatever the Content-Type
// says (conformance checks the Content-Type; the other checks look at the data).
func (c *client) decode(ex *exchange) {
	data := bytes.TrimSpace(ex.body)
	if len(data) == 0 {
		return
	}
	if data[0] == '<' {
		var schema *openapi3.Schema
		if c.schemaFor != nil {
			schema = c.schemaFor(ex)
		}
		_, v, err := railsxml.Unmarshal(data, schema)
		ex.value, ex.decodeErr = v, err
		return
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		ex.decodeErr = err
		return
	}
	ex.value = v
}

// graphQLQuery reports a GraphQL request that only reads: a JSON body whose document is a query (an operation
// named "query", or the shorthand "{ ... }"), never a mutation or subscription. Read-only mode sends those and
// nothing else to /api/graphql.
func graphQLQuery(body []byte) bool {
	var req struct {
		Query string `json:"query"`
	}
	if json.Unmarshal(body, &req) != nil {
		return false
	}
	doc := strings.TrimSpace(req.Query)
	return (strings.HasPrefix(doc, "{") || strings.HasPrefix(doc, "query")) &&
		!strings.Contains(doc, "mutation") && !strings.Contains(doc, "subscription")
}

// Package readonly is the HTTP client of the commands that read a tenant (snapshot, diff): read-only by
// construction, it can send GET requests and the OAuth token request, and nothing else.
package readonly

import (
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

	"github.com/coupa-kit/coupa-users/internal/ratelimit"
)

// Credentials are how the reader authenticates: an OAuth client (client credentials, scope core.user.read), a
// legacy API key, or a bearer token. The first one set wins, in that order.
type Credentials struct {
	ClientID, ClientSecret string
	APIKey                 string
	Token                  string
}

// readScope is the only scope the client asks for: a token that cannot write cannot be made to.
const readScope = "core.user.read"

// maxAttempts is how many times a GET is sent when the server answers 429.
const maxAttempts = 7

// maxBody bounds an answer: a page of 50 users is a few hundred kilobytes.
const maxBody = 16 << 20

// Client is read-only by construction: its one method for the API, Get, sends GET and nothing else, and the token
// request is the only POST, to the token URL, with a form and the read scope. It paces requests with a token bucket
// and retries 429 with backoff.
type Client struct {
	base    *url.URL
	creds   Credentials
	hc      *http.Client
	limiter *ratelimit.Bucket
	timeout time.Duration
	sleep   func(context.Context, time.Duration) error

	mu      sync.Mutex
	token   string
	expires time.Time
}

// New returns a client for the API at base: rate requests per second (0 or less: no limit), each bounded by
// timeout (0: 60 s); hc nil means a default HTTP client.
func New(base *url.URL, creds Credentials, hc *http.Client, rate float64, timeout time.Duration) *Client {
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	if hc == nil {
		hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	// A burst of one: a snapshot is a steady stream, and a tenant's limit counts every second.
	return &Client{base: base, creds: creds, hc: hc, limiter: ratelimit.New(rate, 1), timeout: timeout, sleep: ratelimit.Sleep}
}

// Answer is a response: status, headers and body (at most 16 MiB).
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Get sends GET path?query with the Accept given ("" means application/json), retrying 429.
func (r *Client) Get(ctx context.Context, path string, query url.Values, accept string) (*Answer, error) {
	if accept == "" {
		accept = "application/json"
	}
	u := r.base.JoinPath(path)
	u.RawQuery = query.Encode()
	for attempt := 1; ; attempt++ {
		if err := r.limiter.Wait(ctx); err != nil {
			return nil, err
		}
		h := http.Header{"Accept": {accept}}
		if err := r.authorize(ctx, h); err != nil {
			return nil, err
		}
		a, err := r.do(ctx, http.MethodGet, u.String(), h, nil)
		if err != nil {
			return nil, fmt.Errorf("GET %s: %w", u.Redacted(), err)
		}
		if a.Status != http.StatusTooManyRequests || attempt == maxAttempts {
			return a, nil
		}
		if err := r.sleep(ctx, ratelimit.Backoff(attempt, a.Header.Get("Retry-After"))); err != nil {
			return nil, err
		}
	}
}

// authorize sets the credentials of an API request, getting a token first when needed.
func (r *Client) authorize(ctx context.Context, h http.Header) error {
	switch {
	case r.creds.ClientID != "":
		tok, err := r.bearer(ctx)
		if err != nil {
			return err
		}
		h.Set("Authorization", "Bearer "+tok)
	case r.creds.APIKey != "":
		h.Set("X-COUPA-API-KEY", r.creds.APIKey)
	case r.creds.Token != "":
		h.Set("Authorization", "Bearer "+r.creds.Token)
	default:
		return errors.New("no credentials: give a client id and secret, an API key or a token")
	}
	return nil
}

// bearer returns a cached token while it has more than a minute to live, else asks the token endpoint for one.
func (r *Client) bearer(ctx context.Context) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.token != "" && time.Until(r.expires) > time.Minute {
		return r.token, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {r.creds.ClientID},
		"client_secret": {r.creds.ClientSecret}, "scope": {readScope}}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}}
	tokenURL := r.base.JoinPath("/oauth2/token").String()
	a, err := r.do(ctx, http.MethodPost, tokenURL, h, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("token request: %w", err)
	}
	var body struct {
		AccessToken string  `json:"access_token"`
		ExpiresIn   float64 `json:"expires_in"`
	}
	if a.Status != http.StatusOK || json.Unmarshal(a.Body, &body) != nil || body.AccessToken == "" {
		return "", fmt.Errorf("token request: status %d: %.300s", a.Status, a.Body)
	}
	ttl := 3600.0
	if body.ExpiresIn > 0 {
		ttl = body.ExpiresIn
	}
	r.token, r.expires = body.AccessToken, time.Now().Add(time.Duration(ttl)*time.Second)
	return r.token, nil
}

// do sends one request. It is unexported and called with GET from Get and POST from bearer only.
func (r *Client) do(ctx context.Context, method, target string, h http.Header, body io.Reader) (*Answer, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, err
	}
	req.Header = h
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	return &Answer{Status: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

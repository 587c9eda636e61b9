package contract

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coupa-kit/coupa-users/spec"
)

// Format is a wire format of the API.
type Format string

// The formats the API speaks: the client chooses with Accept and sends bodies in the same format.
const (
	FormatJSON Format = "json"
	FormatXML  Format = "xml"
)

// mediaType is the Accept and Content-Type value of the format.
func (f Format) mediaType() string {
	if f == FormatXML {
		return "application/xml"
	}
	return "application/json"
}

// ParseFormats reads a --format value: "json", "xml" or "both" (also "json,xml").
func ParseFormats(s string) ([]Format, error) {
	var out []Format
	for part := range strings.SplitSeq(strings.ToLower(s), ",") {
		switch strings.TrimSpace(part) {
		case "json":
			out = append(out, FormatJSON)
		case "xml":
			out = append(out, FormatXML)
		case "both", "all":
			out = append(out, FormatJSON, FormatXML)
		default:
			return nil, fmt.Errorf("unknown format %q: use json, xml or both", part)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// The defaults of Config.
const (
	// DefaultRate is the default request rate, requests per second: safely under Coupa's 25 (bursts of 20).
	DefaultRate = 20
	// DefaultBurst is the default number of requests the rate limiter lets through at once.
	DefaultBurst = 5
	// DefaultTimeout bounds each HTTP request (each attempt, when a 429 is retried).
	DefaultTimeout = 30 * time.Second
	// DefaultMaxWalk is how many users the paging walk reads at most before it stops (a live tenant may hold many).
	DefaultMaxWalk = 2000
)

// Config says what to check and how to reach it. BaseURL or Handler, and one kind of credentials, are required.
type Config struct {
	// BaseURL is the implementation's base URL, such as https://acme.coupahost.com (no /api/users).
	BaseURL string
	// Handler, instead of BaseURL, is served on a loopback httptest server for the run.
	Handler http.Handler
	// HTTPClient sends the requests; nil means a client of its own. Its Timeout is not used: Timeout bounds each
	// request.
	HTTPClient *http.Client

	// ClientID and ClientSecret are OAuth 2.0 client credentials; the suite gets its tokens from TokenURL.
	ClientID, ClientSecret string
	// Scopes are requested with the client credentials; nil means core.user.read and core.user.write (only
	// core.user.read in read-only mode).
	Scopes []string
	// TokenURL is the token endpoint; "" means BaseURL + /oauth2/token (Coupa's documentation), or
	// BaseURL + /oauth2/access_tokens (the tokenUrl of Coupa's R35–R39 Swagger) when the first answers 404.
	TokenURL string
	// APIKey is a legacy X-COUPA-API-KEY, instead of client credentials.
	APIKey string
	// Token is a bearer token obtained elsewhere, instead of client credentials.
	Token string

	// ReadOnly sends nothing but GET requests (and the token request): the writing checks are skipped.
	ReadOnly bool
	// Formats are the formats to check; nil means both.
	Formats []Format
	// Only selects checks by name or glob (`reading/*`, `writing/max-length/*`, or a prefix such as `security`);
	// nil selects every check. Skip then removes checks the same way.
	Only, Skip []string

	// Rate is the request rate, requests per second: 0 means DefaultRate, a negative value no limit.
	Rate float64
	// Burst is how many requests may go at once before the rate applies: 0 means DefaultBurst.
	Burst int
	// Timeout bounds each request: 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxWalk bounds the paging walk, in users: 0 means DefaultMaxWalk.
	MaxWalk int

	// ResponseFilter names a response filter the implementation defines for users (on Coupa, an API filter of
	// Setup > Integrations > API Filters), for the reading/response-filter/named check; "" skips that check, as a
	// tenant need define none.
	ResponseFilter string

	// Generate is how many generated negative cases robustness/generated sends per format (0: none, the check is
	// skipped); Seed makes them: the same seed, the same cases.
	Generate int
	Seed     int64

	// RunID is the prefix of everything the run creates; "" means "ct-" and 8 hex digits of a random UUID.
	RunID string
	// Progress, when not nil, receives one line per check and format as the suite runs.
	Progress io.Writer
}

// ErrNoCredentials is returned by Run when the configuration names no credentials.
var ErrNoCredentials = errors.New("no credentials: give client credentials, an API key or a bearer token")

// settings is a Config with its defaults applied and its URLs parsed.
type settings struct {
	Config
	base     *url.URL
	tokenURL *url.URL
}

// check validates a Config and applies its defaults. BaseURL must already be set (Run sets it for a Handler).
func (c Config) check() (*settings, error) {
	s := &settings{Config: c}
	if c.BaseURL == "" {
		return nil, errors.New("no base URL")
	}
	u, err := url.Parse(strings.TrimRight(c.BaseURL, "/"))
	if err != nil {
		return nil, fmt.Errorf("base URL %q: %w", c.BaseURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("base URL %q: want http(s)://host[:port]", c.BaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q: no query or fragment, please", c.BaseURL)
	}
	s.base = u
	tok := c.TokenURL
	if tok == "" {
		tok = u.String() + tokenPath
	}
	if s.tokenURL, err = url.Parse(tok); err != nil || s.tokenURL.Host == "" ||
		s.tokenURL.Scheme != "http" && s.tokenURL.Scheme != "https" {
		return nil, fmt.Errorf("token URL %q: want http(s)://host/path", tok)
	}
	kinds := 0
	if c.ClientID != "" || c.ClientSecret != "" {
		if c.ClientID == "" || c.ClientSecret == "" {
			return nil, errors.New("client id and client secret go together")
		}
		kinds++
	}
	if c.APIKey != "" {
		kinds++
	}
	if c.Token != "" {
		kinds++
	}
	switch {
	case kinds == 0:
		return nil, ErrNoCredentials
	case kinds > 1:
		return nil, errors.New("give one kind of credentials: client credentials, an API key or a bearer token")
	}
	if len(s.Formats) == 0 {
		s.Formats = []Format{FormatJSON, FormatXML}
	}
	for _, f := range s.Formats {
		if f != FormatJSON && f != FormatXML {
			return nil, fmt.Errorf("unknown format %q", f)
		}
	}
	if s.Scopes == nil {
		s.Scopes = []string{scopeRead, scopeWrite}
		if c.ReadOnly {
			s.Scopes = []string{scopeRead}
		}
	}
	if s.Rate == 0 {
		s.Rate = DefaultRate
	}
	if s.Burst <= 0 {
		s.Burst = DefaultBurst
	}
	if s.Timeout <= 0 {
		s.Timeout = DefaultTimeout
	}
	if s.MaxWalk <= 0 {
		s.MaxWalk = DefaultMaxWalk
	}
	for _, p := range append(slices.Clone(c.Only), c.Skip...) {
		if p == "" {
			return nil, errors.New("an empty check pattern")
		}
	}
	return s, nil
}

// The OAuth scopes of the Users API.
const (
	scopeRead  = spec.ScopeRead
	scopeWrite = spec.ScopeWrite
)

// The token endpoint's paths: Coupa's documentation names the first, its R35–R39 Swagger the second.
const (
	tokenPath        = "/oauth2/token"
	accessTokensPath = "/oauth2/access_tokens"
)

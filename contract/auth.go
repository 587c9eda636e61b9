package contract

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// credentials gets and caches OAuth 2.0 client-credentials tokens, one per set of scopes.
type credentials struct {
	c      *client
	mu     sync.Mutex
	tokens map[string]cachedToken
}

type cachedToken struct {
	value   string
	expires time.Time
}

// TokenError is a token request the token endpoint refused, or whose answer was not a token.
type TokenError struct {
	Status int
	Body   string
	Err    error
}

// Error implements error.
func (e *TokenError) Error() string {
	if e.Err != nil {
		return "token request: " + e.Err.Error()
	}
	return fmt.Sprintf("token request: status %d: %s", e.Status, e.Body)
}

// Unwrap returns the transport error, if any.
func (e *TokenError) Unwrap() error { return e.Err }

// token returns a bearer token with the scopes, from the cache while it has more than a minute to live.
func (cr *credentials) token(ctx context.Context, check string, scopes []string) (string, error) {
	key := strings.Join(scopes, " ")
	cr.mu.Lock()
	defer cr.mu.Unlock()
	if t, ok := cr.tokens[key]; ok && time.Until(t.expires) > time.Minute {
		return t.value, nil
	}
	ex := cr.c.send(ctx, check, tokenRequest(cr.c.s, cr.c.s.ClientID, cr.c.s.ClientSecret, scopes))
	if ex.err != nil {
		return "", &TokenError{Err: ex.err}
	}
	body, _ := ex.value.(map[string]any)
	tok, _ := body["access_token"].(string)
	if ex.status != http.StatusOK || tok == "" {
		return "", &TokenError{Status: ex.status, Body: excerpt(ex.body, 300)}
	}
	ttl := 3600.0
	if n, ok := body["expires_in"].(float64); ok && n > 0 {
		ttl = n
	}
	cr.tokens[key] = cachedToken{value: tok, expires: time.Now().Add(time.Duration(ttl) * time.Second)}
	return tok, nil
}

// tokenRequest is a client-credentials token request, the client authenticating in the form body (Coupa's clients
// do both that and HTTP Basic; the form is what every server takes).
func tokenRequest(s *settings, id, secret string, scopes []string) request {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(slices.Clone(scopes), " "))
	}
	return request{method: http.MethodPost, absURL: s.tokenURL.String(), form: form, format: FormatJSON, auth: authNone}
}

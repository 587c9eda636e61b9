package auth

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// How a [Principal] authenticated. The fake reports it in logs and may treat
// the deprecated API key differently from OAuth.
const (
	// ViaOAuth2 marks a principal that presented a bearer access token.
	ViaOAuth2 = "oauth2"
	// ViaAPIKey marks a principal that presented a legacy X-COUPA-API-KEY.
	ViaAPIKey = "api_key"
)

// APIKeyHeader is the legacy key header, in the spelling Coupa documents.
// HTTP header names are case-insensitive; this is only for writing requests.
const APIKeyHeader = "X-COUPA-API-KEY"

// apiKeyHeaderKey is APIKeyHeader in net/http's canonical form, for direct
// (allocation-free) lookups in http.Header.
const apiKeyHeaderKey = "X-Coupa-Api-Key"

// Principal is who made an API request and what it may do. The fake passes
// it to [Authorize] for each operation and may log ClientID.
//
// Its scopes are unexported and read through [Principal.Has] and
// [Principal.ScopeList]: every principal of the same token (or client, or
// API key) shares one immutable set with the token cache, so that
// authenticating a request costs no copy of Coupa's 152-name catalogue, and
// no caller can change what later requests are granted.
type Principal struct {
	// ClientID is the OAuth client id, or for an API key a stable
	// non-secret label ("api-key:" and 8 hex digits of the key's SHA-256).
	ClientID string
	// Via is ViaOAuth2 or ViaAPIKey.
	Via string

	scopes *scopeSet // shared and never modified; nil holds no scope
}

// NewPrincipal returns a principal holding exactly scopes (duplicates
// ignored), for callers that establish identity without a [Service]: the
// fake with authentication off, and tests of code that takes a Principal.
func NewPrincipal(clientID, via string, scopes ...string) Principal {
	cat := &catalogue{index: make(map[string]int, len(scopes))}
	for _, sc := range scopes {
		if _, dup := cat.index[sc]; !dup {
			cat.index[sc] = len(cat.names)
			cat.names = append(cat.names, sc)
		}
	}
	set := newScopeSet(cat)
	for i := range cat.names {
		set.add(i)
	}
	return Principal{ClientID: clientID, Via: via, scopes: set}
}

// Has reports whether the principal was granted scope. It costs a map
// probe and a bit test, whatever the number of scopes granted.
func (p Principal) Has(scope string) bool { return p.scopes.has(scope) }

// ScopeList returns the granted scopes in the configured order (the order
// of the known scopes; for [NewPrincipal], of its arguments), in a new
// slice on each call that the caller may keep or modify. It costs an allocation proportional to the number of
// scopes, so the request path uses Has instead.
func (p Principal) ScopeList() []string { return p.scopes.list() }

// Authentication and authorization failures. They are sentinels, tested with
// errors.Is, because the fake chooses its own status codes and bodies for
// them; the errors returned wrap them with a human-readable reason.
var (
	// ErrNoCredentials: the request carries neither a bearer token nor an
	// API key (an Authorization header with another scheme counts as none).
	ErrNoCredentials = errors.New("auth: no credentials")
	// ErrInvalidToken: a bearer token that is malformed, signed with another
	// key or algorithm (including alg "none"), or has wrong claims.
	ErrInvalidToken = errors.New("auth: invalid access token")
	// ErrExpiredToken: a genuine bearer token past its exp, by the Clock.
	ErrExpiredToken = errors.New("auth: access token expired")
	// ErrInvalidAPIKey: an X-COUPA-API-KEY that is not configured.
	ErrInvalidAPIKey = errors.New("auth: invalid API key")
	// ErrInsufficientScope: an authenticated principal lacks the scope the
	// operation needs; [Authorize] returns it as a *[ScopeError].
	ErrInsufficientScope = errors.New("auth: insufficient scope")
)

// authError carries a reason alongside one of the sentinels; Challenge
// puts the reason in error_description.
type authError struct {
	kind   error
	detail string
}

func (e *authError) Error() string { return e.kind.Error() + ": " + e.detail }
func (e *authError) Unwrap() error { return e.kind }

func invalidToken(format string, args ...any) error {
	return &authError{kind: ErrInvalidToken, detail: fmt.Sprintf(format, args...)}
}

func expiredToken(exp int64) error {
	return &authError{kind: ErrExpiredToken,
		detail: "expired at " + time.Unix(exp, 0).UTC().Format(time.RFC3339)}
}

// ScopeError is the error of [Authorize]. It is a type, not just
// [ErrInsufficientScope], so that the fake's error body and the
// WWW-Authenticate challenge can name the scope that was missing.
// errors.Is(err, ErrInsufficientScope) is true for it.
type ScopeError struct {
	// Required is the scope the operation needs.
	Required string
	// ClientID is the principal that lacked it.
	ClientID string
}

// Error explains which scope was missing and for whom.
func (e *ScopeError) Error() string {
	return fmt.Sprintf("%v: %q requires scope %q", ErrInsufficientScope, e.ClientID, e.Required)
}

// Is makes errors.Is(err, ErrInsufficientScope) hold.
func (e *ScopeError) Is(target error) bool { return target == ErrInsufficientScope }

// Authorize checks that p holds scope. It is separate from Authenticate
// because the same credentials are valid for every route while the scope
// depends on the operation (ScopeRead for index and show, ScopeWrite for
// create and update).
func Authorize(p Principal, scope string) error {
	if p.Has(scope) {
		return nil
	}
	return &ScopeError{Required: scope, ClientID: p.ClientID}
}

// Authenticate identifies the caller of an API request from
// "Authorization: Bearer <token>" (scheme case-insensitive) or, failing that,
// the legacy X-COUPA-API-KEY header. A Bearer header wins when both are
// present, and a bad Bearer token is an error even if a good key is also
// sent, so a client never passes by accident. Errors wrap ErrNoCredentials,
// ErrInvalidToken, ErrExpiredToken or ErrInvalidAPIKey.
//
// Verified tokens are cached (see Config.MaxCachedTokens), so the common
// case costs a map lookup and a clock read; expiry is still checked on every
// call against Config.Clock.
func (s *Service) Authenticate(r *http.Request) (Principal, error) {
	if vs := r.Header["Authorization"]; len(vs) > 0 {
		if len(vs) > 1 {
			return Principal{}, invalidToken("more than one Authorization header")
		}
		scheme, cred, _ := strings.Cut(vs[0], " ")
		if strings.EqualFold(scheme, "Bearer") {
			return s.authenticateBearer(trimSpaceTab(cred))
		}
		if len(r.Header[apiKeyHeaderKey]) == 0 {
			if strings.TrimSpace(vs[0]) == "" {
				return Principal{}, &authError{kind: ErrNoCredentials, detail: "empty Authorization header"}
			}
			return Principal{}, &authError{kind: ErrNoCredentials,
				detail: fmt.Sprintf("Authorization scheme '%s' is not supported; use Bearer", sanitize(scheme, 20))}
		}
	}
	if vs := r.Header[apiKeyHeaderKey]; len(vs) > 0 {
		return s.authenticateKey(vs)
	}
	return Principal{}, &authError{kind: ErrNoCredentials, detail: "no Authorization or X-COUPA-API-KEY header"}
}

func (s *Service) authenticateBearer(tok string) (Principal, error) {
	if tok == "" {
		return Principal{}, invalidToken("empty bearer token")
	}
	now := s.clock()
	if s.cache != nil {
		if e, ok := s.cache.get(tok); ok {
			if now.Unix() >= e.exp {
				s.cache.remove(e)
				return Principal{}, expiredToken(e.exp)
			}
			return e.p, nil
		}
	}
	p, exp, err := s.verify(tok, now)
	if err != nil {
		return Principal{}, err
	}
	if s.cache != nil {
		s.cache.put(&cacheEntry{tok: tok, p: p, exp: exp})
	}
	return p, nil
}

func (s *Service) authenticateKey(vs []string) (Principal, error) {
	if len(vs) > 1 {
		return Principal{}, &authError{kind: ErrInvalidAPIKey, detail: "more than one X-COUPA-API-KEY header"}
	}
	key := strings.TrimSpace(vs[0])
	if key == "" {
		return Principal{}, &authError{kind: ErrInvalidAPIKey, detail: "empty X-COUPA-API-KEY header"}
	}
	// Look up by hash: the map probe then reveals nothing about how
	// much of a guessed key was right.
	p, ok := s.keys[sha256.Sum256([]byte(key))]
	if !ok {
		return Principal{}, &authError{kind: ErrInvalidAPIKey, detail: "the key is not recognised"}
	}
	return p, nil
}

// trimSpaceTab trims spaces and tabs; it is strings.Trim(s, " \t") without
// the per-call cutset setup, since it runs on every request.
func trimSpaceTab(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// StatusCode maps an error of Authenticate or Authorize to the HTTP status
// the fake should answer: 401 for missing or bad credentials, and for
// ErrInsufficientScope whatever Config.InsufficientScopeStatus says (403 by
// default). It answers 500 for other non-nil errors and 200 for nil.
func (s *Service) StatusCode(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrInsufficientScope):
		return s.scopeStatus
	case errors.Is(err, ErrNoCredentials), errors.Is(err, ErrInvalidToken),
		errors.Is(err, ErrExpiredToken), errors.Is(err, ErrInvalidAPIKey):
		return http.StatusUnauthorized
	default:
		return http.StatusInternalServerError
	}
}

// Challenge returns the WWW-Authenticate value (RFC 6750 §3) for an error of
// Authenticate or Authorize, so the fake's 401 and 403 responses tell
// clients what went wrong in the standard way whatever body it sends:
//
//	no credentials:     Bearer realm="coupa"
//	bad/expired token:  Bearer realm="coupa", error="invalid_token", error_description="..."
//	missing scope:      Bearer realm="coupa", error="insufficient_scope", error_description="...", scope="core.user.write"
//
// A bad API key gets the invalid_token form too: the key header has no
// challenge scheme of its own. Descriptions are reduced to the characters
// RFC 6750 allows in them.
func Challenge(err error) string {
	const base = `Bearer realm="` + Realm + `"`
	var se *ScopeError
	switch {
	case err == nil, errors.Is(err, ErrNoCredentials):
		return base
	case errors.As(err, &se):
		return base + `, error="insufficient_scope", error_description="` +
			sanitize("the request requires scope "+se.Required, 200) + `", scope="` + sanitize(se.Required, 100) + `"`
	case errors.Is(err, ErrInvalidToken), errors.Is(err, ErrExpiredToken), errors.Is(err, ErrInvalidAPIKey):
		desc := err.Error()
		var ae *authError
		if errors.As(err, &ae) {
			desc = ae.Error()
		}
		desc = strings.TrimPrefix(desc, "auth: ")
		return base + `, error="invalid_token", error_description="` + sanitize(desc, 200) + `"`
	default:
		return base
	}
}

// sanitize makes s safe inside an RFC 6749/6750 error_description: printable
// ASCII except '"' and '\', at most max bytes.
func sanitize(s string, max int) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if b.Len() >= max {
			b.WriteString("...")
			break
		}
		switch c := s[i]; {
		case c == '"':
			b.WriteByte('\'')
		case c == '\\':
			b.WriteByte('/')
		case c < 0x20 || c > 0x7E:
			b.WriteByte('?')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

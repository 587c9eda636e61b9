package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// The authorization-code flow's limits.
const (
	// AuthCodeTTL is how long a code stays redeemable: RFC 6749 §4.1.2 recommends at most ten minutes.
	AuthCodeTTL = 10 * time.Minute
	// RefreshTokenTTL is how long a refresh token lives: 90 days at Coupa ("Refresh tokens expire every 90
	// days", OpenID Connect Clients).
	RefreshTokenTTL = 90 * 24 * time.Hour
	// MaxPendingGrants bounds the codes and refresh tokens held at once, each; a client that mints them in a
	// loop gets temporarily_unavailable instead of the fake's memory.
	MaxPendingGrants = 10000
)

// grant is what an authorization code or a refresh token stands for.
type grant struct {
	client  *client
	scopes  []string // granted, canonical
	owner   Owner
	expires time.Time
	// Codes only: where the user was sent back ("" if the request named none), and PKCE's challenge.
	redirectURI, challenge, method, nonce string
}

// grants holds outstanding codes or refresh tokens, each redeemable once.
type grants struct {
	mu sync.Mutex
	m  map[string]*grant
}

func newGrants() *grants { return &grants{m: map[string]*grant{}} }

// put stores g under a new random handle; false when MaxPendingGrants unexpired grants are held.
func (gs *grants) put(g *grant, now time.Time) (string, bool) {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	if len(gs.m) >= MaxPendingGrants {
		for k, old := range gs.m {
			if !now.Before(old.expires) {
				delete(gs.m, k)
			}
		}
		if len(gs.m) >= MaxPendingGrants {
			return "", false
		}
	}
	handle := rand.Text() + rand.Text() // 260 bits
	gs.m[handle] = g
	return handle, true
}

// take removes and returns the unexpired grant of handle: a code or a refresh token is used once.
func (gs *grants) take(handle string, now time.Time) (*grant, bool) {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	g, ok := gs.m[handle]
	delete(gs.m, handle)
	if !ok || !now.Before(g.expires) {
		return nil, false
	}
	return g, true
}

func (gs *grants) reset() {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	clear(gs.m)
}

// AuthorizeHandler returns the authorization endpoint of the authorization-code flow (RFC 6749 §4.1, with PKCE,
// RFC 7636), which the fake mounts where Coupa has it, at /oauth2/authorizations/new. It approves at once, as if
// the user had clicked Allow on Coupa's consent screen: it answers 302 to the client's redirect URI with a code
// (and the request's state). The user is the one login_hint names, else the fake's default user.
//
// A request that names no known client, or a redirect URI the client has not registered, is answered here (400)
// and never redirected, so that the endpoint cannot send a user's browser to an address of an attacker's choosing
// (RFC 6749 §4.1.2.1). Every other error is redirected to the client as error and error_description.
func (s *Service) AuthorizeHandler() http.Handler { return http.HandlerFunc(s.serveAuthorize) }

func (s *Service) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writeJSON(w, http.StatusMethodNotAllowed, badRequest("the authorization endpoint takes GET (or a POSTed form)"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxTokenRequestBytes)
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, badRequest("the request's parameters do not parse"))
		return
	}
	q := r.Form
	for _, k := range [...]string{"client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method"} {
		if len(q[k]) > 1 {
			writeJSON(w, http.StatusBadRequest, badRequest("parameter %s is repeated", k))
			return
		}
	}
	c := s.clients[q.Get("client_id")]
	if c == nil {
		writeJSON(w, http.StatusBadRequest, badRequest("unknown client_id '%s'", sanitize(q.Get("client_id"), 80)))
		return
	}
	redirect, err := c.redirectTo(q.Get("redirect_uri"))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, badRequest("%s", err))
		return
	}
	back := func(params url.Values) {
		if st := q.Get("state"); st != "" {
			params.Set("state", st)
		}
		u := *redirect
		query := u.Query()
		for k, v := range params {
			query[k] = v
		}
		u.RawQuery = query.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
	}
	fail := func(code, format string, args ...any) {
		back(url.Values{"error": {code}, "error_description": {sanitize(fmt.Sprintf(format, args...), 300)}})
	}
	if rt := q.Get("response_type"); rt != "code" {
		fail("unsupported_response_type", "response_type must be code, not '%s'", sanitize(rt, 40))
		return
	}
	scopes, oe := s.grantable(c, strings.Fields(q.Get("scope")))
	if oe != nil {
		fail(oe.Code, "%s", oe.Description)
		return
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case challenge == "" && method != "":
		fail("invalid_request", "code_challenge_method without code_challenge")
		return
	case challenge != "" && !validVerifier(challenge):
		fail("invalid_request", "code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.2)")
		return
	case challenge != "" && method == "":
		method = "plain" // RFC 7636 §4.3
	case challenge != "" && method != "S256" && method != "plain":
		fail("invalid_request", "code_challenge_method must be S256 or plain")
		return
	}
	owner, ok := s.owner(c, q.Get("login_hint"))
	if !ok {
		fail("access_denied", "no user with login '%s'", sanitize(q.Get("login_hint"), 80))
		return
	}
	now := s.clock()
	sent := ""
	if q.Get("redirect_uri") != "" {
		sent = redirect.String()
	}
	code, ok := s.codes.put(&grant{client: c, scopes: scopes, owner: owner, expires: now.Add(AuthCodeTTL),
		redirectURI: sent, challenge: challenge, method: method, nonce: q.Get("nonce")}, now)
	if !ok {
		fail("temporarily_unavailable", "too many codes outstanding; try again later")
		return
	}
	back(url.Values{"code": {code}})
}

// owner is the user a grant acts for.
func (s *Service) owner(c *client, hint string) (Owner, bool) {
	if s.resourceOwner == nil {
		return Owner{Subject: c.id, Login: c.id}, hint == "" || hint == c.id
	}
	return s.resourceOwner(hint)
}

// grantable checks requested scopes against what the client holds; none requested means all of them.
func (s *Service) grantable(c *client, requested []string) ([]string, *oauthError) {
	if len(requested) == 0 {
		return strings.Fields(c.all), nil
	}
	want := newScopeSet(s.known)
	for _, sc := range requested {
		i, ok := s.known.index[sc]
		if !ok {
			return nil, &oauthError{Status: http.StatusBadRequest, Code: "invalid_scope",
				Description: fmt.Sprintf("unknown scope '%s'", sanitize(sc, 80))}
		}
		if !c.scopes.hasIndex(i) {
			return nil, &oauthError{Status: http.StatusBadRequest, Code: "invalid_scope",
				Description: fmt.Sprintf("client '%s' is not granted scope '%s'", c.id, sc)}
		}
		want.add(i)
	}
	return want.list(), nil
}

// redirectTo is where the user goes back to: the URI the request names, if the client registered it, or the
// client's one registered URI when the request names none.
func (c *client) redirectTo(sent string) (*url.URL, error) {
	if sent == "" {
		if len(c.redirectURIs) != 1 {
			return nil, errors.New("redirect_uri is missing (the client does not register exactly one)")
		}
		sent = c.redirectURIs[0]
	}
	u, err := url.Parse(sent)
	if err != nil || checkRedirectURI(sent) != nil {
		return nil, fmt.Errorf("redirect_uri '%s' is not an absolute URI without a fragment", sanitize(sent, 120))
	}
	if len(c.redirectURIs) == 0 && isLoopback(u) {
		return u, nil
	}
	for _, reg := range c.redirectURIs {
		if sameRedirect(reg, u) {
			return u, nil
		}
	}
	return nil, fmt.Errorf("redirect_uri '%s' is not registered for client '%s'", sanitize(sent, 120), c.id)
}

// checkRedirectURI accepts an absolute URI without a fragment (RFC 6749 §3.1.2).
func checkRedirectURI(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return err
	case !u.IsAbs():
		return errors.New("not absolute")
	case u.Fragment != "" || strings.Contains(s, "#"):
		return errors.New("has a fragment")
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host == "":
		return errors.New("no host")
	}
	return nil
}

// sameRedirect compares a registered URI with a sent one: exactly, but for the port of a loopback address.
func sameRedirect(registered string, sent *url.URL) bool {
	reg, err := url.Parse(registered)
	if err != nil {
		return false
	}
	if isLoopback(reg) && isLoopback(sent) {
		return reg.Scheme == sent.Scheme && reg.Hostname() == sent.Hostname() && reg.EscapedPath() == sent.EscapedPath() &&
			reg.RawQuery == sent.RawQuery
	}
	return reg.String() == sent.String()
}

func isLoopback(u *url.URL) bool {
	if u.Scheme != "http" {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// validVerifier is RFC 7636's shape of a code verifier, and of a challenge.
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0) {
			return false
		}
	}
	return true
}

// pkceMatches checks a code verifier against the challenge the authorization request sent.
func pkceMatches(g *grant, verifier string) bool {
	if g.challenge == "" {
		return verifier == ""
	}
	if !validVerifier(verifier) {
		return false
	}
	want := verifier
	if g.method == "S256" {
		sum := sha256.Sum256([]byte(verifier))
		want = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(g.challenge)) == 1
}

// redeemCode is the token endpoint's authorization_code grant (RFC 6749 §4.1.3).
func (s *Service) redeemCode(c *client, form url.Values, issuer string) (Token, *oauthError) {
	code := form.Get("code")
	if code == "" {
		return Token{}, badRequest("code is missing")
	}
	now := s.clock()
	g, ok := s.codes.take(code, now)
	switch {
	case !ok:
		return Token{}, invalidGrant("the code is unknown, expired or already used")
	case g.client != c:
		return Token{}, invalidGrant("the code was issued to another client")
	case g.redirectURI != "" && form.Get("redirect_uri") != g.redirectURI:
		return Token{}, invalidGrant("redirect_uri differs from the authorization request's")
	case !pkceMatches(g, form.Get("code_verifier")):
		return Token{}, invalidGrant("code_verifier does not match the code_challenge")
	}
	return s.issueForUser(g, issuer, now)
}

// refresh is the token endpoint's refresh_token grant (RFC 6749 §6). The refresh token is rotated: the new one
// replaces it, as OAuth 2.1 asks, and the scope may only narrow.
func (s *Service) refresh(c *client, form url.Values, issuer string) (Token, *oauthError) {
	rt := form.Get("refresh_token")
	if rt == "" {
		return Token{}, badRequest("refresh_token is missing")
	}
	now := s.clock()
	g, ok := s.refreshes.take(rt, now)
	switch {
	case !ok:
		return Token{}, invalidGrant("the refresh token is unknown, expired or already used")
	case g.client != c:
		return Token{}, invalidGrant("the refresh token was issued to another client")
	}
	if asked := strings.Fields(form.Get("scope")); len(asked) > 0 {
		for _, sc := range asked {
			if !slices.Contains(g.scopes, sc) {
				return Token{}, &oauthError{Status: http.StatusBadRequest, Code: "invalid_scope",
					Description: fmt.Sprintf("scope '%s' was not granted to this refresh token", sanitize(sc, 80))}
			}
		}
		narrowed := *g
		narrowed.scopes = asked
		g = &narrowed
	}
	g.nonce = "" // a nonce belongs to the authorization request alone (OIDC Core §12.2)
	return s.issueForUser(g, issuer, now)
}

// issueForUser answers a user's grant: an access token, a new refresh token and, for openid, an ID token.
func (s *Service) issueForUser(g *grant, issuer string, now time.Time) (Token, *oauthError) {
	tok, oe := s.issue(g.client, g.scopes)
	if oe != nil {
		return Token{}, oe
	}
	next := &grant{client: g.client, scopes: g.scopes, owner: g.owner, expires: now.Add(RefreshTokenTTL)}
	rt, ok := s.refreshes.put(next, now)
	if !ok {
		return Token{}, &oauthError{Status: http.StatusServiceUnavailable, Code: "temporarily_unavailable",
			Description: "too many refresh tokens outstanding"}
	}
	tok.RefreshToken = rt
	if slices.Contains(g.scopes, "openid") {
		id, err := s.idToken(issuer, g, now)
		if err != nil {
			return Token{}, &oauthError{Status: http.StatusInternalServerError, Code: "server_error", Description: err.Error()}
		}
		tok.IDToken = id
	}
	return tok, nil
}

func invalidGrant(description string) *oauthError {
	return &oauthError{Status: http.StatusBadRequest, Code: "invalid_grant", Description: description}
}

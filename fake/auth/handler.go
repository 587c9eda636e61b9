package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// MaxTokenRequestBytes bounds a token request body. A client-credentials
// request is a few hundred bytes; the bound keeps a misbehaving client from
// making the fake buffer arbitrary input.
const MaxTokenRequestBytes = 16 << 10

// oauthError is an RFC 6749 §5.2 error response.
type oauthError struct {
	Status      int    `json:"-"`
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	basic       bool   // add the Basic challenge (invalid_client answered 401)
	retryAfter  int    // seconds, for Retry-After (a locked-out client); 0 for none
}

func badRequest(format string, args ...any) *oauthError {
	return &oauthError{Status: http.StatusBadRequest, Code: "invalid_request", Description: fmt.Sprintf(format, args...)}
}

// invalidClient is a failed client authentication, whatever the cause. Coupa answers 400 (as baton-coupa notes),
// RFC 6749 §5.2 401 with a Basic challenge; Config.InvalidClientStatus chooses.
func (s *Service) invalidClient(format string, args ...any) *oauthError {
	return &oauthError{Status: s.invalidClientStatus, Code: "invalid_client", Description: fmt.Sprintf(format, args...),
		basic: s.invalidClientStatus == http.StatusUnauthorized}
}

// TokenHandler returns the OAuth 2.0 token endpoint (RFC 6749 §4.4, client
// credentials), which the fake mounts at POST /oauth2/token and POST
// /oauth2/access_tokens; it does not look at the path. It accepts an
// application/x-www-form-urlencoded body (a request without Content-Type is
// read as a form too, since some clients omit it) of at most
// MaxTokenRequestBytes, with grant_type=client_credentials, an optional
// space-separated scope (absent or blank: every scope the client holds), and
// client credentials either as client_id/client_secret form fields or as HTTP
// Basic with form-urlencoded id and secret (RFC 6749 §2.3.1). A parameter
// the body lacks is read from the query, as Rails reads both and as Coupa's
// own examples send them. grant_type=authorization_code redeems a code of
// [Service.AuthorizeHandler] (with its PKCE verifier); refresh_token trades
// a refresh token for new tokens.
//
// Checks run in this order, and the first failure answers: method (405,
// Allow: POST), body (400 invalid_request, or 413 when too large), grant_type
// (missing or repeated: invalid_request; other: unsupported_grant_type),
// client authentication (invalid_client: 400 as Coupa answers, or with
// Config.InvalidClientStatus 401 and WWW-Authenticate: Basic realm="coupa" as
// RFC 6749 §5.2 has it; header and form naming different clients:
// invalid_request), scope (400 invalid_scope for a scope unknown or not
// held). Every answer is JSON with Cache-Control: no-store and Pragma:
// no-cache.
func (s *Service) TokenHandler() http.Handler {
	return http.HandlerFunc(s.serveToken)
}

func (s *Service) serveToken(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	tok, oe := s.tokenRequest(w, r)
	if oe != nil {
		if oe.Status == http.StatusMethodNotAllowed {
			h.Set("Allow", http.MethodPost)
		}
		if oe.basic {
			h.Set("WWW-Authenticate", `Basic realm="`+Realm+`"`)
		}
		if oe.retryAfter > 0 {
			h.Set("Retry-After", strconv.Itoa(oe.retryAfter))
		}
		oe.Description = sanitize(oe.Description, 300)
		writeJSON(w, oe.Status, oe)
		return
	}
	writeJSON(w, http.StatusOK, tok)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // cannot happen for Token and oauthError
		status, body = http.StatusInternalServerError, []byte(`{"error":"server_error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	// A declared length lets a wrapping handler tell the answer's last byte (the fake's request journal records
	// the request before it), and a client need not read to a chunked end.
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (s *Service) tokenRequest(w http.ResponseWriter, r *http.Request) (Token, *oauthError) {
	if r.Method != http.MethodPost {
		return Token{}, &oauthError{Status: http.StatusMethodNotAllowed, Code: "invalid_request",
			Description: "the token endpoint accepts POST only"}
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return Token{}, badRequest("Content-Type must be application/x-www-form-urlencoded")
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxTokenRequestBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return Token{}, &oauthError{Status: http.StatusRequestEntityTooLarge, Code: "invalid_request",
				Description: fmt.Sprintf("request body exceeds %d bytes", MaxTokenRequestBytes)}
		}
		return Token{}, badRequest("could not read the request body")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return Token{}, badRequest("the body is not valid application/x-www-form-urlencoded")
	}
	// Coupa's own example of the authorization-code grant sends its parameters in the URL (OpenID Connect
	// Clients), and Rails reads query and body alike: a parameter the body lacks is taken from the query.
	for k, v := range r.URL.Query() {
		if _, inBody := form[k]; !inBody {
			form[k] = v
		}
	}
	// RFC 6749 §3.2: parameters must not be repeated.
	for _, k := range [...]string{"grant_type", "scope", "client_id", "client_secret", "code", "redirect_uri",
		"code_verifier", "refresh_token"} {
		if len(form[k]) > 1 {
			return Token{}, badRequest("parameter %s is repeated", k)
		}
	}

	g := form.Get("grant_type")
	switch g {
	case "":
		return Token{}, badRequest("grant_type is missing")
	case "client_credentials", "authorization_code", "refresh_token":
	default:
		return Token{}, &oauthError{Status: http.StatusBadRequest, Code: "unsupported_grant_type",
			Description: fmt.Sprintf("grant_type '%s' is not supported; use client_credentials, "+
				"authorization_code or refresh_token", sanitize(g, 40))}
	}

	c, oe := s.authenticateClient(r, form)
	if oe != nil {
		return Token{}, oe
	}
	switch g {
	case "authorization_code":
		return s.redeemCode(c, form, Issuer(r))
	case "refresh_token":
		return s.refresh(c, form, Issuer(r))
	}

	var requested []string
	for _, sc := range strings.Split(form.Get("scope"), " ") {
		if sc != "" {
			requested = append(requested, sc)
		}
	}
	return s.issue(c, requested)
}

// authenticateClient applies RFC 6749 §2.3.1: HTTP Basic with form-urlencoded
// id and secret, or client_id and client_secret in the body.
func (s *Service) authenticateClient(r *http.Request, form url.Values) (*client, *oauthError) {
	auths := r.Header["Authorization"]
	if len(auths) > 1 {
		return nil, badRequest("more than one Authorization header")
	}
	formID, hasFormID := form["client_id"]
	formSecret, hasFormSecret := form["client_secret"]
	var id, secret string
	if len(auths) == 1 {
		scheme, cred, _ := strings.Cut(auths[0], " ")
		if !strings.EqualFold(scheme, "Basic") {
			return nil, s.invalidClient("the token endpoint takes client credentials by HTTP Basic or in the form body")
		}
		var ok bool
		if id, secret, ok = parseBasic(strings.TrimSpace(cred)); !ok {
			return nil, s.invalidClient("malformed HTTP Basic credentials (want base64 of urlencoded id ':' urlencoded secret)")
		}
		// Sending both is against RFC 6749 §2.3; tolerate it only when
		// the two agree.
		if hasFormID && formID[0] != id {
			return nil, badRequest("client_id in the body differs from the HTTP Basic client id")
		}
		if hasFormSecret && formSecret[0] != secret {
			return nil, badRequest("client_secret in the body differs from the HTTP Basic secret")
		}
	} else {
		switch {
		case !hasFormID && !hasFormSecret:
			return nil, s.invalidClient("no client authentication: send HTTP Basic or client_id and client_secret")
		case !hasFormID || formID[0] == "":
			return nil, s.invalidClient("client_id is missing")
		case !hasFormSecret || formSecret[0] == "":
			return nil, s.invalidClient("client_secret is missing")
		}
		id, secret = formID[0], formSecret[0]
	}
	now := s.clock()
	if left := s.locks.lockedFor(id, now); left > 0 {
		secs := int(left.Round(time.Second) / time.Second)
		return nil, &oauthError{Status: http.StatusTooManyRequests, Code: "invalid_client", retryAfter: max(secs, 1),
			Description: fmt.Sprintf("client locked out after %d failed secrets in %s: try again in %d seconds",
				MaxFailedSecrets, FailureWindow, max(secs, 1))}
	}
	c := s.checkClient(id, secret)
	if c == nil {
		if _, known := s.clients[id]; known {
			s.locks.failed(id, now)
		}
		// Same answer for unknown id and wrong secret.
		return nil, s.invalidClient("client authentication failed")
	}
	return c, nil
}

// parseBasic decodes "base64(urlencode(id) ':' urlencode(secret))".
// Missing base64 padding is tolerated, as some clients strip it.
func parseBasic(cred string) (id, secret string, ok bool) {
	raw, err := base64.StdEncoding.DecodeString(cred)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(cred); err != nil {
			return "", "", false
		}
	}
	encID, encSecret, found := strings.Cut(string(raw), ":")
	if !found {
		return "", "", false
	}
	if id, err = url.QueryUnescape(encID); err != nil || id == "" {
		return "", "", false
	}
	if secret, err = url.QueryUnescape(encSecret); err != nil || secret == "" {
		return "", "", false
	}
	return id, secret, true
}

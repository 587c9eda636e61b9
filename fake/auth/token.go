package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Token is a successful token-endpoint response (RFC 6749 §5.1) in Coupa's
// layout. It is exported so that in-process tests and the admin surface can
// mint tokens through [Service.Issue] and get exactly what a client would.
type Token struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
	// RefreshToken and IDToken answer the authorization-code and refresh grants only: client credentials get
	// neither (RFC 6749 §4.4.3).
	RefreshToken string `json:"refresh_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
}

// Issue mints a token for a configured client without checking its secret,
// for in-process tests and the fake's admin surface. No scopes means every
// scope the client holds; asking for a scope the client lacks is an error,
// as at the token endpoint.
func (s *Service) Issue(clientID string, scopes ...string) (Token, error) {
	c, ok := s.clients[clientID]
	if !ok {
		return Token{}, fmt.Errorf("auth: unknown client %q", clientID)
	}
	tok, oe := s.issue(c, scopes)
	if oe != nil {
		return Token{}, fmt.Errorf("auth: %s: %s", oe.Code, oe.Description)
	}
	return tok, nil
}

// issue grants requested (all the client holds when empty) or explains,
// as an RFC 6749 error, why not.
func (s *Service) issue(c *client, requested []string) (Token, *oauthError) {
	scope := c.all
	if len(requested) > 0 {
		granted, oe := s.grantable(c, requested)
		if oe != nil {
			return Token{}, oe
		}
		scope = strings.Join(granted, " ")
	}
	now := s.clock()
	iat := now.Unix()
	ttl := int64(s.ttl / time.Second)
	payload, err := json.Marshal(struct {
		Iss   string `json:"iss"`
		Sub   string `json:"sub"`
		Aud   string `json:"aud"`
		Scope string `json:"scope"`
		Iat   int64  `json:"iat"`
		Exp   int64  `json:"exp"`
		Jti   string `json:"jti"`
	}{s.issuer, c.id, s.audience, scope, iat, iat + ttl, rand.Text()})
	if err != nil { // cannot happen: only strings and integers
		return Token{}, &oauthError{Status: 500, Code: "server_error", Description: err.Error()}
	}
	input := s.jwtHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	expiresIn := ttl - 1 // Coupa answers 86399 for its 24-hour tokens
	if expiresIn < 1 {
		expiresIn = 1
	}
	return Token{
		AccessToken: input + "." + s.sign(input),
		TokenType:   "bearer",
		ExpiresIn:   expiresIn,
		Scope:       scope,
	}, nil
}

// sign returns the base64url HS256 signature of input.
func (s *Service) sign(input string) string {
	var buf [sigLen]byte
	return string(s.signInto(&buf, input))
}

// sigLen is the length of a base64url (unpadded) HMAC-SHA256.
const sigLen = 43

func (s *Service) signInto(buf *[sigLen]byte, input string) []byte {
	h := s.getMAC()
	_, _ = h.Write([]byte(input))
	var sum [32]byte
	h.Sum(sum[:0])
	s.putMAC(h)
	base64.RawURLEncoding.Encode(buf[:], sum[:])
	return buf[:]
}

// verify checks tok completely (shape, header, signature, claims) against
// now. It returns the principal, whose scope set may be shared, and the
// expiry in unix seconds.
func (s *Service) verify(tok string, now time.Time) (Principal, int64, error) {
	for i := 0; i < len(tok); i++ {
		if !s.tokenChars[tok[i]] {
			return Principal{}, 0, invalidToken("malformed token: character %d is not base64url or '.'", i)
		}
	}
	h, rest, ok1 := strings.Cut(tok, ".")
	p, sig, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(sig, ".") {
		return Principal{}, 0, invalidToken("malformed token: not three dot-separated parts")
	}
	if h == "" || p == "" {
		return Principal{}, 0, invalidToken("malformed token: empty header or payload")
	}
	if h != s.jwtHeader {
		if err := checkHeader(h); err != nil {
			return Principal{}, 0, err
		}
	}
	if sig == "" {
		return Principal{}, 0, invalidToken("malformed token: no signature")
	}
	// Compare the canonical encoding of the expected MAC with the given
	// text, so that non-canonical encodings of a genuine signature are
	// not accepted either.
	var buf [sigLen]byte
	want := s.signInto(&buf, tok[:len(h)+1+len(p)])
	if len(sig) != sigLen || subtle.ConstantTimeCompare(want, []byte(sig)) != 1 {
		return Principal{}, 0, invalidToken("signature does not verify")
	}

	raw, err := base64.RawURLEncoding.Strict().DecodeString(p)
	if err != nil {
		return Principal{}, 0, invalidToken("malformed payload encoding")
	}
	cl, err := decodeClaims(raw)
	if err != nil {
		return Principal{}, 0, invalidToken("malformed claims")
	}
	if cl.Iss == nil || *cl.Iss != s.issuer {
		return Principal{}, 0, invalidToken("wrong issuer")
	}
	if !audienceMatches(cl.Aud, s.audience) {
		return Principal{}, 0, invalidToken("wrong audience")
	}
	if cl.Jti == "" {
		return Principal{}, 0, invalidToken("no jti claim")
	}
	if _, err := numericDate(cl.Iat); err != nil {
		return Principal{}, 0, invalidToken("iat claim: %v", err)
	}
	exp, err := numericDate(cl.Exp)
	if err != nil {
		return Principal{}, 0, invalidToken("exp claim: %v", err)
	}
	if cl.Nbf != "" {
		nbf, err := numericDate(cl.Nbf)
		if err != nil {
			return Principal{}, 0, invalidToken("nbf claim: %v", err)
		}
		if now.Unix() < nbf {
			return Principal{}, 0, invalidToken("token not valid before %s", time.Unix(nbf, 0).UTC().Format(time.RFC3339))
		}
	}
	c, ok := s.clients[cl.Sub]
	if !ok {
		return Principal{}, 0, invalidToken("token subject is not a configured client")
	}
	if cl.Scope == nil {
		return Principal{}, 0, invalidToken("no scope claim")
	}
	scopes, err := s.tokenScopes(*cl.Scope, c)
	if err != nil {
		return Principal{}, 0, err
	}
	if now.Unix() >= exp {
		return Principal{}, 0, expiredToken(exp)
	}
	return Principal{ClientID: c.id, Via: ViaOAuth2, scopes: scopes}, exp, nil
}

// tokenChars marks the bytes a token may hold, base64url and '.'. It is a
// table because a whole-catalogue token is 5.7 KB and the scan of it with
// a chain of comparisons per byte cost as much as its HMAC; the table
// lookup costs about half.
type tokenChars [256]bool

func newTokenChars() *tokenChars {
	var t tokenChars
	for c := range t {
		b := byte(c)
		t[c] = 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '-' || b == '_' || b == '.'
	}
	return &t
}

// checkHeader parses a JOSE header other than the one this Service writes.
// Only HS256 is accepted: "none" and every other algorithm are refused
// before the signature is looked at.
func checkHeader(h string) error {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(h)
	if err != nil {
		return invalidToken("malformed header encoding")
	}
	var hdr map[string]json.RawMessage
	if err := json.Unmarshal(raw, &hdr); err != nil {
		return invalidToken("malformed header")
	}
	var alg string
	if err := json.Unmarshal(hdr["alg"], &alg); err != nil || alg == "" {
		return invalidToken("header has no alg")
	}
	if strings.EqualFold(alg, "none") {
		return invalidToken("unsigned tokens (alg none) are not accepted")
	}
	if alg != "HS256" {
		return invalidToken("unsupported alg '%s'", sanitize(alg, 20))
	}
	if t, ok := hdr["typ"]; ok {
		var typ string
		if err := json.Unmarshal(t, &typ); err != nil || !strings.EqualFold(typ, "JWT") {
			return invalidToken("unsupported typ")
		}
	}
	if _, ok := hdr["crit"]; ok {
		return invalidToken("unsupported critical header parameters")
	}
	return nil
}

func audienceMatches(raw json.RawMessage, want string) bool {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one == want
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		for _, a := range many {
			if a == want {
				return true
			}
		}
	}
	return false
}

func numericDate(n json.Number) (int64, error) {
	if n == "" {
		return 0, errors.New("missing")
	}
	v, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil || v <= 0 {
		return 0, errors.New("not a positive whole number of seconds")
	}
	return v, nil
}

// tokenScopes parses a signed scope claim; every scope must still be known
// and held by the client, so a token cannot outlive a narrowed config. The
// set it returns is shared: the client's own for a token of everything it
// holds (what a token request without scope gets), otherwise a new one that
// the token cache then shares.
func (s *Service) tokenScopes(claim string, c *client) (*scopeSet, error) {
	if claim == "" {
		return s.noScopes, nil
	}
	// Fast path: the claim this Service writes for "all the client holds".
	if claim == c.all {
		return c.scopes, nil
	}
	set := newScopeSet(s.known)
	for rest, more := claim, true; more; {
		var sc string
		sc, rest, more = strings.Cut(rest, " ")
		i, ok := s.known.index[sc]
		if !ok || !c.scopes.hasIndex(i) {
			return nil, invalidToken("token carries a scope the client does not hold")
		}
		set.add(i)
	}
	return set, nil
}

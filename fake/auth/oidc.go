package auth

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coupa-kit/coupa-users/spec"
)

// Where the fake serves OpenID Connect's documents, and Coupa's authorization endpoint.
const (
	// AuthorizePath is the authorization endpoint, where Coupa has it (OpenID Connect Clients).
	AuthorizePath = spec.AuthorizePath
	// DiscoveryPath is OpenID Connect Discovery's document.
	DiscoveryPath = spec.DiscoveryPath
	// JWKSPath holds the public key that signs ID tokens.
	JWKSPath = "/oauth2/jwks"
)

// idKey signs ID tokens (RS256, which OpenID Connect requires every provider to offer). It is made on first use:
// an RSA key costs tens of milliseconds, which a fake that never sees the openid scope should not pay.
type idKey struct {
	once sync.Once
	key  *rsa.PrivateKey
	kid  string
	err  error
}

func (k *idKey) get() (*rsa.PrivateKey, string, error) {
	k.once.Do(func() {
		k.key, k.err = rsa.GenerateKey(rand.Reader, 2048)
		if k.err != nil {
			k.err = fmt.Errorf("making the ID token key: %w", k.err)
			return
		}
		sum := sha256.Sum256(k.key.N.Bytes())
		k.kid = base64.RawURLEncoding.EncodeToString(sum[:8])
	})
	return k.key, k.kid, k.err
}

// idToken is an OpenID Connect ID token for a user's grant: who the user is, for whom, since when; their email,
// name and login as the email, profile and login scopes allow.
func (s *Service) idToken(issuer string, g *grant, now time.Time) (string, error) {
	key, kid, err := s.idKey.get()
	if err != nil {
		return "", err
	}
	claims := map[string]any{
		"iss": issuer, "sub": g.owner.Subject, "aud": g.client.id, "azp": g.client.id,
		"iat": now.Unix(), "exp": now.Add(s.ttl).Unix(), "auth_time": now.Unix(),
	}
	if g.nonce != "" {
		claims["nonce"] = g.nonce
	}
	if slices.Contains(g.scopes, "email") && g.owner.Email != "" {
		claims["email"] = g.owner.Email
	}
	if slices.Contains(g.scopes, "profile") && g.owner.Name != "" {
		claims["name"] = g.owner.Name
	}
	if (slices.Contains(g.scopes, "login") || slices.Contains(g.scopes, "profile")) && g.owner.Login != "" {
		claims["preferred_username"] = g.owner.Login
	}
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": kid})
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encoding the ID token: %w", err)
	}
	input := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("signing the ID token: %w", err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// JWKSHandler serves the public key of ID tokens as a JSON Web Key Set (RFC 7517).
func (s *Service) JWKSHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, kid, err := s.idKey.get()
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, &oauthError{Code: "server_error", Description: err.Error()})
			return
		}
		e := big.NewInt(int64(key.E)).Bytes()
		writeJSON(w, http.StatusOK, map[string]any{"keys": []any{map[string]string{
			"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
			"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()), "e": base64.RawURLEncoding.EncodeToString(e),
		}}})
	})
}

// DiscoveryHandler serves OpenID Connect Discovery's document. Its issuer is the URL the fake is reached at (the
// request's scheme and host), which the ID tokens the same address issues carry, as a client's library checks.
func (s *Service) DiscoveryHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		iss := Issuer(r)
		writeJSON(w, http.StatusOK, map[string]any{
			"issuer":                                iss,
			"authorization_endpoint":                iss + AuthorizePath,
			"token_endpoint":                        iss + "/oauth2/token",
			"jwks_uri":                              iss + JWKSPath,
			"response_types_supported":              []string{"code"},
			"grant_types_supported":                 []string{"authorization_code", "refresh_token", "client_credentials"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"code_challenge_methods_supported":      []string{"S256", "plain"},
			"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
			"scopes_supported":                      s.known.names,
			"claims_supported":                      []string{"sub", "email", "name", "preferred_username", "nonce", "auth_time"},
		})
	})
}

// Issuer is the URL a request reached the fake at, which names it in discovery and in ID tokens.
func Issuer(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

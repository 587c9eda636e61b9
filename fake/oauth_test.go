package fake_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fake/auth"
	"golang.org/x/oauth2"
)

// noRedirects is a client that stops at the authorization endpoint's redirect, as a browser hands it to the app.
var noRedirects = &http.Client{Timeout: 10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorize follows the authorization URL once and returns the redirect it answers with.
func authorize(t *testing.T, authURL string) *url.URL {
	t.Helper()
	resp, err := noRedirects.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("authorization: status %d: %s", resp.StatusCode, body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// The authorization-code flow as an OAuth client library drives it (golang.org/x/oauth2): PKCE, the code's
// exchange, an API call with the token, a refresh, and an ID token signed by the key of the JWKS.
func TestAuthorizationCodeFlowWithOAuth2Library(t *testing.T) {
	srv := fake.NewTestServer(t, fake.Options{Users: 5, Seed: 1})
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, &http.Client{Timeout: 10 * time.Second})
	var discovery struct {
		Issuer                string `json:"issuer"`
		AuthorizationEndpoint string `json:"authorization_endpoint"`
		TokenEndpoint         string `json:"token_endpoint"`
		JWKSURI               string `json:"jwks_uri"`
	}
	readJSON(t, srv.URL+auth.DiscoveryPath, &discovery)
	if discovery.Issuer != srv.URL || discovery.AuthorizationEndpoint != srv.URL+auth.AuthorizePath {
		t.Fatalf("discovery: %+v", discovery)
	}
	cfg := oauth2.Config{
		ClientID: auth.DefaultClientID, ClientSecret: auth.DefaultClientSecret,
		Endpoint:    oauth2.Endpoint{AuthURL: discovery.AuthorizationEndpoint, TokenURL: discovery.TokenEndpoint},
		RedirectURL: "http://127.0.0.1:9/callback",
		Scopes:      []string{auth.ScopeRead, "openid", "email", "profile"},
	}
	verifier := oauth2.GenerateVerifier()
	back := authorize(t, cfg.AuthCodeURL("st-42", oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("nonce", "n-7")))
	if back.Host != "127.0.0.1:9" || back.Path != "/callback" || back.Query().Get("state") != "st-42" {
		t.Fatalf("redirected to %s", back)
	}
	code := back.Query().Get("code")
	if code == "" {
		t.Fatalf("no code in %s", back)
	}
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token")
	}
	// The token reads users.
	resp, err := cfg.Client(ctx, tok).Get(srv.URL + "/api/users/1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/users/1 with the token: %d", resp.StatusCode)
	}
	// The ID token names user 1, for this client, with the nonce, signed by the published key.
	owner, _, err := srv.User(t.Context(), fake.DefaultOwnerID)
	if err != nil {
		t.Fatal(err)
	}
	claims := verifyIDToken(t, tok.Extra("id_token").(string), discovery.JWKSURI)
	for k, want := range map[string]any{"iss": srv.URL, "sub": "1", "aud": auth.DefaultClientID, "nonce": "n-7",
		"email": owner.Email, "name": owner.FullName()} {
		if claims[k] != want {
			t.Errorf("ID token %s = %v, want %v", k, claims[k], want)
		}
	}
	// A code is used once.
	if _, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier)); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Errorf("a second exchange of the code: %v", err)
	}
	// The library refreshes an expired token with the refresh token, which is rotated.
	expired := *tok
	expired.Expiry = time.Now().Add(-time.Hour)
	fresh, err := cfg.TokenSource(ctx, &expired).Token()
	if err != nil {
		t.Fatal(err)
	}
	if fresh.AccessToken == "" || fresh.RefreshToken == "" || fresh.RefreshToken == tok.RefreshToken {
		t.Errorf("refresh: access %q, refresh %q (was %q)", fresh.AccessToken, fresh.RefreshToken, tok.RefreshToken)
	}
	if _, err := cfg.TokenSource(ctx, &expired).Token(); err == nil {
		t.Error("the used refresh token refreshed again")
	}
}

func TestAuthorizationCodeRefusals(t *testing.T) {
	srv := fake.NewTestServer(t, fake.Options{Users: 5, Seed: 1})
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, &http.Client{Timeout: 10 * time.Second})
	cfg := oauth2.Config{
		ClientID: auth.DefaultClientID, ClientSecret: auth.DefaultClientSecret,
		Endpoint:    oauth2.Endpoint{AuthURL: srv.URL + auth.AuthorizePath, TokenURL: srv.URL + fake.TokenPath},
		RedirectURL: "http://localhost:8000/cb",
		Scopes:      []string{auth.ScopeRead},
	}
	t.Run("a redirect URI not registered is answered, not followed", func(t *testing.T) {
		c := cfg
		c.RedirectURL = "https://attacker.example/cb"
		resp, err := noRedirects.Get(c.AuthCodeURL("s"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Fatalf("status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("an unknown client is answered, not followed", func(t *testing.T) {
		c := cfg
		c.ClientID = "nobody"
		resp, err := noRedirects.Get(c.AuthCodeURL("s"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
	t.Run("a scope the client lacks comes back as invalid_scope", func(t *testing.T) {
		c := cfg
		c.ClientID, c.ClientSecret = auth.DefaultReaderID, auth.DefaultReaderSecret
		c.Scopes = []string{auth.ScopeWrite}
		back := authorize(t, c.AuthCodeURL("s9"))
		if back.Query().Get("error") != "invalid_scope" || back.Query().Get("state") != "s9" {
			t.Fatalf("redirected to %s", back)
		}
	})
	t.Run("a wrong PKCE verifier", func(t *testing.T) {
		back := authorize(t, cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
		_, err := cfg.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(oauth2.GenerateVerifier()))
		if err == nil || !strings.Contains(err.Error(), "invalid_grant") {
			t.Fatalf("exchange with another verifier: %v", err)
		}
	})
	t.Run("a code exchanged with another redirect URI", func(t *testing.T) {
		back := authorize(t, cfg.AuthCodeURL("s"))
		c := cfg
		c.RedirectURL = "http://localhost:8001/cb"
		if _, err := c.Exchange(ctx, back.Query().Get("code")); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
			t.Fatalf("exchange: %v", err)
		}
	})
	t.Run("a code taken by another client", func(t *testing.T) {
		back := authorize(t, cfg.AuthCodeURL("s"))
		c := cfg
		c.ClientID, c.ClientSecret = auth.DefaultReaderID, auth.DefaultReaderSecret
		if _, err := c.Exchange(ctx, back.Query().Get("code")); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
			t.Fatalf("exchange: %v", err)
		}
	})
	t.Run("login_hint names the user", func(t *testing.T) {
		u, _, err := srv.User(t.Context(), 3)
		if err != nil {
			t.Fatal(err)
		}
		c := cfg
		c.Scopes = []string{"openid", "login"}
		back := authorize(t, c.AuthCodeURL("s", oauth2.SetAuthURLParam("login_hint", u.Login)))
		tok, err := c.Exchange(ctx, back.Query().Get("code"))
		if err != nil {
			t.Fatal(err)
		}
		claims := decodeJWT(t, tok.Extra("id_token").(string))
		if claims["sub"] != "3" || claims["preferred_username"] != u.Login {
			t.Errorf("ID token for %s: %v", u.Login, claims)
		}
		back = authorize(t, c.AuthCodeURL("s", oauth2.SetAuthURLParam("login_hint", "no.such.user")))
		if back.Query().Get("error") != "access_denied" {
			t.Errorf("an unknown login_hint: %s", back)
		}
	})
}

func readJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", u, err)
	}
}

func decodeJWT(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

// verifyIDToken checks an RS256 ID token's signature against the JWKS and returns its claims.
func verifyIDToken(t *testing.T, tok, jwksURL string) map[string]any {
	t.Helper()
	var set struct {
		Keys []struct{ Kid, N, E string }
	}
	readJSON(t, jwksURL, &set)
	parts := strings.Split(tok, ".")
	var header struct{ Alg, Kid string }
	h, _ := base64.RawURLEncoding.DecodeString(parts[0])
	json.Unmarshal(h, &header)
	if header.Alg != "RS256" || len(set.Keys) != 1 || set.Keys[0].Kid != header.Kid {
		t.Fatalf("header %+v, keys %+v", header, set.Keys)
	}
	n, _ := base64.RawURLEncoding.DecodeString(set.Keys[0].N)
	e, _ := base64.RawURLEncoding.DecodeString(set.Keys[0].E)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		t.Fatalf("the ID token's signature does not verify: %v", err)
	}
	return decodeJWT(t, tok)
}

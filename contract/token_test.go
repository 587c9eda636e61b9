package contract

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// tokenStub is the least of an implementation the token checks need: a token endpoint at path that answers bad
// client credentials with badClient, unknown scopes with invalid_scope, and an empty user index.
func tokenStub(path string, badClient int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == path:
			r.ParseForm()
			switch {
			case r.PostForm.Get("client_id") != "id" || r.PostForm.Get("client_secret") != "secret":
				w.WriteHeader(badClient)
				w.Write([]byte(`{"error":"invalid_client"}`))
			case strings.Contains(r.PostForm.Get("scope"), "unknown"):
				w.WriteHeader(http.StatusBadRequest)
				w.Write([]byte(`{"error":"invalid_scope"}`))
			default:
				w.Write([]byte(`{"access_token":"t","token_type":"bearer","expires_in":86399}`))
			}
		case r.Method == http.MethodGet && r.URL.Path == "/api/users":
			if r.Header.Get("Authorization") != "Bearer t" {
				w.WriteHeader(http.StatusUnauthorized)
				w.Write([]byte(`{"errors":{"base":["Unauthorized"]}}`))
				return
			}
			w.Write([]byte(`[]`))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"errors":{"base":["No route matches"]}}`))
		}
	})
}

func runTokenChecks(t *testing.T, cfg Config) (*Report, error) {
	t.Helper()
	cfg.ClientID, cfg.ClientSecret = "id", "secret"
	cfg.Only = []string{"security/token"}
	cfg.Formats = []Format{FormatJSON}
	cfg.Rate = -1
	return Run(context.Background(), cfg)
}

// Bad client credentials: Coupa answers 400 invalid_client, RFC 6749 allows 401; both pass, nothing else does.
func TestBadClientStatus(t *testing.T) {
	for status, pass := range map[int]bool{http.StatusBadRequest: true, http.StatusUnauthorized: true, http.StatusForbidden: false} {
		rep, err := runTokenChecks(t, Config{Handler: tokenStub(tokenPath, status)})
		if err != nil {
			t.Fatalf("%d: %v", status, err)
		}
		i := slices.IndexFunc(rep.Checks, func(c CheckResult) bool { return c.Name == "security/token/bad-client" })
		if i < 0 {
			t.Fatal("security/token/bad-client did not run")
		}
		if v := rep.Checks[i].Verdict; (v == Pass) != pass {
			t.Errorf("invalid_client with %d: verdict %s, want pass %v", status, v, pass)
		}
	}
}

// An implementation that serves only /oauth2/access_tokens (the tokenUrl of Coupa's R35–R39 Swagger) is found
// without --token-url, and the report says so; a token URL the user gave is not second-guessed.
func TestTokenURLFallsBackToAccessTokens(t *testing.T) {
	rep, err := runTokenChecks(t, Config{Handler: tokenStub(accessTokensPath, http.StatusBadRequest)})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Passed() || rep.Summary.Passed != 2 {
		t.Errorf("summary %+v", rep.Summary)
	}
	if !strings.Contains(strings.Join(rep.Notes, "\n"), accessTokensPath) {
		t.Errorf("notes %q do not name the token endpoint used", rep.Notes)
	}

	srv := httptest.NewServer(tokenStub(accessTokensPath, http.StatusBadRequest))
	defer srv.Close()
	_, err = runTokenChecks(t, Config{BaseURL: srv.URL, TokenURL: srv.URL + tokenPath})
	var pe *PreflightError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), tokenPath) {
		t.Errorf("explicit token URL answering 404: %v", err)
	}
	// Neither path: the error names both.
	_, err = runTokenChecks(t, Config{Handler: tokenStub("/elsewhere", http.StatusBadRequest)})
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), tokenPath) || !strings.Contains(err.Error(), accessTokensPath) {
		t.Errorf("no token endpoint: %v", err)
	}
}

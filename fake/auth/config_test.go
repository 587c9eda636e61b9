package auth_test

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fake/auth"
	"github.com/coupa-kit/coupa-users/spec"
)

func TestDefaultConfig(t *testing.T) {
	cfg := auth.DefaultConfig()
	s, err := auth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if w := s.Warnings(); len(w) != 0 {
		t.Errorf("warnings for the default config: %q", w)
	}
	if cfg.TokenTTL != 24*time.Hour || len(cfg.Clients) != 2 || len(cfg.APIKeys) != 1 {
		t.Errorf("DefaultConfig %+v", cfg)
	}
	if !auth.ValidLegacyKey(auth.DefaultAPIKey) {
		t.Error("default key has not the Coupa shape")
	}
	// The full-access client and the key hold every known scope; the reader all of Coupa's catalogue but
	// core.user.write.
	if len(cfg.Clients[0].Scopes) != 0 || len(cfg.APIKeys[0].Scopes) != 0 {
		t.Errorf("full-access client or key restricted: %q, %q", cfg.Clients[0].Scopes, cfg.APIKeys[0].Scopes)
	}
	reader := cfg.Clients[1].Scopes
	if len(reader) != len(spec.Scopes())-1 || slices.Contains(reader, auth.ScopeWrite) || !slices.Contains(reader, auth.ScopeRead) {
		t.Errorf("reader scopes %q", reader)
	}
	// Fresh slices each call: no shared mutable defaults.
	first := reader[0]
	reader[0] = "x"
	if auth.DefaultConfig().Clients[1].Scopes[0] != first {
		t.Error("DefaultConfig shares slices between calls")
	}
	// A random signing key per Service: tokens do not cross services.
	a, _ := auth.New(auth.DefaultConfig())
	b, _ := auth.New(auth.DefaultConfig())
	tok, err := a.Issue(auth.DefaultClientID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Authenticate(bearer(tok.AccessToken)); err == nil {
		t.Error("random signing keys are equal")
	}
	if _, err := a.Authenticate(bearer(tok.AccessToken)); err != nil {
		t.Error(err)
	}
}

func TestNewValidation(t *testing.T) {
	base := func() auth.Config { return auth.DefaultConfig() }
	for _, tc := range []struct {
		name string
		mod  func(*auth.Config)
		want string // substring of the error
	}{
		{"empty client id", func(c *auth.Config) { c.Clients[1].ID = "" }, "clients[1]: empty id"},
		{"empty secret", func(c *auth.Config) { c.Clients[1].Secret = "" }, `clients[1] (id "coupa-fake-reader"): empty secret`},
		{"duplicate id", func(c *auth.Config) { c.Clients[1].ID = auth.DefaultClientID }, "duplicate id (also clients[0])"},
		{"unknown client scope", func(c *auth.Config) { c.Clients[0].Scopes = []string{"core.user.delete"} }, `clients[0] (id "coupa-fake-client"): unknown scope "core.user.delete"`},
		{"empty key", func(c *auth.Config) { c.APIKeys[0].Key = "" }, "api_keys[0]: empty key"},
		{"duplicate key", func(c *auth.Config) { c.APIKeys = append(c.APIKeys, c.APIKeys[0]) }, "api_keys[1]: duplicate key (also api_keys[0])"},
		{"unknown key scope", func(c *auth.Config) { c.APIKeys[0].Scopes = []string{"admin"} }, `api_keys[0]: unknown scope "admin"`},
		{"no credentials", func(c *auth.Config) { c.Clients = nil; c.APIKeys = nil }, "no clients and no API keys"},
		{"negative ttl", func(c *auth.Config) { c.TokenTTL = -time.Hour }, "token_ttl"},
		{"sub-second ttl", func(c *auth.Config) { c.TokenTTL = 500 * time.Millisecond }, "token_ttl"},
		{"fractional ttl", func(c *auth.Config) { c.TokenTTL = 1500 * time.Millisecond }, "whole number of seconds"},
		{"bad scope status", func(c *auth.Config) { c.InsufficientScopeStatus = 404 }, "want 401 or 403"},
		{"bad invalid client status", func(c *auth.Config) { c.InvalidClientStatus = 403 }, "invalid client status 403: want 400 or 401"},
		{"bad known scope", func(c *auth.Config) { c.KnownScopes = []string{"a b"} }, "not a valid OAuth scope"},
		{"empty known scope", func(c *auth.Config) { c.KnownScopes = []string{auth.ScopeRead, ""} }, "not a valid OAuth scope"},
		{"duplicate known scope", func(c *auth.Config) { c.KnownScopes = []string{"a", "a"} }, "duplicate scope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base()
			tc.mod(&cfg)
			_, err := auth.New(cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), auth.DefaultClientSecret) || strings.Contains(err.Error(), auth.DefaultAPIKey) {
				t.Errorf("error reveals a secret: %v", err)
			}
		})
	}
}

func TestNewDefaultsAndWarnings(t *testing.T) {
	s, err := auth.New(auth.Config{
		Clients:    []auth.Client{{ID: "c", Secret: "s"}}, // no scopes: all known
		APIKeys:    []auth.APIKey{{Key: "short"}},
		SigningKey: []byte("short key"),
	})
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(s.Warnings(), "\n")
	if !strings.Contains(w, "api_keys[0]") || !strings.Contains(w, "signing key") || strings.Contains(w, "short\"") {
		t.Errorf("warnings %q", w)
	}
	tok, err := s.Issue("c")
	if err != nil || tok.Scope != allScopes || tok.ExpiresIn != 86399 {
		t.Errorf("defaults: %+v %v", tok, err)
	}
	p, err := s.Authenticate(withHeader(auth.APIKeyHeader, "short"))
	if err != nil || !p.Has(auth.ScopeRead) || !p.Has(auth.ScopeWrite) {
		t.Errorf("short key with default scopes: %+v %v", p, err)
	}

	// Custom known scopes; a client's scopes are reported in known order.
	s2, err := auth.New(auth.Config{
		KnownScopes: []string{"b.write", "a.read"},
		Clients:     []auth.Client{{ID: "c", Secret: "s", Scopes: []string{"a.read", "b.write", "a.read"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if tok, _ := s2.Issue("c"); tok.Scope != "b.write a.read" {
		t.Errorf("custom scopes %q", tok.Scope)
	}
}

func TestValidLegacyKey(t *testing.T) {
	for k, want := range map[string]bool{
		auth.DefaultAPIKey:                         true,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn": true,
		"":                       false,
		"short":                  false,
		auth.DefaultAPIKey + "0": false,
		auth.DefaultAPIKey[:39]:  false,
		"0123456789abcdef0123456789abcdef0123456-": false,
		"0123456789abcdef0123456789abcdef012345é":  false,
	} {
		if got := auth.ValidLegacyKey(k); got != want {
			t.Errorf("ValidLegacyKey(%q) = %v", k, got)
		}
	}
}

func TestParseClients(t *testing.T) {
	got, err := auth.ParseClients(" a:s1:core.user.read+core.user.write , b:s2:core.user.read,c:s3,")
	if err != nil {
		t.Fatal(err)
	}
	want := []auth.Client{
		{ID: "a", Secret: "s1", Scopes: []string{auth.ScopeRead, auth.ScopeWrite}},
		{ID: "b", Secret: "s2", Scopes: []string{auth.ScopeRead}},
		{ID: "c", Secret: "s3"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
	s, err := auth.New(auth.Config{Clients: got})
	if err != nil {
		t.Fatal(err)
	}
	if tok, _ := s.Issue("c"); tok.Scope != allScopes {
		t.Errorf("client without scopes got %q", tok.Scope)
	}
	// Any scope of the catalogue can be granted by the compact form, whatever it concerns.
	more, err := auth.ParseClients("baton:s:core.business_entity.read+core.common.read+core.user_group.read+core.user.read+email+login+openid+profile")
	if err != nil {
		t.Fatal(err)
	}
	s, err = auth.New(auth.Config{Clients: more})
	if err != nil {
		t.Fatal(err)
	}
	if tok, _ := s.Issue("baton"); tok.Scope != "core.business_entity.read core.common.read core.user.read core.user_group.read email login openid profile" {
		t.Errorf("catalogue scopes by --clients: %q", tok.Scope)
	}

	for spec, want := range map[string]string{
		"":                    "empty",
		" , ":                 "empty",
		"a":                   `entry 1 (id "a"): missing secret`,
		"a:":                  `entry 1 (id "a"): empty secret`,
		":s":                  "entry 1: empty client id",
		"a:s,b":               `entry 2 (id "b"): missing secret`,
		"a:s:":                "empty scope list",
		"a:s:core.user.read+": "empty scope name",
		"a:s:x:y":             "too many",
		"a:s,a:t":             `entry 2 (id "a"): duplicate of entry 1`,
	} {
		_, err := auth.ParseClients(spec)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseClients(%q): %v, want %q", spec, err, want)
		}
	}
	// Unknown scopes get past the parser but not New, which names the client.
	cl, err := auth.ParseClients("a:s:core.user.nope")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.New(auth.Config{Clients: cl}); err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("New with unknown scope: %v", err)
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "auth.json")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadConfigFile(t *testing.T) {
	p := writeFile(t, `{
  "clients": [
    {"id": "app", "secret": "s3cr3t", "scopes": ["core.user.read", "core.user.write"]},
    {"id": "ro", "secret": "r0", "scopes": ["core.user.read"]},
    {"id": "all", "secret": "x"}
  ],
  "api_keys": [{"key": "abcdefghij0123456789abcdefghij0123456789", "scopes": ["core.user.read"]}],
  "token_ttl": "2h",
  "issuer": "https://fake.example", "audience": "users", "signing_key": "a-stable-signing-key-of-32-bytes!!"
}`)
	cfg, err := auth.LoadConfigFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Clients) != 3 || cfg.Clients[1].ID != "ro" || len(cfg.APIKeys) != 1 || cfg.TokenTTL != 2*time.Hour ||
		cfg.Issuer != "https://fake.example" || cfg.Audience != "users" || string(cfg.SigningKey) != "a-stable-signing-key-of-32-bytes!!" {
		t.Fatalf("cfg %+v", cfg)
	}
	clk := newClock()
	cfg.Clock = clk.Now
	s, err := auth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tok := mintToken(t, s, "ro", "r0")
	if tok.ExpiresIn != 7199 || tok.Scope != auth.ScopeRead {
		t.Errorf("token %+v", tok)
	}
	// The stable key makes tokens survive a restart.
	s2, _ := auth.New(cfg)
	if _, err := s2.Authenticate(bearer(tok.AccessToken)); err != nil {
		t.Errorf("token from a restarted service: %v", err)
	}

	// Seconds as a number, and a file with only keys.
	cfg, err = auth.LoadConfigFile(writeFile(t, `{"api_keys":[{"key":"k"}],"token_ttl":3600}`))
	if err != nil || cfg.TokenTTL != time.Hour || len(cfg.Clients) != 0 {
		t.Errorf("numeric ttl: %+v %v", cfg, err)
	}
}

func TestLoadConfigFileErrors(t *testing.T) {
	for _, tc := range []struct{ name, content, want string }{
		{"syntax", "{\n  \"clients\": [\n    {\"id\": \"a\",}\n  ]\n}", "line 3"},
		{"unknown field", `{"clients":[{"id":"a","secret":"b","scope":["core.user.read"]}]}`, `unknown field "scope"`},
		{"unknown top-level field", `{"client":[]}`, `unknown field "client"`},
		{"wrong type", `{"clients":[{"id":"a","secret":"b","scopes":"core.user.read"}]}`, "scopes"},
		{"empty secret", `{"clients":[{"id":"a","secret":"b"},{"id":"bad","secret":""}]}`, `clients[1] (id "bad"): empty secret`},
		{"missing id", `{"clients":[{"secret":"b"}]}`, "clients[0]: empty id"},
		{"duplicate id", `{"clients":[{"id":"a","secret":"b"},{"id":"a","secret":"c"}]}`, "clients[1]"},
		{"unknown scope", `{"clients":[{"id":"a","secret":"b","scopes":["core.user.read","core.user.admin"]}]}`, `clients[0] (id "a"): unknown scope "core.user.admin"`},
		{"empty key", `{"api_keys":[{"key":"k"},{"key":""}]}`, "api_keys[1]: empty key"},
		{"bad ttl string", `{"clients":[{"id":"a","secret":"b"}],"token_ttl":"a day"}`, "token_ttl"},
		{"negative ttl", `{"clients":[{"id":"a","secret":"b"}],"token_ttl":"-1h"}`, "token_ttl"},
		{"bad ttl type", `{"clients":[{"id":"a","secret":"b"}],"token_ttl":true}`, "token_ttl"},
		{"fractional ttl", `{"clients":[{"id":"a","secret":"b"}],"token_ttl":1.5}`, "token_ttl"},
		{"nothing", `{}`, "no clients and no API keys"},
		{"trailing data", `{"api_keys":[{"key":"k"}]} {}`, "after the JSON object"},
		{"not an object", `[]`, "cannot"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, tc.content)
			_, err := auth.LoadConfigFile(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
				t.Fatalf("err %v, want it to name %q and the file", err, tc.want)
			}
		})
	}
	if _, err := auth.LoadConfigFile(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("missing file accepted")
	}
}

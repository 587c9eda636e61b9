package fake_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fake/auth"
)

func token(t *testing.T, s *fake.Server, form url.Values, basic ...string) (int, map[string]any) {
	t.Helper()
	return tokenAt(t, s, fake.TokenPath, form, basic...)
}

// tokenAt posts a token request to one of the token endpoint's paths.
func tokenAt(t *testing.T, s *fake.Server, path string, form url.Values, basic ...string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if len(basic) == 2 {
		req.SetBasicAuth(basic[0], basic[1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func TestTokenFlowAndScopes(t *testing.T) {
	clock := fake.NewClock(nil)
	s := newServer(t, fake.Options{Clock: clock})
	status, body := token(t, s, url.Values{"grant_type": {"client_credentials"}, "scope": {"core.user.read"}},
		auth.DefaultReaderID, auth.DefaultReaderSecret)
	if status != 200 || body["token_type"] != "bearer" || body["expires_in"] != 86399.0 {
		t.Fatalf("token: %d %v", status, body)
	}
	read := body["access_token"].(string)
	bearer := header{"Authorization", "Bearer " + read}
	wantStatus(t, call(t, s, http.MethodGet, "/api/users/5", "", bearer, header{"Accept", "application/json"}), 200)
	r := call(t, s, http.MethodPost, "/api/users", `{"login":"r","email":"r@x.io","firstname":"r","lastname":"r"}`,
		bearer, header{"Accept", "application/json"}, header{"Content-Type", "application/json"})
	wantStatus(t, r, http.StatusForbidden)
	if !strings.Contains(r.header.Get("WWW-Authenticate"), "insufficient_scope") || len(r.errors(t)) == 0 {
		t.Errorf("403: %v %s", r.header, r.body)
	}
	r = call(t, s, http.MethodPut, "/api/users/5", `{"lastname":"x"}`, bearer, header{"Accept", "application/json"}, header{"Content-Type", "application/json"})
	wantStatus(t, r, http.StatusForbidden)

	// Form credentials, all scopes by default.
	status, body = token(t, s, url.Values{"grant_type": {"client_credentials"}, "client_id": {auth.DefaultClientID}, "client_secret": {auth.DefaultClientSecret}})
	if status != 200 || !strings.Contains(body["scope"].(string), "core.user.write") {
		t.Fatalf("form token: %d %v", status, body)
	}
	// RFC 6749 errors.
	// Bad client credentials: 400 invalid_client, as Coupa answers.
	if status, body = token(t, s, url.Values{"grant_type": {"client_credentials"}}, auth.DefaultClientID, "wrong"); status != 400 || body["error"] != "invalid_client" {
		t.Errorf("bad secret: %d %v", status, body)
	}
	if status, body = token(t, s, url.Values{"grant_type": {"client_credentials"}, "scope": {"core.user.write"}}, auth.DefaultReaderID, auth.DefaultReaderSecret); status != 400 || body["error"] != "invalid_scope" {
		t.Errorf("scope not granted: %d %v", status, body)
	}
	if status, body = token(t, s, url.Values{"grant_type": {"password"}}, auth.DefaultClientID, auth.DefaultClientSecret); status != 400 || body["error"] != "unsupported_grant_type" {
		t.Errorf("grant type: %d %v", status, body)
	}
	// Expiry follows the fake's clock.
	clock.Advance(25 * time.Hour)
	r = call(t, s, http.MethodGet, "/api/users/5", "", bearer, header{"Accept", "application/json"})
	wantStatus(t, r, http.StatusUnauthorized)
}

func TestUnauthenticated(t *testing.T) {
	s := newServer(t, fake.Options{})
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/users", ""}, {"GET", "/api/users/5", ""},
		{"POST", "/api/users", `{"login":"x"}`}, {"PUT", "/api/users/5", `{"lastname":"x"}`},
	} {
		for _, auth := range []header{{"Authorization", ""}, {"Authorization", "Bearer not-a-token"}, {"X-COUPA-API-KEY", "wrong"}} {
			hs := append(jsonHeaders(), header{"Authorization", ""}, auth)
			r := call(t, s, c.method, c.path, c.body, hs...)
			wantStatus(t, r, http.StatusUnauthorized)
			if len(r.errors(t)) == 0 || r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s with %v: %v %s", c.method, c.path, auth, r.header, r.body)
			}
		}
	}
	// The legacy API key works.
	r := call(t, s, http.MethodGet, "/api/users/5", "", header{"Authorization", ""}, header{"X-COUPA-API-KEY", auth.DefaultAPIKey}, header{"Accept", "application/json"})
	wantStatus(t, r, http.StatusOK)
	// The scope status can be Coupa's other plausible answer.
	s401 := newServer(t, fake.Options{Auth: auth.Config{Clients: []auth.Client{{ID: "ro", Secret: "s", Scopes: []string{auth.ScopeRead}}}, InsufficientScopeStatus: 401}})
	tok, err := s401.Token()
	if err != nil {
		t.Fatal(err)
	}
	r = call(t, s401, http.MethodPut, "/api/users/5", `{"lastname":"x"}`, append(jsonHeaders(), header{"Authorization", "Bearer " + tok})...)
	wantStatus(t, r, http.StatusUnauthorized)
	// Auth off serves everyone.
	open := newServer(t, fake.Options{NoAuth: true})
	wantStatus(t, call(t, open, http.MethodGet, "/api/users/5", "", header{"Authorization", ""}), http.StatusOK)
}

// Real clients ask for scopes beyond the Users API's two: they get tokens, and the users endpoints still require
// core.user.read and core.user.write, in JSON and in XML.
func TestRealClientScopes(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5, Auth: auth.Config{Clients: []auth.Client{
		{ID: auth.DefaultClientID, Secret: auth.DefaultClientSecret},
		{ID: "other", Secret: "s", Scopes: []string{"core.common.read", "core.user_group.read"}},
	}}})
	baton := "core.business_entity.read core.common.read core.user_group.read core.user.read email login openid profile"
	grant := func(id, secret, scope string) string {
		t.Helper()
		status, body := token(t, s, url.Values{"grant_type": {"client_credentials"}, "scope": {scope}}, id, secret)
		if status != 200 {
			t.Fatalf("token for %q: %d %v", scope, status, body)
		}
		return body["access_token"].(string)
	}
	xmlAccept, jsonAccept := header{"Accept", "application/xml"}, header{"Accept", "application/json"}
	body := `{"login":"scopes","email":"scopes@example.com","firstname":"S","lastname":"C"}`

	read := header{"Authorization", "Bearer " + grant(auth.DefaultClientID, auth.DefaultClientSecret, baton)}
	for _, accept := range []header{jsonAccept, xmlAccept} {
		wantStatus(t, call(t, s, http.MethodGet, "/api/users/1", "", read, accept), http.StatusOK)
		r := call(t, s, http.MethodPost, "/api/users", body, read, accept, header{"Content-Type", "application/json"})
		wantStatus(t, r, http.StatusForbidden)
		if !strings.Contains(r.header.Get("WWW-Authenticate"), `scope="core.user.write"`) {
			t.Errorf("%s: challenge %q", accept.v, r.header.Get("WWW-Authenticate"))
		}
	}
	// A client holding no users scope gets a token for what it holds, and nothing of /api/users.
	none := header{"Authorization", "Bearer " + grant("other", "s", "core.common.read")}
	r := call(t, s, http.MethodGet, "/api/users", "", none, jsonAccept)
	wantStatus(t, r, http.StatusForbidden)
	if len(r.errors(t)) == 0 {
		t.Errorf("403 without Coupa's error body: %s", r.body)
	}
	r = call(t, s, http.MethodGet, "/api/users", "", none, xmlAccept)
	wantStatus(t, r, http.StatusForbidden)
	if !strings.Contains(string(r.body), "<errors>") {
		t.Errorf("XML 403 without Coupa's error body: %s", r.body)
	}
	// Asking for a users scope it was not granted, or one that does not exist: invalid_scope.
	for _, scope := range []string{"core.user.read", "core.ct-unknown.read"} {
		if status, b := token(t, s, url.Values{"grant_type": {"client_credentials"}, "scope": {scope}}, "other", "s"); status != 400 || b["error"] != "invalid_scope" {
			t.Errorf("%s: %d %v", scope, status, b)
		}
	}
}

// /oauth2/access_tokens (the tokenUrl of Coupa's R35–R39 Swagger) is the same endpoint as /oauth2/token.
func TestTokenPathsBehaveAlike(t *testing.T) {
	s := newServer(t, fake.Options{Users: 3})
	grant := url.Values{"grant_type": {"client_credentials"}}
	with := func(kv ...string) url.Values {
		f := url.Values{"grant_type": {"client_credentials"}}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	for _, tc := range []struct {
		name   string
		form   url.Values
		basic  []string
		status int
		code   string // the error, or "" for a token
	}{
		{"basic", grant, []string{auth.DefaultClientID, auth.DefaultClientSecret}, 200, ""},
		{"form with scopes", with("client_id", auth.DefaultReaderID, "client_secret", auth.DefaultReaderSecret, "scope", "core.user.read openid"), nil, 200, ""},
		{"not granted", with("scope", auth.ScopeWrite), []string{auth.DefaultReaderID, auth.DefaultReaderSecret}, 400, "invalid_scope"},
		{"unknown scope", with("scope", "core.ct-unknown.read"), []string{auth.DefaultClientID, auth.DefaultClientSecret}, 400, "invalid_scope"},
		{"grant type", with("grant_type", "password"), []string{auth.DefaultClientID, auth.DefaultClientSecret}, 400, "unsupported_grant_type"},
	} {
		for _, path := range []string{fake.TokenPath, fake.AccessTokensPath} {
			status, body := tokenAt(t, s, path, tc.form, tc.basic...)
			if status != tc.status || tc.code != "" && body["error"] != tc.code || tc.code == "" && body["access_token"] == nil {
				t.Errorf("%s at %s: %d %v, want %d %q", tc.name, path, status, body, tc.status, tc.code)
				continue
			}
			if tc.code == "" {
				bearer := header{"Authorization", "Bearer " + body["access_token"].(string)}
				wantStatus(t, call(t, s, http.MethodGet, "/api/users/1", "", bearer, header{"Accept", "application/json"}), 200)
			}
		}
	}
	for _, path := range []string{fake.TokenPath, fake.AccessTokensPath} {
		r := call(t, s, http.MethodGet, path, "")
		wantStatus(t, r, http.StatusMethodNotAllowed)
		if r.header.Get("Allow") != http.MethodPost || r.object(t)["error"] != "invalid_request" {
			t.Errorf("GET %s: %v %s", path, r.header, r.body)
		}
	}
}

// invalid_client is 400 by default (Coupa, whatever the cause) and 401 with a Basic challenge when configured
// (RFC 6749 §5.2), at both token paths and for every cause.
func TestInvalidClientStatus(t *testing.T) {
	causes := map[string]struct {
		form  url.Values
		basic []string
	}{
		"wrong secret":    {url.Values{"grant_type": {"client_credentials"}}, []string{auth.DefaultClientID, "wrong"}},
		"unknown client":  {url.Values{"grant_type": {"client_credentials"}}, []string{"nobody", auth.DefaultClientSecret}},
		"no credentials":  {url.Values{"grant_type": {"client_credentials"}}, nil},
		"form, no secret": {url.Values{"grant_type": {"client_credentials"}, "client_id": {auth.DefaultClientID}}, nil},
	}
	for _, tc := range []struct {
		name      string
		opts      fake.Options
		status    int
		challenge string
	}{
		{"default", fake.Options{Users: 1}, http.StatusBadRequest, ""},
		{"rfc 6749", fake.Options{Users: 1, Auth: auth.Config{InvalidClientStatus: http.StatusUnauthorized}}, http.StatusUnauthorized, `Basic realm="coupa"`},
	} {
		s := newServer(t, tc.opts)
		for cause, c := range causes {
			for _, path := range []string{fake.TokenPath, fake.AccessTokensPath} {
				req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(c.form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if c.basic != nil {
					req.SetBasicAuth(c.basic[0], c.basic[1])
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var body map[string]any
				json.NewDecoder(resp.Body).Decode(&body)
				resp.Body.Close()
				if resp.StatusCode != tc.status || body["error"] != "invalid_client" || resp.Header.Get("WWW-Authenticate") != tc.challenge ||
					resp.Header.Get("Content-Type") != "application/json" {
					t.Errorf("%s, %s at %s: %d %v %v", tc.name, cause, path, resp.StatusCode, resp.Header, body)
				}
			}
		}
	}
}

// A token for the whole catalogue and tokens for two scopes open exactly the routes their users scope opens: reads
// need core.user.read, writes core.user.write, and a missing scope answers the configured status, from the cache
// and on first use alike.
func TestScopesAuthoriseRoutes(t *testing.T) {
	for _, status := range []int{http.StatusForbidden, http.StatusUnauthorized} {
		s := newServer(t, fake.Options{Users: 3, Auth: auth.Config{InsufficientScopeStatus: status}})
		n := 0
		for _, tc := range []struct {
			name, id, secret, scope string
			read, write             bool
		}{
			{"client, whole catalogue", auth.DefaultClientID, auth.DefaultClientSecret, "", true, true},
			{"client, read and write", auth.DefaultClientID, auth.DefaultClientSecret, auth.ScopeRead + " " + auth.ScopeWrite, true, true},
			{"client, write and openid", auth.DefaultClientID, auth.DefaultClientSecret, auth.ScopeWrite + " openid", false, true},
			{"reader, whole catalogue but write", auth.DefaultReaderID, auth.DefaultReaderSecret, "", true, false},
			{"reader, read and openid", auth.DefaultReaderID, auth.DefaultReaderSecret, auth.ScopeRead + " openid", true, false},
		} {
			form := url.Values{"grant_type": {"client_credentials"}}
			if tc.scope != "" {
				form.Set("scope", tc.scope)
			}
			code, body := token(t, s, form, tc.id, tc.secret)
			if code != 200 {
				t.Fatalf("%s: token %d %v", tc.name, code, body)
			}
			bearer := header{"Authorization", "Bearer " + body["access_token"].(string)}
			for round := 0; round < 2; round++ {
				n++
				create := fmt.Sprintf(`{"login":"scoped%d","email":"scoped%d@example.com","firstname":"S","lastname":"C"}`, n, n)
				for _, op := range []struct {
					method, path, body string
					scope              string
					ok                 bool
					want               int
				}{
					{http.MethodGet, "/api/users", "", auth.ScopeRead, tc.read, http.StatusOK},
					{http.MethodGet, "/api/users/1", "", auth.ScopeRead, tc.read, http.StatusOK},
					{http.MethodPost, "/api/users", create, auth.ScopeWrite, tc.write, http.StatusCreated},
					{http.MethodPut, "/api/users/1", `{"lastname":"Scoped"}`, auth.ScopeWrite, tc.write, http.StatusOK},
				} {
					r := call(t, s, op.method, op.path, op.body, append(jsonHeaders(), bearer)...)
					if op.ok {
						if r.status != op.want {
							t.Errorf("%d, %s, %s %s: %d %.300s", status, tc.name, op.method, op.path, r.status, r.body)
						}
						continue
					}
					if ch := r.header.Get("WWW-Authenticate"); r.status != status ||
						!strings.Contains(ch, `error="insufficient_scope"`) || !strings.Contains(ch, `scope="`+op.scope+`"`) {
						t.Errorf("%d, %s, %s %s: %d %q, want %d for %s", status, tc.name, op.method, op.path, r.status, ch, status, op.scope)
					}
				}
			}
		}
	}
}

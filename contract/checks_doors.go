package contract

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/coupa-kit/coupa-users/internal/graphql"
	"github.com/coupa-kit/coupa-users/spec"
)

// Coupa's other doors that real connectors use: GraphQL (baton-coupa) and the authorization-code flow (Power
// Platform). A tenant may not open them: a 404 skips the check, saying so.

func doorChecks() []*check {
	return []*check{
		{name: "reading/graphql/users", doc: "POST /api/graphql users(query:) answers the users the same REST query does, with the same values, paged by id[gt] as baton-coupa pages", run: checkGraphQLUsers},
		{name: "security/oidc-discovery", global: true, doc: "the OpenID Connect discovery document names the issuer, the authorization and token endpoints and the keys", run: checkDiscovery},
		{name: "security/authorization-code", global: true, doc: "where the authorization endpoint approves at once (a fake), the code's exchange gives a token that reads users and a refresh token that renews it once", run: checkAuthorizationCode},
	}
}

// graphQLFields are the elements compared between GraphQL and REST: scalars every user has.
var graphQLFields = []string{"login", "email", "fullname", "active"}

func checkGraphQLUsers(t *checkRun) {
	sample := t.env.getSample(t)
	if len(sample) < 3 {
		t.skip("fewer than 3 users to page through")
	}
	first := userID(sample[0]) - 1
	var selection []string
	for _, f := range graphQLFields {
		selection = append(selection, graphql.FieldName(f))
	}
	rule := "GraphQL's users(query:) answers what the REST index answers for the same query"
	last := first
	for page := 0; page < 2; page++ {
		query := fmt.Sprintf("id[gt]=%d", last)
		doc := fmt.Sprintf(`query getUsers { users(query: %q, limit: 2) { id %s } }`, query, strings.Join(selection, " "))
		body, _ := json.Marshal(map[string]string{"query": doc})
		ex := t.do(request{method: http.MethodPost, path: spec.GraphQLPath, raw: body, rawType: "application/json",
			format: FormatJSON, header: http.Header{"Accept": {"application/json"}}})
		if ex.status == http.StatusNotFound {
			t.skip("POST %s answered 404: the implementation has no GraphQL API", spec.GraphQLPath)
		}
		var answer struct {
			Data   struct{ Users []map[string]any } `json:"data"`
			Errors []struct{ Message string }       `json:"errors"`
		}
		if ex.status != http.StatusOK || json.Unmarshal(ex.body, &answer) != nil || len(answer.Errors) > 0 {
			t.fatal(ex, rule, "", "GraphQL answered %d: %s", ex.status, excerpt(ex.body, 300))
		}
		want, rex := t.env.index(t, url.Values{"id[gt]": {strconv.FormatInt(last, 10)}, "limit": {"2"}})
		if len(answer.Data.Users) != len(want) {
			t.failBody(ex, excerpt(ex.body, 300), rule, "", "GraphQL gave %d users for %s, REST %d", len(answer.Data.Users), query, len(want))
			return
		}
		for i, g := range answer.Data.Users {
			w := want[i]
			if fmt.Sprint(g["id"]) != strconv.FormatInt(userID(w), 10) {
				t.failBody(ex, excerpt(ex.body, 300), rule, "", "user %d of the page: GraphQL id %v, REST %d", i, g["id"], userID(w))
				continue
			}
			for j, f := range graphQLFields {
				if !sameValue(g[selection[j]], w[f]) {
					t.failBody(rex, compact(w[f], 100), rule, "", "user %v: GraphQL %s=%s, REST %s=%s", g["id"], selection[j],
						compact(g[selection[j]], 80), f, compact(w[f], 80))
				}
			}
			last = userID(w)
		}
	}
	t.note("two pages of 2 users after id %d, read through GraphQL and REST alike", first)
}

func checkDiscovery(t *checkRun) {
	ex := t.do(request{method: http.MethodGet, path: spec.DiscoveryPath, format: FormatJSON, auth: authNone})
	if ex.status == http.StatusNotFound {
		t.skip("GET %s answered 404: the implementation publishes no OpenID Connect discovery document", spec.DiscoveryPath)
	}
	rule := "the discovery document (OpenID Connect Discovery 1.0 §3) names its issuer, endpoints and keys"
	doc, ok := ex.value.(map[string]any)
	if ex.status != http.StatusOK || !ok {
		t.fatal(ex, rule, "", "GET %s answered %d without a JSON object", spec.DiscoveryPath, ex.status)
	}
	for _, k := range []string{"issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "response_types_supported"} {
		if doc[k] == nil {
			t.failBody(ex, excerpt(ex.body, 300), rule, "", "the document has no %s", k)
		}
	}
	if iss, _ := doc["issuer"].(string); iss != "" && !strings.HasPrefix(iss, "http") {
		t.failBody(ex, iss, rule, "", "issuer %q is not a URL", iss)
	}
}

func checkAuthorizationCode(t *checkRun) {
	s := t.r.s
	if s.ClientID == "" || s.ClientSecret == "" {
		t.skip("needs client credentials")
	}
	const redirect = "http://127.0.0.1:9/ct-callback" // a loopback URI nothing listens on: the 302 is read, not followed
	state := "ct-" + randomB64(8)
	ex := t.do(request{method: http.MethodGet, path: spec.AuthorizePath, auth: authNone, noRedirect: true, format: FormatJSON,
		query: url.Values{"client_id": {s.ClientID}, "response_type": {"code"}, "redirect_uri": {redirect},
			"scope": {scopeRead}, "state": {state}}})
	loc, _ := url.Parse(ex.header.Get("Location"))
	if ex.status != http.StatusFound || loc == nil || loc.Query().Get("code") == "" {
		t.skip("the authorization endpoint answered %d, not a redirect with a code: a user must approve there (Coupa's consent screen)", ex.status)
	}
	rule := "a code of the authorization endpoint is redirected with its state and exchanged, once, for a token and a refresh token"
	if loc.Query().Get("state") != state || !strings.HasPrefix(loc.String(), redirect) {
		t.fail(ex, rule, "", "redirected to %s, want %s with state %s", loc, redirect, state)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {redirect},
		"client_id": {s.ClientID}, "client_secret": {s.ClientSecret}}
	tok := t.do(request{method: http.MethodPost, absURL: s.tokenURL.String(), form: form, format: FormatJSON, auth: authNone})
	granted, _ := tok.value.(map[string]any)
	access, _ := granted["access_token"].(string)
	refresh, _ := granted["refresh_token"].(string)
	if tok.status != http.StatusOK || access == "" || refresh == "" {
		t.fatal(tok, rule, "", "the exchange answered %d without an access and a refresh token", tok.status)
	}
	if again := t.do(request{method: http.MethodPost, absURL: s.tokenURL.String(), form: form, format: FormatJSON, auth: authNone}); again.status < 400 {
		t.fail(again, rule, "", "the same code was exchanged twice (status %d)", again.status)
	}
	if use := t.do(request{method: http.MethodGet, path: "/api/users", query: url.Values{"limit": {"1"}}, auth: authBearer, credential: access}); use.status != http.StatusOK {
		t.fail(use, rule, "", "the code's token read no users (status %d)", use.status)
	}
	renew := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {s.ClientID}, "client_secret": {s.ClientSecret}}
	next := t.do(request{method: http.MethodPost, absURL: s.tokenURL.String(), form: renew, format: FormatJSON, auth: authNone})
	if renewed, _ := next.value.(map[string]any); next.status != http.StatusOK || renewed["access_token"] == nil {
		t.fail(next, rule, "", "the refresh token renewed nothing (status %d)", next.status)
	}
}

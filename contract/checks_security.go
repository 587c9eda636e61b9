package contract

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func securityChecks() []*check {
	return []*check{
		{name: "security/no-credentials/index", doc: "GET /api/users without credentials answers 401", run: func(t *checkRun) { checkNoCredentials(t, "index") }},
		{name: "security/no-credentials/show", doc: "GET /api/users/:id without credentials answers 401", run: func(t *checkRun) { checkNoCredentials(t, "show") }},
		{name: "security/no-credentials/create", write: true, doc: "POST /api/users without credentials answers 401 and creates nothing", run: func(t *checkRun) { checkNoCredentials(t, "create") }},
		{name: "security/no-credentials/update", write: true, doc: "PUT /api/users/:id without credentials answers 401 and changes nothing", run: func(t *checkRun) { checkNoCredentials(t, "update") }},
		{name: "security/bad-token", doc: "a made-up or tampered bearer token answers 401", run: checkBadToken},
		{name: "security/expired-token", doc: "a token whose exp is past answers 401 (a forged one: a client cannot make a real token expire sooner)", run: checkExpiredToken},
		{name: "security/bad-api-key", doc: "an unknown X-COUPA-API-KEY answers 401", run: checkBadAPIKey},
		{name: "security/read-scope/create", write: true, doc: "a token with core.user.read only cannot create (401 or 403)", run: func(t *checkRun) { checkReadScope(t, false) }},
		{name: "security/read-scope/update", write: true, doc: "a token with core.user.read only cannot update (401 or 403)", run: func(t *checkRun) { checkReadScope(t, true) }},
		{name: "security/token/bad-client", global: true, doc: "the token endpoint refuses bad client credentials with RFC 6749 invalid_client", run: checkTokenBadClient},
		{name: "security/token/unknown-scope", global: true, doc: "the token endpoint refuses an unknown scope with RFC 6749 invalid_scope", run: checkTokenUnknownScope},
	}
}

// expectUnauthorized checks a 401.
func expectUnauthorized(t *checkRun, ex *exchange, what string) bool {
	if ex.status != http.StatusUnauthorized {
		t.fail(ex, what+" answers 401", refUnauthorized, "%s %s answered %d", ex.method, ex.url.Path, ex.status)
		return false
	}
	return true
}

func checkNoCredentials(t *checkRun, op string) {
	rule := "a request without credentials"
	switch op {
	case "index":
		expectUnauthorized(t, t.do(request{method: http.MethodGet, path: "/api/users", query: q("limit", "1"), auth: authNone}), rule)
	case "show":
		id, _ := idOf(t.env.getSample(t)[0])
		expectUnauthorized(t, t.do(request{method: http.MethodGet, path: "/api/users/" + strconv.FormatInt(id, 10), auth: authNone}), rule)
	case "create":
		ex := t.do(request{method: http.MethodPost, path: "/api/users", body: t.env.requiredBody("nocreds"), bodySchema: "UserCreate", auth: authNone})
		t.env.noteCreated(t, ex)
		expectUnauthorized(t, ex, rule)
	case "update":
		writeDenied(t, authNone, "", rule, func(ex *exchange) bool { return expectUnauthorized(t, ex, rule) })
	}
}

// writeDenied sends the update fixture an update with the given credentials, has deny judge the answer, and checks
// that nothing changed.
func writeDenied(t *checkRun, auth authMode, credential, rule string, deny func(*exchange) bool) {
	el := partialElement()
	if el == nil {
		t.skip("the spec has no free-text element to update")
	}
	u := t.env.fixture(t, "update", func() map[string]any { return t.env.requiredBody("update") })
	id := userID(u)
	before, _ := t.env.show(t, id)
	v := scalarValue(el, t.env.loginFor("update"), 9)
	ex := t.do(request{method: http.MethodPut, path: "/api/users/" + strconv.FormatInt(id, 10),
		body: map[string]any{el.Name: v}, bodySchema: "UserUpdate", auth: auth, credential: credential})
	deny(ex)
	after, sex := t.env.show(t, id)
	if !sameValue(before[el.Name], after[el.Name]) {
		t.failBody(sex, compact(after[el.Name], 200), rule+" changes nothing", refUpdate, "%s changed from %s to %s",
			el.Name, compact(before[el.Name], 100), compact(after[el.Name], 100))
	}
}

// bearer is the bearer token the run uses, if it uses one.
func bearer(t *checkRun) string {
	switch {
	case t.r.s.Token != "":
		return t.r.s.Token
	case t.r.s.ClientID != "":
		tok, err := t.r.c.creds.token(t.ctx, t.check.name, t.r.s.Scopes)
		if err == nil {
			return tok
		}
	}
	return ""
}

// tamper changes one character in the middle of a token's last part (a JWT's signature).
func tamper(tok string) string {
	i := strings.LastIndexByte(tok, '.') + 1
	i += (len(tok) - i) / 2
	if i >= len(tok) {
		return tok + "x"
	}
	c := byte('A')
	if tok[i] == 'A' {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}

func randomB64(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func checkBadToken(t *checkRun) {
	tokens := map[string]string{"made up": "ct-not-a-token-" + randomB64(24)}
	if tok := bearer(t); tok != "" {
		tokens["tampered"] = tamper(tok)
	}
	id, _ := idOf(t.env.getSample(t)[0])
	for _, name := range sortedKeys(tokens) {
		for _, path := range []string{"/api/users", "/api/users/" + strconv.FormatInt(id, 10)} {
			ex := t.do(request{method: http.MethodGet, path: path, auth: authBearer, credential: tokens[name]})
			expectUnauthorized(t, ex, "a request with a "+name+" bearer token")
		}
	}
}

// forgedExpired is a JWT whose exp is a day past: the run's own token with its claims rewritten when it is a JWT
// (the signature then no longer matches either), else a made-up one.
func forgedExpired(tok string) string {
	now := time.Now()
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims := map[string]any{}
	if parts := strings.Split(tok, "."); len(parts) == 3 {
		header = parts[0]
		if raw, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil {
			json.Unmarshal(raw, &claims)
		}
	}
	claims["iat"] = now.Add(-48 * time.Hour).Unix()
	claims["exp"] = now.Add(-24 * time.Hour).Unix()
	payload, _ := json.Marshal(claims)
	return header + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + randomB64(32)
}

func checkExpiredToken(t *checkRun) {
	ex := t.do(request{method: http.MethodGet, path: "/api/users", query: q("limit", "1"), auth: authBearer, credential: forgedExpired(bearer(t))})
	expectUnauthorized(t, ex, "a request with an expired token")
}

func checkBadAPIKey(t *checkRun) {
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 40)
	rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	ex := t.do(request{method: http.MethodGet, path: "/api/users", query: q("limit", "1"), auth: authAPIKey, credential: string(b)})
	expectUnauthorized(t, ex, "a request with an unknown API key")
}

func checkReadScope(t *checkRun, update bool) {
	if t.r.s.ClientID == "" {
		t.skip("needs client credentials, to get a token with core.user.read only")
	}
	rule := "a token without core.user.write cannot write"
	deny := func(ex *exchange) bool {
		if ex.status != http.StatusUnauthorized && ex.status != http.StatusForbidden {
			t.fail(ex, rule+" (401 or 403)", "#/components/responses/Forbidden", "%s %s with a read-only token answered %d", ex.method, ex.url.Path, ex.status)
			return false
		}
		return true
	}
	if update {
		writeDenied(t, authRead, "", rule, deny)
		return
	}
	ex := t.do(request{method: http.MethodPost, path: "/api/users", body: t.env.requiredBody("readscope"), bodySchema: "UserCreate", auth: authRead})
	t.env.noteCreated(t, ex)
	deny(ex)
}

// oauthError checks an RFC 6749 §5.2 error answer.
func oauthError(t *checkRun, ex *exchange, statuses []int, code, rule string) {
	okStatus := false
	for _, s := range statuses {
		okStatus = okStatus || ex.status == s
	}
	body, _ := ex.value.(map[string]any)
	switch {
	case !okStatus:
		t.fail(ex, rule, refToken+"/responses", "the token endpoint answered %d, want %v", ex.status, statuses)
	case body["error"] != code:
		t.fail(ex, rule, "#/components/schemas/OAuthError", "the error is %s, want %q", compact(body["error"], 100), code)
	}
}

func checkTokenBadClient(t *checkRun) {
	id := t.r.s.ClientID
	if id == "" {
		id = "ct-unknown-client"
	}
	r := tokenRequest(t.r.s, id, "ct-wrong-secret-"+randomB64(12), []string{scopeRead})
	// Coupa answers 400 whatever the cause (baton-coupa notes it); RFC 6749 §5.2 allows 401 too.
	oauthError(t, t.do(r), []int{http.StatusBadRequest, http.StatusUnauthorized}, "invalid_client",
		"bad client credentials answer 400 (Coupa) or 401 (RFC 6749 §5.2) with {\"error\": \"invalid_client\"}")
}

func checkTokenUnknownScope(t *checkRun) {
	if t.r.s.ClientID == "" {
		t.skip("needs client credentials")
	}
	r := tokenRequest(t.r.s, t.r.s.ClientID, t.r.s.ClientSecret, []string{"core.user.ct-unknown"})
	oauthError(t, t.do(r), []int{http.StatusBadRequest}, "invalid_scope",
		"an unknown scope answers 400 with {\"error\": \"invalid_scope\"} (RFC 6749 §5.2)")
}

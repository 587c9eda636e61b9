package e2e_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/contract"
	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/spec"
)

// A variant is the fake broken in one way a real implementation might be, as middleware around it, and the checks
// that must catch it.
type variant struct {
	name   string
	broken string // what is wrong, in words
	wrap   func(f *fake.Fake, next http.Handler) http.Handler
	// catch are the checks that must fail.
	catch []string
	// tune, when set, adjusts the suite's configuration (to name what the variant's fake defines).
	tune func(cfg *contract.Config)
	// xml marks a variant broken in XML only; the others are caught in JSON, where they are broken too, and the
	// checks' logic is the same in both formats (one format halves the test's time under -race).
	xml bool
}

var showPath = regexp.MustCompile(`^/api/users/(\d+)$`)

// editUsers applies fn to every user of a JSON body (a list or one user; error bodies are left alone).
func editUsers(body []byte, fn func(u map[string]any)) []byte {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return body
	}
	switch x := v.(type) {
	case []any:
		for _, item := range x {
			if m, ok := item.(map[string]any); ok {
				fn(m)
			}
		}
	case map[string]any:
		if _, isErr := x["errors"]; isErr {
			return body
		}
		fn(x)
	}
	out, _ := json.Marshal(v)
	return out
}

// onUsers rewrites the user bodies of API responses: JSON through fn, XML through xml.
func onUsers(next http.Handler, fn func(u map[string]any), xml func([]byte) []byte) http.Handler {
	return rewrite(next, func(r *http.Request, status int, h http.Header, body []byte) (int, []byte) {
		if !strings.HasPrefix(r.URL.Path, "/api/users") {
			return status, body
		}
		if isXML(h, body) {
			return status, xml(body)
		}
		return status, editUsers(body, fn)
	})
}

// editQuery rewrites the query of index requests.
func editQuery(next http.Handler, fn func(q map[string][]string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/users" && r.Method == http.MethodGet {
			q := r.URL.Query()
			fn(q)
			r.URL.RawQuery = q.Encode()
		}
		next.ServeHTTP(w, r)
	})
}

// editBody rewrites the body of writes.
func editBody(next http.Handler, fn func(r *http.Request, body []byte) []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
			body, _ := io.ReadAll(r.Body)
			body = fn(r, body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		next.ServeHTTP(w, r)
	})
}

// cutToMaxLength cuts every string of a JSON or XML user body to its element's maximum length.
func cutToMaxLength(sp *spec.Spec, body []byte) []byte {
	for _, e := range sp.Elements {
		if e.MaxLength == 0 || e.Kind != spec.KindString {
			continue
		}
		cut := func(s string) string {
			if rs := []rune(s); len(rs) > e.MaxLength {
				return string(rs[:e.MaxLength])
			}
			return s
		}
		body = xmlTag(e.Name).ReplaceAllFunc(body, func(m []byte) []byte {
			inner := xmlTag(e.Name).FindSubmatch(m)[1]
			return []byte("<" + e.Name + ">" + cut(string(inner)) + "</" + e.Name + ">")
		})
	}
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	for _, e := range sp.Elements {
		if s, ok := m[e.Name].(string); ok && e.MaxLength > 0 && len([]rune(s)) > e.MaxLength {
			m[e.Name] = string([]rune(s)[:e.MaxLength])
		}
	}
	out, _ := json.Marshal(m)
	return out
}

// deepBody500 answers 500 to a write whose body nests ten deep or more, as a server whose parser recurses might.
func deepBody500(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			body, _ := io.ReadAll(r.Body)
			if bytes.Contains(body, []byte(strings.Repeat("[", 10))) || bytes.Contains(body, []byte(strings.Repeat("<role>", 10))) {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		next.ServeHTTP(w, r)
	})
}

// firstEnumElement is the first input element with allowed values, which the enum checks cover.
func firstEnumElement(sp *spec.Spec) string {
	for _, e := range sp.Elements {
		if e.In && len(e.Enum) > 0 {
			return e.Name
		}
	}
	return ""
}

// xmlTag matches an element with text content, by name.
func xmlTag(name string) *regexp.Regexp {
	return regexp.MustCompile(`<` + regexp.QuoteMeta(name) + `>([^<]*)</` + regexp.QuoteMeta(name) + `>`)
}

// scopeOf reads the scope claim of a JWT bearer token.
func scopeOf(authz string) (string, bool) {
	tok, ok := strings.CutPrefix(authz, "Bearer ")
	parts := strings.Split(tok, ".")
	if !ok || len(parts) != 3 {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", false
	}
	var claims struct{ Scope string }
	if json.Unmarshal(raw, &claims) != nil {
		return "", false
	}
	return claims.Scope, true
}

func variants() []variant {
	sp := spec.MustLoad()
	return []variant{
		{
			name: "underscore-key", broken: "responses spell purchasing-user as purchasing_user",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return onUsers(next, func(u map[string]any) {
					if v, ok := u["purchasing-user"]; ok {
						delete(u, "purchasing-user")
						u["purchasing_user"] = v
					}
				}, func(b []byte) []byte {
					return bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("<purchasing-user"), []byte("<purchasing_user")), []byte("</purchasing-user>"), []byte("</purchasing_user>"))
				})
			},
			catch: []string{"conformance/key-spelling"},
		},
		{
			name: "id-as-string", broken: "the user's id is a string",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return onUsers(next, func(u map[string]any) {
					if id, ok := u["id"].(float64); ok {
						u["id"] = strconv.FormatFloat(id, 'f', -1, 64)
					}
				}, func(b []byte) []byte {
					return bytes.ReplaceAll(b, []byte(`<id type="integer">`), []byte(`<id type="string">`))
				})
			},
			catch: []string{"conformance/responses"},
		},
		{
			name: "login-dropped", broken: "responses leave out login, a required element",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				re := regexp.MustCompile(`(?m)^\s*<login>[^<]*</login>\n`)
				return onUsers(next, func(u map[string]any) { delete(u, "login") }, func(b []byte) []byte { return re.ReplaceAll(b, nil) })
			},
			catch: []string{"conformance/responses"},
		},
		{
			name: "limit-ignored", broken: "index ignores limit",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return editQuery(next, func(q map[string][]string) { delete(q, "limit") })
			},
			catch: []string{"reading/paging/limit"},
		},
		{
			name: "offset-ignored", broken: "index ignores offset",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return editQuery(next, func(q map[string][]string) { delete(q, "offset") })
			},
			catch: []string{"reading/paging/offset", "reading/paging/walk"},
		},
		{
			name: "descending", broken: "index returns its pages in descending id",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return editQuery(next, func(q map[string][]string) { q["order_by"], q["dir"] = []string{"id"}, []string{"desc"} })
			},
			catch: []string{"reading/paging/default-limit", "reading/paging/walk"},
		},
		{
			name: "contains-as-starts-with", broken: "the contains operator does starts_with",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return editQuery(next, func(q map[string][]string) {
					for k, v := range q {
						if strings.HasSuffix(k, "[contains]") {
							delete(q, k)
							q[strings.TrimSuffix(k, "[contains]")+"[starts_with]"] = v
						}
					}
				})
			},
			catch: []string{"reading/operators/string/contains"},
		},
		{
			name: "status-ignored", broken: "index ignores status=active",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return editQuery(next, func(q map[string][]string) { delete(q, "status") })
			},
			catch: []string{"reading/status-active"},
		},
		{
			name: "updates-not-persisted", broken: "update answers 200 with the user as it was, and stores nothing",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodPut {
						get := r.Clone(r.Context())
						get.Method, get.Body, get.ContentLength = http.MethodGet, http.NoBody, 0
						next.ServeHTTP(w, get)
						return
					}
					next.ServeHTTP(w, r)
				})
			},
			catch: []string{"writing/update/partial", "writing/round-trip/update"},
		},
		{
			name: "duplicates-accepted", broken: "a create that repeats a unique value succeeds (the duplicate quietly renamed)",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method != http.MethodPost || r.URL.Path != "/api/users" {
						next.ServeHTTP(w, r)
						return
					}
					body, _ := io.ReadAll(r.Body)
					rec := httptest.NewRecorder()
					first := r.Clone(r.Context())
					first.Body = io.NopCloser(bytes.NewReader(body))
					next.ServeHTTP(rec, first)
					if !strings.Contains(rec.Body.String(), "has already been taken") {
						for k, v := range rec.Header() {
							w.Header()[k] = v
						}
						w.WriteHeader(rec.Code)
						w.Write(rec.Body.Bytes())
						return
					}
					for _, name := range []string{"login", "employee-number", "mention-name"} {
						body = xmlTag(name).ReplaceAll(body, []byte("<"+name+">$1-dup</"+name+">"))
						body = regexp.MustCompile(`("`+name+`":\s*"[^"]*)"`).ReplaceAll(body, []byte(`$1-dup"`))
					}
					body = regexp.MustCompile(`@example\.com`).ReplaceAll(body, []byte("-dup@example.com"))
					r.Body = io.NopCloser(bytes.NewReader(body))
					r.ContentLength = int64(len(body))
					next.ServeHTTP(w, r)
				})
			},
			catch: []string{"writing/unique/login", "writing/unique/email", "writing/unique/employee-number", "writing/unique/mention-name"},
		},
		{
			name: "too-long-truncated", broken: "strings over their maximum length are cut short instead of refused",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return editBody(next, func(r *http.Request, body []byte) []byte { return cutToMaxLength(sp, body) })
			},
			catch: []string{"writing/max-length/firstname", "writing/max-length/lastname", "writing/max-length/login"},
		},
		{
			name: "500-on-deep-body", broken: "a body nested ten deep or more answers 500",
			wrap:  func(_ *fake.Fake, next http.Handler) http.Handler { return deepBody500(next) },
			catch: []string{"robustness/generated"},
			tune:  func(cfg *contract.Config) { cfg.Generate, cfg.Seed = 300, 1 },
		},
		{
			name: "too-long-on-create", broken: "a create cuts over-long strings short; an update refuses them",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return editBody(next, func(r *http.Request, body []byte) []byte {
					if r.Method != http.MethodPost {
						return body
					}
					return cutToMaxLength(sp, body)
				})
			},
			catch: []string{"writing/max-length/firstname", "writing/max-length/lastname"},
		},
		{
			name: "one-message-for-all", broken: "every refused write answers \"Login has already been taken\"",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return rewrite(next, func(r *http.Request, status int, h http.Header, body []byte) (int, []byte) {
					if r.Method == http.MethodGet || status != http.StatusBadRequest || !strings.HasPrefix(r.URL.Path, "/api/users") {
						return status, body
					}
					if isXML(h, body) {
						return status, []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<errors>\n  <error>Login has already been taken</error>\n</errors>\n")
					}
					return status, []byte(`{"errors":{"user":["Login has already been taken"],"warnings":null}}`)
				})
			},
			catch: []string{"writing/required/email", "writing/required/firstname", "writing/max-length/lastname",
				"writing/enum/" + firstEnumElement(sp), "writing/unique/email"},
		},
		{
			name: "required-not-enforced", broken: "a create without email gets a made-up one (JSON)",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return editBody(next, func(r *http.Request, body []byte) []byte {
					var m map[string]any
					if r.Method != http.MethodPost || json.Unmarshal(body, &m) != nil || m["email"] != nil {
						return body
					}
					m["email"] = fmt.Sprint(m["login"]) + "@made-up.example"
					out, _ := json.Marshal(m)
					return out
				})
			},
			catch: []string{"writing/required/email"},
		},
		{
			name: "show-without-auth", broken: "show serves requests without credentials (a token is injected on that route)",
			wrap: func(f *fake.Fake, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if showPath.MatchString(r.URL.Path) && r.Method == http.MethodGet &&
						r.Header.Get("Authorization") == "" && r.Header.Get("X-COUPA-API-KEY") == "" {
						tok, _ := f.Token()
						r.Header.Set("Authorization", "Bearer "+tok)
					}
					next.ServeHTTP(w, r)
				})
			},
			catch: []string{"security/no-credentials/show"},
		},
		{
			name: "read-scope-writes", broken: "a token with core.user.read only may create and update (upgraded)",
			wrap: func(f *fake.Fake, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if scope, ok := scopeOf(r.Header.Get("Authorization")); ok && (r.Method == http.MethodPost || r.Method == http.MethodPut) &&
						strings.HasPrefix(r.URL.Path, "/api/") && !strings.Contains(scope, "core.user.write") {
						tok, _ := f.Token()
						r.Header.Set("Authorization", "Bearer "+tok)
					}
					next.ServeHTTP(w, r)
				})
			},
			catch: []string{"security/read-scope/create", "security/read-scope/update"},
		},
		{
			name: "token-errors-not-rfc", broken: "the token endpoint refuses with {\"message\": ...} instead of RFC 6749 errors",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return rewrite(next, func(r *http.Request, status int, h http.Header, body []byte) (int, []byte) {
					if r.URL.Path == "/oauth2/token" && status != http.StatusOK {
						return http.StatusUnauthorized, []byte(`{"message":"Access denied"}`)
					}
					return status, body
				})
			},
			catch: []string{"security/token/bad-client", "security/token/unknown-scope"},
		},
		{
			name: "wrong-content-type", broken: "JSON responses say Content-Type: text/plain",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return rewrite(next, func(r *http.Request, status int, h http.Header, body []byte) (int, []byte) {
					if strings.HasPrefix(r.URL.Path, "/api/") && strings.HasPrefix(h.Get("Content-Type"), "application/json") {
						h.Set("Content-Type", "text/plain; charset=utf-8")
					}
					return status, body
				})
			},
			catch: []string{"conformance/content-type", "conformance/responses"},
		},
		{
			name: "untyped-xml", broken: "XML leaves carry no type attributes",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				re := regexp.MustCompile(` type="(integer|boolean|dateTime|decimal|symbol)"`)
				return onUsers(next, func(map[string]any) {}, func(b []byte) []byte { return re.ReplaceAll(b, nil) })
			},
			catch: []string{"conformance/xml-types"}, xml: true,
		},
		{
			name: "show-other-user", broken: "show returns the next user",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if m := showPath.FindStringSubmatch(r.URL.Path); m != nil && r.Method == http.MethodGet {
						id, _ := strconv.Atoi(m[1])
						r.URL.Path = "/api/users/" + strconv.Itoa(id+1)
					}
					next.ServeHTTP(w, r)
				})
			},
			catch: []string{"reading/show/matches-index"},
		},
		{
			name: "xml-no-match-200", broken: "an XML index that matches nothing answers 200 <users/> instead of 404",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return rewrite(next, func(r *http.Request, status int, h http.Header, body []byte) (int, []byte) {
					if r.URL.Path == "/api/users" && status == http.StatusNotFound && isXML(h, body) {
						return http.StatusOK, []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<users type=\"array\"/>\n")
					}
					return status, body
				})
			},
			catch: []string{"reading/no-match"}, xml: true,
		},
		{
			name: "malformed-json-500", broken: "a malformed JSON body crashes the server (500)",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodPost || r.Method == http.MethodPut {
						body, _ := io.ReadAll(r.Body)
						if strings.Contains(r.Header.Get("Content-Type"), "json") && !json.Valid(body) {
							w.Header().Set("Content-Type", "application/json")
							w.WriteHeader(http.StatusInternalServerError)
							w.Write([]byte(`{"errors":{"base":["Internal Server Error"]}}`))
							return
						}
						r.Body = io.NopCloser(bytes.NewReader(body))
					}
					next.ServeHTTP(w, r)
				})
			},
			catch: []string{"robustness/malformed-body"},
		},
		{
			name: "negative-limit-500", broken: "a negative limit crashes the server (500)",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n < 0 {
						w.WriteHeader(http.StatusInternalServerError)
						return
					}
					next.ServeHTTP(w, r)
				})
			},
			catch: []string{"robustness/absurd-paging"},
		},
		{
			name: "delete-accepted", broken: "DELETE /api/users/:id answers 204",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodDelete {
						w.WriteHeader(http.StatusNoContent)
						return
					}
					next.ServeHTTP(w, r)
				})
			},
			catch: []string{"writing/no-delete"},
		},
		{
			name: "strict-ids", broken: "an id that is not all digits is 404 (Rails reads the leading digits)",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				digits := regexp.MustCompile(`^/api/users/\d+(\.(json|xml))?$`)
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if strings.HasPrefix(r.URL.EscapedPath(), "/api/users/") && !digits.MatchString(r.URL.EscapedPath()) {
						w.Header().Set("Content-Type", "application/json")
						w.WriteHeader(http.StatusNotFound)
						w.Write([]byte(`{"errors":{"user":["Couldn't find User"],"warnings":null}}`))
						return
					}
					next.ServeHTTP(w, r)
				})
			},
			catch: []string{"reading/show/escaped-query"},
		},
		{
			name: "filter-shifts-users", broken: "index with a response filter skips the first user",
			wrap: func(f *fake.Fake, next http.Handler) http.Handler {
				if _, err := f.SetResponseFilter("ct-logins", `["id","login"]`); err != nil {
					panic(err)
				}
				return editQuery(next, func(q map[string][]string) {
					if len(q["filter"]) > 0 {
						q["offset"] = []string{"1"}
					}
				})
			},
			tune:  func(cfg *contract.Config) { cfg.ResponseFilter = "ct-logins" },
			catch: []string{"reading/response-filter/named"},
		},
		{
			name: "unknown-filter-500", broken: "an unknown response filter name answers 500",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if strings.TrimSpace(r.URL.Query().Get("filter")) != "" {
						w.Header().Set("Content-Type", "application/json")
						w.WriteHeader(http.StatusInternalServerError)
						w.Write([]byte(`{"errors":{"base":["undefined method 'fields' for nil"],"warnings":null}}`))
						return
					}
					next.ServeHTTP(w, r)
				})
			},
			catch: []string{"robustness/unknown-response-filter"},
		},
		{
			name: "graphql-ignores-query", broken: "GraphQL's users(query:) ignores the id[gt] of its query",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				gt := regexp.MustCompile(`id\[gt\]=\d+`)
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == spec.GraphQLPath && r.Body != nil {
						data, _ := io.ReadAll(r.Body)
						data = gt.ReplaceAll(data, []byte("id[gt]=0"))
						r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(data)), int64(len(data))
					}
					next.ServeHTTP(w, r)
				})
			},
			catch: []string{"reading/graphql/users"},
		},
		{
			name: "business-group-add-ignored", broken: "adding a user to a business group answers 200 and changes nothing",
			wrap: func(_ *fake.Fake, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/business_groups") && strings.HasSuffix(r.URL.Path, "/add") {
						list := httptest.NewRequest(http.MethodGet, r.URL.Path[:strings.Index(r.URL.Path, "/business_groups")+len("/business_groups")], nil)
						list.Header = r.Header.Clone()
						next.ServeHTTP(w, list)
						return
					}
					next.ServeHTTP(w, r)
				})
			},
			catch: []string{"writing/business-groups"},
		},
		{
			name: "wrong-type-stored", broken: "an update stores a string sent for a boolean as the string",
			wrap: func(f *fake.Fake, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					key, ok := wrongTyped(r, "ct-not-a-boolean")
					if !ok {
						next.ServeHTTP(w, r)
						return
					}
					show := httptest.NewRequest(http.MethodGet, r.URL.Path, nil)
					show.Header = r.Header.Clone()
					rec := httptest.NewRecorder()
					next.ServeHTTP(rec, show)
					w.Header().Set("Content-Type", "application/json")
					w.Write(editUsers(rec.Body.Bytes(), func(u map[string]any) { u[key] = "ct-not-a-boolean" }))
				})
			},
			catch: []string{"robustness/wrong-types"},
		},
	}
}

// wrongTyped reads a JSON update and reports the element it sends the value for, leaving the body readable.
func wrongTyped(r *http.Request, value string) (string, bool) {
	if r.Method != http.MethodPut || r.Body == nil {
		return "", false
	}
	data, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(data))
	var body map[string]any
	if json.Unmarshal(data, &body) != nil {
		return "", false
	}
	for k, v := range body {
		if v == value {
			return k, true
		}
	}
	return "", false
}

// TestVariantsAreCaught runs the checks named for each broken variant of the fake, in the one format it is checked
// in, and requires each to fail. With CONTRACT_FULL_VARIANTS=1 every variant runs the whole suite in both formats
// instead (slower), and the test logs every check that failed.
func TestVariantsAreCaught(t *testing.T) {
	t.Parallel()
	vs := variants()
	if len(vs) < 15 {
		t.Fatalf("only %d variants", len(vs))
	}
	full := os.Getenv("CONTRACT_FULL_VARIANTS") == "1"
	for _, v := range vs {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			cfg := config(v.wrap(f, f))
			if v.tune != nil {
				v.tune(&cfg)
			}
			if !full {
				cfg.Only = v.catch
				cfg.Formats = []contract.Format{contract.FormatJSON}
				if v.xml {
					cfg.Formats = []contract.Format{contract.FormatXML}
				}
			}
			rep, err := contract.Run(t.Context(), cfg)
			if err != nil {
				t.Fatalf("%s: the suite could not run: %v", v.broken, err)
			}
			var failed []string
			for _, c := range rep.Failed() {
				failed = append(failed, c.Name)
			}
			for _, name := range v.catch {
				if !slices.Contains(failed, name) {
					c := rep.Check(name)
					verdict := "missing"
					if c != nil {
						verdict = string(c.Verdict)
					}
					t.Errorf("%s: check %s did not fail (%s)", v.broken, name, verdict)
				}
			}
			t.Logf("%s: caught by %s", v.broken, strings.Join(failed, ", "))
		})
	}
}

// staticMock answers every users read with one user, whatever the query, as Prism's static mock answers with the
// spec's one example: a filter "works" against it only if the suite does not make it discriminate.
func staticMock(f *fake.Fake) http.Handler {
	tok, _ := f.Token()
	one := func(accept string) []byte {
		r := httptest.NewRequest(http.MethodGet, "/api/users/1", nil)
		r.Header.Set("Accept", accept)
		r.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, r)
		return rec.Body.Bytes()
	}
	return rewrite(f, func(r *http.Request, status int, h http.Header, body []byte) (int, []byte) {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/api/users") {
			return status, body
		}
		if isXML(h, body) || strings.Contains(r.Header.Get("Accept"), "xml") {
			user := one("application/xml")
			if showPath.MatchString(r.URL.Path) {
				return http.StatusOK, user
			}
			inner := strings.TrimPrefix(string(user), `<?xml version="1.0" encoding="UTF-8"?>`)
			return http.StatusOK, []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<users type=\"array\">" + inner + "</users>\n")
		}
		user := one("application/json")
		if showPath.MatchString(r.URL.Path) {
			return http.StatusOK, user
		}
		return http.StatusOK, append(append([]byte("["), user...), ']')
	})
}

// Against a static mock (one user whatever is asked, as Prism's static mock answers with the spec's example) no
// reading check passes: each either fails or says why the data cannot discriminate.
func TestStaticMockPassesNoReadingCheck(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	cfg := config(staticMock(f))
	cfg.ReadOnly = true
	cfg.Only = []string{"reading"}
	rep, err := contract.Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Checks {
		if c.Verdict == contract.Pass {
			t.Errorf("%s passes against a mock that ignores what it is asked", c.Name)
		}
	}
	if rep.Summary.Failed == 0 || len(rep.Checks) < 100 {
		t.Errorf("%d reading checks, %d failed: want the mock caught", len(rep.Checks), rep.Summary.Failed)
	}
}

// A generated case that fails is shrunk to the smallest that still fails, and comes with a curl command.
func TestGeneratedFailureIsShrunkWithAReproducer(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	cfg := config(deepBody500(f))
	cfg.Only, cfg.Generate, cfg.Seed, cfg.Formats = []string{"robustness/generated"}, 300, 1, []contract.Format{contract.FormatJSON}
	rep, err := contract.Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Check("robustness/generated")
	if c == nil || c.Verdict != contract.Fail {
		t.Fatalf("robustness/generated: %+v", c)
	}
	fail := c.Runs[0].Failures[0]
	if !strings.Contains(fail.Message, "status 500 (size 9)") || !strings.Contains(fail.Message, "replay: curl -sS -X PUT") ||
		!strings.Contains(fail.Message, `--data-binary '{"roles":[[[[[[[[[[]]]]]]]]]]}'`) {
		t.Errorf("want the case shrunk to depth 10 with a curl command:\n%s", fail.Message)
	}
}

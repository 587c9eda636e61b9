// Package e2e_test runs the contract suite against the fake: the clean fake must pass every check, in both formats,
// in write and read-only mode, and each deliberately broken variant of it must fail the checks named for it. It is
// the only place where package fake and package contract meet (they never import each other).
package e2e_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/coupa-kit/coupa-users/contract"
	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fake/auth"
	"github.com/coupa-kit/coupa-users/spec"
)

// newFake builds an in-process fake with 50 generated users.
func newFake(t testing.TB) *fake.Fake {
	t.Helper()
	f, err := fake.New(fake.Options{Users: 50, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// config is a write-mode configuration with the fake's full client, no rate limit, and a paging walk bounded at 250
// users: the fakes here hold about 200 users at most (with what a run creates), so the walk still reads all of them,
// and a variant whose paging never ends (offset ignored) is not read 2000 users deep, in both formats, to be caught.
func config(h http.Handler) contract.Config {
	return contract.Config{Handler: h, ClientID: auth.DefaultClientID, ClientSecret: auth.DefaultClientSecret, Rate: -1,
		MaxWalk: 250}
}

// rewrite serves a request through next and lets edit change the recorded response before it goes out.
func rewrite(next http.Handler, edit func(r *http.Request, status int, h http.Header, body []byte) (int, []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		status, body := edit(r, rec.Code, rec.Header(), rec.Body.Bytes())
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		w.Write(body)
	})
}

// isXML reports whether a response is XML.
func isXML(h http.Header, body []byte) bool {
	return bytes.HasPrefix(bytes.TrimSpace(body), []byte("<"))
}

// methodCounter counts the requests a handler serves, by method and path.
type methodCounter struct {
	mu   sync.Mutex
	seen map[string]int // "GET", "PUT", "POST /oauth2/token"... → count
	next http.Handler
}

func (c *methodCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	if c.seen == nil {
		c.seen = map[string]int{}
	}
	key := r.Method
	if r.URL.Path == "/oauth2/token" || r.URL.Path == spec.GraphQLPath {
		key += " " + r.URL.Path
	}
	if r.URL.Path == spec.GraphQLPath && r.Body != nil {
		// Read-only mode's GraphQL requests are queries: a mutation is counted apart, to be refused.
		data, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(data))
		if bytes.Contains(data, []byte("mutation")) {
			key += " mutation"
		}
	}
	c.seen[key]++
	c.mu.Unlock()
	c.next.ServeHTTP(w, r)
}

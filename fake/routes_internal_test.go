package fake

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/gorilla/mux"

	"github.com/coupa-kit/coupa-users/internal/fuzzcount"
)

// FuzzShowPath checks showPath against gorilla/mux itself, given the show route as routes registers it: routeShow
// answers for the router on the paths showPath matches, so the two must agree on every path and its variables.
func FuzzShowPath(f *testing.F) {
	for _, p := range []string{"/api/users/5", "/api/users/5.json", "/api/users/5.xml", "/api/users/5.txt",
		"/api/users/.json", "/api/users/", "/api/users/5/addresses", "/api/users/5.json.json", "/api/users/5%3Fx",
		"/api/users.json", "/api/users/a.b", "/api/users/5.XML", "/api/users/%FF.xml", "/api/usersx/5", "/api/users/%2F"} {
		f.Add(p)
	}
	router := mux.NewRouter().UseEncodedPath()
	router.Handle(showRoute+formatSuffix, http.NotFoundHandler()).Methods(http.MethodGet)
	f.Fuzz(func(t *testing.T, p string) {
		fuzzcount.Inc()
		u, err := url.ParseRequestURI(p)
		if err != nil || u.RawQuery != "" || u.Host != "" {
			return // not a path a request can carry
		}
		escaped := u.EscapedPath()
		var m mux.RouteMatch
		routed := router.Match(&http.Request{Method: http.MethodGet, URL: u}, &m) && m.MatchErr == nil
		id, ext, ok := showPath(escaped)
		if ok != routed || ok && (id != m.Vars["id"] || ext != m.Vars["ext"]) {
			t.Errorf("showPath(%q) = %q, %q, %v; the router: %v %v", escaped, id, ext, ok, routed, m.Vars)
		}
	})
}

package fake

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// CORS lets web pages of the origins Options.CORSOrigins names call the Users API and the token endpoints from a
// browser (a single-page app under development against the fake). It is off by default, and never applies to the
// admin surface: a page must not be able to reset or read the fake's state, whatever the configuration.

// corsMethods and corsHeaders are what a preflight grants: the API's methods, and the headers its clients send.
const (
	corsMethods = "GET, HEAD, POST, PUT, PATCH"
	corsHeaders = "Accept, Authorization, Content-Type, X-COUPA-API-KEY, " + FaultHeader
	corsMaxAge  = "600" // seconds a browser may keep a preflight's answer
)

// corsOrigins is Options.CORSOrigins, checked: any is "*"; the others lower-cased, as browsers send them.
type corsOrigins struct {
	any     bool
	origins map[string]bool
}

func newCORSOrigins(list []string) (corsOrigins, error) {
	c := corsOrigins{origins: map[string]bool{}}
	for _, o := range list {
		o = strings.TrimSpace(o)
		if o == "*" {
			c.any = true
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			strings.TrimSuffix(u.Path, "/") != "" || u.RawQuery != "" || u.User != nil {
			return c, fmt.Errorf("CORS origin %q: want scheme://host[:port], such as http://localhost:3000, or *", o)
		}
		c.origins[strings.ToLower(u.Scheme+"://"+u.Host)] = true
	}
	return c, nil
}

// CheckCORSOrigins reports the first entry of Options.CORSOrigins that New would refuse.
func CheckCORSOrigins(origins []string) error {
	_, err := newCORSOrigins(origins)
	return err
}

// CORSOrigins returns the origins whose pages may call the API from a browser (Options.CORSOrigins).
func (f *Fake) CORSOrigins() []string { return slices.Clone(f.opts.CORSOrigins) }

func (c corsOrigins) enabled() bool { return c.any || len(c.origins) > 0 }

// allows reports whether the request's Origin is one the fake serves cross-origin.
func (c corsOrigins) allows(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	return origin != "" && (c.any || c.origins[strings.ToLower(origin)])
}

// corsPath reports whether CORS applies to the path: the Users API and the token endpoints, nothing else.
func corsPath(p string) bool {
	return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/oauth2/")
}

// cors answers preflights of allowed origins and marks the answers to their requests readable by their pages.
func (f *Fake) cors(next http.Handler) http.Handler {
	if !f.corsOrigins.enabled() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !corsPath(r.URL.EscapedPath()) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin") // the answer depends on it: caches must not give one origin's to another
		if !f.corsOrigins.allows(r) {
			next.ServeHTTP(w, r)
			return
		}
		allow := r.Header.Get("Origin")
		if f.corsOrigins.any {
			allow = "*" // no cookies are involved: credentials travel in Authorization, which * permits
		}
		h.Set("Access-Control-Allow-Origin", allow)
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", corsMethods)
			h.Set("Access-Control-Allow-Headers", corsHeaders)
			h.Set("Access-Control-Max-Age", corsMaxAge)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Expose-Headers", "WWW-Authenticate")
		next.ServeHTTP(w, r)
	})
}

package fake

import (
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/coupa-kit/coupa-users/internal/problem"
)

// The fake runs on developers' machines, next to their browsers. Any web page a browser opens can send requests to
// http://127.0.0.1:8080 without asking (no CORS preflight): GETs, and POSTs of forms and text/plain bodies. With
// DNS rebinding (a name of the page's site resolving to 127.0.0.1) it can even read the answers. The admin surface
// trusts loopback callers, so it refuses what only a browser on another site's behalf sends:
//
//   - a Host that names neither a loopback address, nor localhost, nor the address the request arrived at, nor one
//     of Options.AllowedHosts (DNS rebinding: the page's own name);
//   - an Origin other than the request's own (a page of another site, or of another port of localhost);
//   - Sec-Fetch-Site other than same-origin or none (the browser says the page is another site's);
//   - a write (any method but GET and HEAD) with neither a JSON Content-Type nor the AdminHeader: the bodies a page
//     may send without a preflight are forms and text, and it cannot add a header without one (which the fake never
//     grants).
//
// The token endpoints are called by servers with form bodies, so they keep working for every client without an
// Origin; only a request that a browser marks as another site's is refused.

// AdminHeader is the header a bodiless admin write (POST /_admin/reset, DELETE ...) carries instead of a JSON
// Content-Type, with any value: `X-Coupa-Users-Admin: 1`. A web page of another site cannot send it without a CORS
// preflight, which the fake never grants.
const AdminHeader = "X-Coupa-Users-Admin"

// crossSite returns why a browser marks the request as sent by a page of another origin, or "" when it does not.
func crossSite(r *http.Request) string {
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "", "same-origin", "none":
	default:
		return "the browser marks it Sec-Fetch-Site: " + site
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return ""
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || !strings.EqualFold(hostPort(u.Scheme, u.Host), hostPort(u.Scheme, r.Host)) {
		return "its Origin " + shortQuote(origin) + " is not this server's"
	}
	return ""
}

// hostPort spells host[:port] with the scheme's default port, so that http://localhost and localhost:80 compare equal.
func hostPort(scheme, host string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	if scheme == "https" {
		return host + ":443"
	}
	return host + ":80"
}

// localHost reports whether the request's Host names this machine as a loopback caller reaches it, the address the
// connection arrived at, or one of the allowed hosts; an empty Host (HTTP/1.0) is allowed.
func (f *Fake) localHost(r *http.Request) bool {
	if r.Host == "" {
		return true
	}
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		host, port = r.Host, ""
	}
	host = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(host, "]"), "["), "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") { // RFC 6761: always loopback
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() {
			return true
		}
		// An address literal cannot be rebound: it is the address the client connected to.
		if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			if tcp, ok := la.(*net.TCPAddr); ok && tcp.IP.Equal(ip) {
				return true
			}
		}
	}
	for _, a := range f.opts.AllowedHosts {
		ah, ap, err := net.SplitHostPort(a)
		if err != nil {
			ah, ap = a, ""
		}
		if strings.EqualFold(strings.Trim(ah, "[]"), host) && (ap == "" || ap == port) {
			return true
		}
	}
	return false
}

// adminBrowserRefusal returns why an admin request looks sent by a web page on another site's behalf, or "".
// fromLoopback says whether the caller was admitted for its address rather than for the admin token: a page cannot
// know the token, so only loopback callers can be a rebound page, and only their Host is checked.
func (f *Fake) adminBrowserRefusal(r *http.Request, fromLoopback bool) string {
	if why := crossSite(r); why != "" {
		return "the admin surface refuses requests from web pages: " + why
	}
	if fromLoopback && !f.localHost(r) {
		return "the admin surface refuses the Host " + shortQuote(r.Host) +
			": use 127.0.0.1, [::1] or localhost, or allow the name with --allowed-hosts"
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !jsonContent(r) && r.Header.Get(AdminHeader) == "" {
		return "admin writes need Content-Type: application/json, or the header " + AdminHeader +
			": 1 when there is no body (a web page cannot send either without asking)"
	}
	return ""
}

// jsonContent reports whether the request's body is declared JSON.
func jsonContent(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// refuseCrossSite wraps the token endpoints: a token request a browser marks as another site's is refused with 403,
// in the endpoint's own OAuth error form, unless its Origin is one of Options.CORSOrigins; every other request, a
// server's form POST among them, passes.
func (f *Fake) refuseCrossSite(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if why := crossSite(r); why != "" && !f.corsOrigins.allows(r) {
			w.Header().Set("Cache-Control", "no-store")
			adminJSON(w, http.StatusForbidden, map[string]any{"error": "invalid_request",
				"error_description": "the token endpoint refuses requests from web pages of other sites: " + why})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func shortQuote(s string) string { return "'" + problem.Short(s) + "'" }

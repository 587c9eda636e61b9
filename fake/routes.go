package fake

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/coupa-kit/coupa-users/fake/auth"
	"github.com/coupa-kit/coupa-users/internal/problem"
)

// routes wires the Coupa API, the token endpoint, the spec, the health check and the admin surface.
func (f *Fake) routes() http.Handler {
	// Match the path as sent, escapes and all, as Rails routes do: an escaped "?" or "/" inside the id segment
	// (/api/users/5%3Ffields=...) stays in the segment, and userID reads the id from it.
	m := mux.NewRouter().UseEncodedPath()
	m.NotFoundHandler = http.HandlerFunc(f.notRouted)
	m.MethodNotAllowedHandler = http.HandlerFunc(f.notRouted)

	// Coupa's prose documentation names /oauth2/token; its R35–R39 Swagger names /oauth2/access_tokens as the
	// client-credentials tokenUrl. Clients use either, so both answer, identically.
	tokens := f.refuseCrossSite(f.auth.TokenHandler())
	m.Handle(TokenPath, tokens)
	m.Handle(AccessTokensPath, tokens)
	// The authorization-code flow and OpenID Connect's documents. The authorization endpoint is where a browser
	// is sent, so it is not closed to cross-site requests; it only ever redirects to a client's registered URIs.
	m.Handle(auth.AuthorizePath, f.auth.AuthorizeHandler()).Methods(http.MethodGet, http.MethodPost)
	m.Handle(auth.DiscoveryPath, f.auth.DiscoveryHandler()).Methods(http.MethodGet, http.MethodHead)
	m.Handle(auth.JWKSPath, f.auth.JWKSHandler()).Methods(http.MethodGet, http.MethodHead)
	m.HandleFunc("/openapi.yaml", f.serveSpecYAML).Methods(http.MethodGet, http.MethodHead)
	m.HandleFunc("/openapi.json", f.serveSpecJSON).Methods(http.MethodGet, http.MethodHead)
	m.HandleFunc("/healthz", f.health).Methods(http.MethodGet, http.MethodHead)
	f.adminRoutes(m.PathPrefix(AdminPrefix).Subrouter())

	const ext = formatSuffix
	m.Handle("/api/users"+ext, f.api(auth.ScopeRead, f.index)).Methods(http.MethodGet, http.MethodHead)
	m.Handle("/api/users"+ext, f.api(auth.ScopeWrite, f.create)).Methods(http.MethodPost)
	show := f.api(auth.ScopeRead, f.show)
	m.Handle(showRoute+ext, show).Methods(http.MethodGet, http.MethodHead)
	// Rails routes PATCH to update as well as PUT. There is no DELETE: Coupa deactivates users instead.
	m.Handle("/api/users/{id:[^/.]+}"+ext, f.api(auth.ScopeWrite, f.update)).Methods(http.MethodPut, http.MethodPatch)
	// Sub-resources of a user (Coupa's R39 Swagger): the avatar, the addresses, the business groups the user is in.
	sub := func(path, scope string, h http.HandlerFunc, methods ...string) {
		m.Handle(path, f.api(scope, h)).Methods(methods...)
	}
	f.avatarRoutes(sub)
	f.addressRoutes(sub)
	m.Handle("/api/users/{id:[^/.]+}/business_groups"+ext, f.api(auth.ScopeRead, f.businessGroups)).Methods(http.MethodGet, http.MethodHead)
	for action, remove := range map[string]bool{"add": false, "remove": true} {
		m.Handle("/api/users/{id:[^/.]+}/business_groups/"+action+ext, f.api(auth.ScopeWrite, f.changeBusinessGroups(remove))).Methods(http.MethodPut)
		m.Handle("/api/users/{id:[^/.]+}/business_groups/{group:[^/.]+}/"+action+ext, f.api(auth.ScopeWrite, f.changeBusinessGroups(remove))).Methods(http.MethodPut)
	}
	// GraphQL is read-only at Coupa ("only ... read scopes are supported"). Refusals before it runs (credentials,
	// scope, rate limit, faults) are the REST API's, in JSON: a GraphQL client reads JSON whatever its Accept.
	m.Handle(GraphQLPath, inJSON(f.api(auth.ScopeRead, f.serveGraphQL))).Methods(http.MethodPost)
	return f.journalRequests(f.logRequests(f.recoverPanics(f.cors(routeShow(m, show)))))
}

// Rails routes also take a format suffix (/api/users.json, /api/users/5.xml); real clients use it. showRoute is the
// path of a user, without it.
const (
	formatSuffix = `{ext:(?:\.(?:json|xml))?}`
	showRoute    = "/api/users/{id:[^/.]+}"
)

// routeShow sends GET and HEAD /api/users/{id}, with or without a format suffix, straight to show and everything
// else to the router. Show is the busiest route by far, and the router would try the regular expressions of the
// routes before it on every request; showPath matches what the router's route does (FuzzShowPath).
func routeShow(router, show http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if id, ext, ok := showPath(r.URL.EscapedPath()); ok {
				show.ServeHTTP(w, withCall(r, &call{routed: true, id: id, ext: ext}))
				return
			}
		}
		router.ServeHTTP(w, r)
	})
}

// showPath reads an escaped path as the show route does: /api/users/, an id of one or more bytes other than "/"
// and ".", and an optional .json or .xml.
func showPath(p string) (id, ext string, ok bool) {
	id, ok = strings.CutPrefix(p, "/api/users/")
	if !ok {
		return "", "", false
	}
	for _, e := range [...]string{".json", ".xml"} {
		if before, found := strings.CutSuffix(id, e); found {
			id, ext = before, e
			break
		}
	}
	if id == "" || strings.ContainsAny(id, "/.") {
		return "", "", false
	}
	return id, ext, true
}

// recoverPanics turns a panic into a 500 with Coupa's error body instead of a dropped connection, and logs it: a
// fake that hangs up is harder to debug than one that says it failed.
func (f *Fake) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				f.log.Error("panic serving a request", "method", r.Method, "path", r.URL.Path, "panic", v,
					"stack", string(debug.Stack()))
				f.fail(w, r, newError(http.StatusInternalServerError, problem.Internal))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type ctxKey int

const callKey ctxKey = 0

// call is what the fake learns about a request, kept in its context once (each value added to a request's context
// copies the request): the show route's variables when routeShow matched it, the negotiated format, and the
// principal once authenticated.
type call struct {
	routed    bool
	id, ext   string
	format    format
	formatSet bool
	principal auth.Principal
}

// routeVar is a variable of the request's route: routeShow's, or the router's.
func routeVar(r *http.Request, name string) string {
	if c := callOf(r); c != nil && c.routed {
		switch name {
		case "id":
			return c.id
		case "ext":
			return c.ext
		}
		return ""
	}
	return mux.Vars(r)[name]
}

func callOf(r *http.Request) *call {
	c, _ := r.Context().Value(callKey).(*call)
	return c
}

func withCall(r *http.Request, c *call) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), callKey, c))
}

// responseFormat is the format negotiated for this request: a format suffix wins over Accept.
func (f *Fake) responseFormat(r *http.Request) format {
	if c := callOf(r); c != nil && c.formatSet {
		return c.format
	}
	switch routeVar(r, "ext") {
	case ".json":
		return formatJSON
	case ".xml":
		return formatXML
	}
	return negotiate(r.Header.Get("Accept"), f.def)
}

// api wraps an API handler with the fault injectors (the request's own, FaultHeader, then the global ones), authentication and the rate limit, and requires scope.
func (f *Fake) api(scope string, h func(http.ResponseWriter, *http.Request)) http.Handler {
	// Without authentication every request acts as the first client; built once, as principals are immutable.
	anonymous := auth.NewPrincipal(firstClient(f.opts.Auth), auth.ViaOAuth2, auth.ScopeRead, auth.ScopeWrite)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := callOf(r)
		if c == nil {
			c = &call{}
			r = withCall(r, c)
		}
		if !c.formatSet {
			c.format, c.formatSet = f.responseFormat(r), true
		}
		ctx := r.Context()
		var rf requestFault
		if !f.opts.NoRequestFaults {
			var err error
			if rf, err = parseRequestFault(r.Header.Values(FaultHeader)); err != nil {
				f.fail(w, r, &apiError{status: http.StatusBadRequest, resource: "base",
					messages: []string{problem.BadRequestFault(err.Error())}})
				return
			}
		}
		delay, status := f.faults.before()
		sleep(ctx, delay+rf.delay)
		switch {
		case ctx.Err() != nil:
			return // the client is gone
		case rf.drop:
			dropConnection(w)
			return
		case rf.status != 0:
			f.fail(w, r, &apiError{status: rf.status, resource: "base", messages: []string{problem.RequestFault}})
			return
		}
		if status != 0 {
			f.fail(w, r, &apiError{status: status, resource: "base", messages: []string{problem.InjectedFault}})
			return
		}
		var p auth.Principal
		var err error
		if !f.opts.NoAuth {
			p, err = f.auth.Authenticate(r)
		} else {
			p = anonymous
		}
		// The limit counts each caller's requests, the authenticated client's (p.ClientID) or, for requests whose
		// credentials fail, one bucket they share (""), before the credentials are judged, as an edge limiter would.
		if ok, rate, burst := f.faults.allow(p.ClientID); !ok {
			// No Retry-After: Coupa sends none.
			f.fail(w, r, &apiError{status: http.StatusTooManyRequests, resource: "base",
				messages: []string{problem.RateLimited(rate, burst)}})
			return
		}
		if err == nil && !f.opts.NoAuth {
			err = auth.Authorize(p, scope)
		}
		if err != nil {
			e := &apiError{status: f.auth.StatusCode(err), resource: "base", messages: []string{authMessage(err)},
				header: http.Header{"Www-Authenticate": {auth.Challenge(err)}}}
			f.fail(w, r, e)
			return
		}
		c.principal = p
		h(w, r)
	})
}

// inJSON makes JSON the negotiated format of a request, whatever its Accept and the default format.
func inJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, withCall(r, &call{format: formatJSON, formatSet: true}))
	})
}

func authMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "auth: ")
	if msg == "" {
		return "Unauthorized"
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

func principal(r *http.Request) auth.Principal {
	if c := callOf(r); c != nil {
		return c.principal
	}
	return auth.Principal{}
}

// notRouted answers what Rails answers for a route it does not have, DELETE /api/users/:id among them.
func (f *Fake) notRouted(w http.ResponseWriter, r *http.Request) {
	f.fail(w, r, newError(http.StatusNotFound, problem.NoRoute(r.Method, r.URL.Path)))
}

// fail writes Coupa's error body in the negotiated format.
func (f *Fake) fail(w http.ResponseWriter, r *http.Request, e *apiError) {
	for k, v := range e.header {
		w.Header()[k] = v
	}
	ft := f.responseFormat(r)
	f.send(w, r, ft, e.status, errorBody(ft, f.opts.ErrorWarnings, e))
}

// send writes a body with its content type.
func (f *Fake) send(w http.ResponseWriter, r *http.Request, ft format, status int, body []byte) {
	f.sendHeader(w, ft, status, body)
	if r.Method != http.MethodHead && body != nil {
		w.Write(body)
	}
}

// sendHeader writes the status and the headers of an answer of body (nil: of unknown length).
func (f *Fake) sendHeader(w http.ResponseWriter, ft format, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", ft.contentType())
	if body != nil {
		h.Set("Content-Length", itoa(int64(len(body))))
	}
	w.WriteHeader(status)
}

// statusRecorder remembers the status for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

// Unwrap lets http.ResponseController reach the connection's writer (Hijack, Flush).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests logs one line per request at debug level, so a busy fake costs nothing when the level is higher.
func (f *Fake) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !f.log.Enabled(r.Context(), slog.LevelDebug) {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		f.log.Debug("request", "method", r.Method, "path", r.URL.RequestURI(), "status", rec.status,
			"duration", time.Since(start).Round(time.Microsecond))
	})
}

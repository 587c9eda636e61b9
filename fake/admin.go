package fake

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/internal/query"
)

// AdminPrefix is where the admin surface lives. It is not part of Coupa's API.
const AdminPrefix = "/_admin"

// MaxAdminBodyBytes bounds admin request bodies (fixture files and states can be large).
const MaxAdminBodyBytes = 256 << 20

func (f *Fake) adminRoutes(m *mux.Router) {
	m.Use(f.adminOnly)
	m.HandleFunc("", f.adminHome).Methods(http.MethodGet)
	m.HandleFunc("/", f.adminHome).Methods(http.MethodGet)
	f.consoleRoutes(m)
	m.HandleFunc("/reset", f.adminReset).Methods(http.MethodPost)
	m.HandleFunc("/users", f.adminLoadUsers).Methods(http.MethodPost)
	m.HandleFunc("/state", f.adminGetState).Methods(http.MethodGet)
	m.HandleFunc("/state", f.adminPutState).Methods(http.MethodPut)
	m.HandleFunc("/faults", f.adminGetFaults).Methods(http.MethodGet)
	m.HandleFunc("/faults", f.adminPutFaults).Methods(http.MethodPut)
	m.HandleFunc("/faults", f.adminDeleteFaults).Methods(http.MethodDelete)
	m.HandleFunc("/clock", f.adminGetClock).Methods(http.MethodGet)
	m.HandleFunc("/clock", f.adminPutClock).Methods(http.MethodPut)
	m.HandleFunc("/clock", f.adminDeleteClock).Methods(http.MethodDelete)
	m.HandleFunc("/clock/advance", f.adminAdvanceClock).Methods(http.MethodPost)
	m.HandleFunc("/tokens", f.adminToken).Methods(http.MethodPost)
	m.HandleFunc("/response-filters", f.adminGetFilters).Methods(http.MethodGet)
	m.HandleFunc("/response-filters", f.adminPutFilters).Methods(http.MethodPut)
	m.HandleFunc("/response-filters", f.adminDeleteFilters).Methods(http.MethodDelete)
	m.HandleFunc("/response-filters/{name}", f.adminGetFilter).Methods(http.MethodGet)
	m.HandleFunc("/response-filters/{name}", f.adminPutFilter).Methods(http.MethodPut)
	m.HandleFunc("/response-filters/{name}", f.adminDeleteFilter).Methods(http.MethodDelete)
	m.HandleFunc("/requests", f.adminGetRequests).Methods(http.MethodGet)
	m.HandleFunc("/requests", f.adminDeleteRequests).Methods(http.MethodDelete)
	m.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		adminJSON(w, http.StatusNotFound, map[string]any{"error": "no admin endpoint " + r.Method + " " + r.URL.Path})
	})
}

// adminOnly lets in loopback callers, and others only with the admin token: the admin surface can erase data. It
// also refuses what a web page on another site's behalf can send (adminBrowserRefusal): a loopback caller may be a
// browser.
func (f *Fake) adminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		byToken := false
		if f.opts.AdminToken != "" {
			scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
			// The scheme in any case, as the API reads it (RFC 9110 §11.1).
			byToken = strings.EqualFold(scheme, "Bearer") &&
				subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(f.opts.AdminToken)) == 1
		}
		if !byToken && !isLoopback(r.RemoteAddr) {
			adminJSON(w, http.StatusForbidden, map[string]any{"error": "the admin surface answers loopback callers, or callers with the admin token"})
			return
		}
		if why := f.adminBrowserRefusal(r, !byToken); why != "" {
			adminJSON(w, http.StatusForbidden, map[string]any{"error": why})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isLoopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func adminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func adminError(w http.ResponseWriter, status int, err error) {
	adminJSON(w, status, map[string]any{"error": err.Error()})
}

func decodeAdmin(r *http.Request, w http.ResponseWriter, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxAdminBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON body: %w", err)
	}
	return nil
}

func (f *Fake) adminIndex(w http.ResponseWriter, r *http.Request) {
	adminJSON(w, http.StatusOK, map[string]any{
		"writes": "POST, PUT and DELETE need Content-Type: application/json, or " + AdminHeader + ": 1 without a body",
		"endpoints": []string{
			"GET    " + ConsolePath + "          the console, a page for a browser (GET " + AdminPrefix + "/ with Accept: text/html goes there)",
			"POST   " + AdminPrefix + "/reset            back to the seeded users",
			"POST   " + AdminPrefix + "/users?mode=add   load fixture users (JSON array or {\"users\":[...]}); mode=replace drops the others",
			"GET    " + AdminPrefix + "/state            dump every user exactly (ids, timestamps, input-only values)",
			"PUT    " + AdminPrefix + "/state            restore a dump",
			"GET|PUT|DELETE " + AdminPrefix + "/faults   latency, jitter, error_rate, error_status, rate_limit, rate, burst (DELETE: back to the start)",
			"GET|PUT|DELETE " + AdminPrefix + "/clock    {\"now\":\"2026-01-01T00:00:00Z\",\"frozen\":true}",
			"POST   " + AdminPrefix + "/clock/advance    {\"by\":\"1h\"}",
			"POST   " + AdminPrefix + "/tokens           {\"client_id\":\"...\",\"scopes\":[\"core.user.read\"]} mints a token",
			"GET|PUT|DELETE " + AdminPrefix + "/response-filters          {\"ids-and-logins\":[\"id\",\"login\"]}: every named response filter (PUT replaces them all, DELETE: back to the start)",
			"GET|PUT|DELETE " + AdminPrefix + "/response-filters/{name}   one filter; PUT's body is its fields list, [\"id\",\"login\",{\"roles\":[\"name\"]}]",
			"GET|DELETE " + AdminPrefix + "/requests     the request journal, newest first: ?method=&path=&path_prefix=&status=4xx&since=RFC3339&limit=&order=oldest (DELETE clears it)",
		},
	})
}

// bulk runs an admin operation that changes many users at once. With a state file it runs alone and its result
// is made durable with one snapshot (a *NotDurableError, and the users as they were, when that fails).
func (f *Fake) bulk(ctx context.Context, op func(context.Context) error) error {
	if f.persist == nil {
		return op(ctx)
	}
	return f.persist.bulk(ctx, op)
}

// adminWriteError answers an admin write that failed with status, or 503 when it could not be made durable.
func adminWriteError(w http.ResponseWriter, status int, err error) {
	var nd *NotDurableError
	if errors.As(err, &nd) {
		status = http.StatusServiceUnavailable
	}
	adminError(w, status, err)
}

func (f *Fake) adminReset(w http.ResponseWriter, r *http.Request) {
	if err := f.Reset(r.Context()); err != nil {
		adminWriteError(w, http.StatusInternalServerError, err)
		return
	}
	n, _ := f.store.Len(r.Context())
	adminJSON(w, http.StatusOK, map[string]any{"reset": true, "users": n})
}

// Reset returns the users to the seeded state (generated users and fixtures given at start).
func (f *Fake) Reset(ctx context.Context) error {
	f.seedMu.Lock()
	seeded := f.seeded
	f.seedMu.Unlock()
	f.avatars.reset()
	return f.bulk(ctx, func(ctx context.Context) error { return f.store.Replace(ctx, seeded) })
}

func (f *Fake) adminLoadUsers(w http.ResponseWriter, r *http.Request) {
	mode := r.URL.Query().Get("mode")
	if mode == "" {
		mode = "add"
	}
	if mode != "add" && mode != "replace" {
		adminError(w, http.StatusBadRequest, fmt.Errorf("mode must be add or replace, not %q", mode))
		return
	}
	users, err := fixtures.ReadUsers(http.MaxBytesReader(w, r.Body, MaxAdminBodyBytes))
	if err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	if err := f.LoadUsers(r.Context(), users, mode == "replace"); err != nil {
		adminWriteError(w, http.StatusUnprocessableEntity, err)
		return
	}
	n, _ := f.store.Len(r.Context())
	adminJSON(w, http.StatusOK, map[string]any{"loaded": len(users), "users": n})
}

// LoadUsers adds fixture users (replace first drops every user but the API users). It is all or nothing: on an
// error the users are as they were.
func (f *Fake) LoadUsers(ctx context.Context, users []fixtures.User, replace bool) error {
	_, err := f.loadUsersDurably(ctx, users, replace)
	return err
}

// loadUsersDurably is LoadUsers, returning the created users' ids.
func (f *Fake) loadUsersDurably(ctx context.Context, users []fixtures.User, replace bool) (ids []int64, err error) {
	err = f.bulk(ctx, func(ctx context.Context) error {
		ids, err = f.loadUsersAtomically(ctx, users, replace)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

func (f *Fake) loadUsersAtomically(ctx context.Context, users []fixtures.User, replace bool) ([]int64, error) {
	before, err := f.store.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	if replace {
		var keep = before[:0:0]
		for _, r := range before {
			for _, id := range f.apiUsers {
				if r.ID == id {
					keep = append(keep, r)
				}
			}
		}
		if err := f.store.Replace(ctx, keep); err != nil {
			return nil, err
		}
	}
	ids, err := f.loadUsers(ctx, users)
	if err != nil {
		if rerr := f.store.Replace(ctx, before); rerr != nil {
			return nil, fmt.Errorf("%w (and restoring the previous users failed: %v)", err, rerr)
		}
		return nil, err
	}
	return ids, nil
}

func (f *Fake) adminGetState(w http.ResponseWriter, r *http.Request) {
	st, err := f.snapshotState(r.Context())
	if err != nil {
		adminError(w, http.StatusInternalServerError, err)
		return
	}
	adminJSON(w, http.StatusOK, st)
}

func (f *Fake) adminPutState(w http.ResponseWriter, r *http.Request) {
	var st State
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxAdminBodyBytes))
	if err := dec.Decode(&st); err != nil {
		adminError(w, http.StatusBadRequest, fmt.Errorf("invalid state: %w", err))
		return
	}
	if err := f.bulk(r.Context(), func(ctx context.Context) error { return f.restoreState(ctx, &st) }); err != nil {
		adminWriteError(w, http.StatusUnprocessableEntity, err)
		return
	}
	adminJSON(w, http.StatusOK, map[string]any{"restored": len(st.Users)})
}

func (f *Fake) adminGetFaults(w http.ResponseWriter, r *http.Request) {
	adminJSON(w, http.StatusOK, f.faults.get())
}

func (f *Fake) adminPutFaults(w http.ResponseWriter, r *http.Request) {
	var c FaultConfig
	if err := decodeAdmin(r, w, &c); err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	if err := f.faults.set(c); err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	adminJSON(w, http.StatusOK, f.faults.get())
}

// adminDeleteFaults returns to the faults the fake started with (none, or serve's --rate-limit): clearing what a
// test injected should not lift a limit the operator set.
func (f *Fake) adminDeleteFaults(w http.ResponseWriter, r *http.Request) {
	f.faults.reset()
	adminJSON(w, http.StatusOK, f.faults.get())
}

// SetFaults changes the injected faults (what PUT /_admin/faults does).
func (f *Fake) SetFaults(c FaultConfig) error { return f.faults.set(c) }

// Faults returns the injected faults with their defaults applied (what GET /_admin/faults answers).
func (f *Fake) Faults() FaultConfig { return f.faults.get() }

func (f *Fake) clockState() map[string]any {
	now, frozen, offset := f.clock.State()
	return map[string]any{"now": now.Format(time.RFC3339Nano), "frozen": frozen, "offset": offset.String()}
}

func (f *Fake) adminGetClock(w http.ResponseWriter, r *http.Request) {
	adminJSON(w, http.StatusOK, f.clockState())
}

func (f *Fake) adminPutClock(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Now    time.Time `json:"now"`
		Frozen bool      `json:"frozen"`
	}
	if err := decodeAdmin(r, w, &body); err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	if body.Now.IsZero() {
		adminError(w, http.StatusBadRequest, fmt.Errorf(`"now" is required (RFC 3339)`))
		return
	}
	if err := f.clock.SetWithin(body.Now, body.Frozen); err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	adminJSON(w, http.StatusOK, f.clockState())
}

func (f *Fake) adminDeleteClock(w http.ResponseWriter, r *http.Request) {
	f.clock.Reset()
	adminJSON(w, http.StatusOK, f.clockState())
}

func (f *Fake) adminAdvanceClock(w http.ResponseWriter, r *http.Request) {
	var body struct {
		By Duration `json:"by"`
	}
	if err := decodeAdmin(r, w, &body); err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	if err := f.clock.AdvanceWithin(time.Duration(body.By)); err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	adminJSON(w, http.StatusOK, f.clockState())
}

func (f *Fake) adminToken(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ClientID string   `json:"client_id"`
		Scopes   []string `json:"scopes"`
	}
	if err := decodeAdmin(r, w, &body); err != nil && !errors.Is(err, io.EOF) {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	if body.ClientID == "" {
		body.ClientID = firstClient(f.opts.Auth)
	}
	tok, err := f.auth.Issue(body.ClientID, body.Scopes...)
	if err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	adminJSON(w, http.StatusOK, tok)
}

func (f *Fake) adminGetFilters(w http.ResponseWriter, r *http.Request) {
	adminJSON(w, http.StatusOK, definitionsJSON(f.filters.load()))
}

func (f *Fake) adminPutFilters(w http.ResponseWriter, r *http.Request) {
	defs, err := ReadResponseFilters(http.MaxBytesReader(w, r.Body, MaxAdminBodyBytes))
	if err == nil {
		err = f.SetResponseFilters(defs)
	}
	if err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	adminJSON(w, http.StatusOK, definitionsJSON(f.filters.load()))
}

// adminDeleteFilters returns to the filters the fake started with (none, or --response-filters), as DELETE
// /_admin/faults does for faults: clearing what a test defined should not drop what the operator configured.
func (f *Fake) adminDeleteFilters(w http.ResponseWriter, r *http.Request) {
	f.ResetResponseFilters()
	adminJSON(w, http.StatusOK, definitionsJSON(f.filters.load()))
}

// filterName is the {name} of /_admin/response-filters/{name}, unescaped (routes match the escaped path).
func filterName(r *http.Request) (string, error) {
	name, err := url.PathUnescape(routeVar(r, "name"))
	if err != nil {
		return "", fmt.Errorf("the filter name in the path: %w", err)
	}
	return name, nil
}

func (f *Fake) adminGetFilter(w http.ResponseWriter, r *http.Request) {
	name, err := filterName(r)
	if err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	x, ok := f.filters.load().Lookup(name)
	if !ok {
		adminError(w, http.StatusNotFound, fmt.Errorf("no response filter %q", name))
		return
	}
	adminJSON(w, http.StatusOK, filterJSON{Name: x.Name, Fields: json.RawMessage(x.Definition)})
}

// adminPutFilter defines or replaces one filter: 201 when the name is new, 200 when it replaced one (ignoring case).
func (f *Fake) adminPutFilter(w http.ResponseWriter, r *http.Request) {
	name, err := filterName(r)
	if err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	def, err := readFilterBody(r.Body, query.MaxFilterBytes)
	if err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	x, replaced, err := f.setResponseFilter(name, string(def))
	if err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	status := http.StatusCreated
	if replaced {
		status = http.StatusOK
	}
	adminJSON(w, status, filterJSON{Name: x.Name, Fields: json.RawMessage(x.Definition)})
}

func (f *Fake) adminDeleteFilter(w http.ResponseWriter, r *http.Request) {
	name, err := filterName(r)
	if err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	if !f.DeleteResponseFilter(name) {
		adminError(w, http.StatusNotFound, fmt.Errorf("no response filter %q", name))
		return
	}
	adminJSON(w, http.StatusOK, definitionsJSON(f.filters.load()))
}

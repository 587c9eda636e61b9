package fake

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/coupa-kit/coupa-users/internal/store"
)

// The admin console is a read-only, server-rendered page for demo environments: it browses users through the
// fake's own query engine and renderer, and shows the journal, the faults and the clock. Its writes are made by its
// script with fetch() against the existing admin endpoints, carrying AdminHeader and JSON bodies, so the console
// adds no write path and keeps the admin surface's protections (see browser.go): a plain form POST, which any site
// can send, is still refused.

// ConsolePath is where the console lives; GET /_admin/ sends browsers there.
const ConsolePath = AdminPrefix + "/console"

// consoleCSP keeps the console to its own script and style, served from consoleFiles, and out of frames.
const consoleCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

const (
	// consolePageSize is a page of the users table when the query gives no limit.
	consolePageSize = 20
	// consoleJournalSize is how many journaled requests the console shows.
	consoleJournalSize = 25
)

//go:embed console/templates/*.html console/static/*
var consoleFiles embed.FS

// consoleTemplates are parsed once; a template set is not changed after parsing.
var consoleTemplates = template.Must(template.ParseFS(consoleFiles, "console/templates/*.html"))

func (f *Fake) consoleRoutes(m *mux.Router) {
	m.HandleFunc("/console", f.consoleHome).Methods(http.MethodGet)
	m.HandleFunc("/console/users/{id:[0-9]+}", f.consoleUser).Methods(http.MethodGet)
	m.HandleFunc("/console/static/{name}", serveConsoleStatic).Methods(http.MethodGet)
}

// adminHome answers GET /_admin/: browsers (asking for HTML) are sent to the console, every other client gets the
// JSON list of endpoints it always got.
func (f *Fake) adminHome(w http.ResponseWriter, r *http.Request) {
	if acceptsHTML(r.Header.Get("Accept")) {
		http.Redirect(w, r, ConsolePath, http.StatusSeeOther)
		return
	}
	f.adminIndex(w, r)
}

// acceptsHTML reports whether Accept names text/html, as a browser's navigation does (curl's */* does not).
func acceptsHTML(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, _, _ := strings.Cut(part, ";")
		if strings.EqualFold(strings.TrimSpace(mt), "text/html") {
			return true
		}
	}
	return false
}

// consoleHeaders are set on every console answer: no framing, no inline script, nothing cached.
func consoleHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", consoleCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

func serveConsoleStatic(w http.ResponseWriter, r *http.Request) {
	name := routeVar(r, "name")
	static, err := fs.Sub(consoleFiles, "console/static")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if _, err := fs.Stat(static, name); err != nil {
		adminError(w, http.StatusNotFound, fmt.Errorf("no console file %q", name))
		return
	}
	consoleHeaders(w)
	http.ServeFileFS(w, r, static, name)
}

// consoleRow is one user of the users table, read from the user as the API renders it.
type consoleRow struct {
	ID                         int64
	Login, Email, Name, Status string
}

// journalRow is one journaled request as the console lists it.
type journalRow struct {
	Seq                  uint64
	Time, Method, Target string
	Status               int
	Duration             string
}

type consolePage struct {
	Admin, Console string
	Query          string
	Error          string
	Rows           []consoleRow
	Offset         int
	PrevURL        string
	NextURL        string
	Total          int
	Faults, Clock  string
	Journal        []journalRow
	JournalOff     bool
}

func (f *Fake) consoleHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := consolePage{Admin: AdminPrefix, Console: ConsolePath, Query: r.URL.Query().Get("q")}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	status := http.StatusOK
	if err := f.consoleSearch(ctx, &p, max(page, 0)); err != nil {
		status, p.Error = http.StatusBadRequest, err.Error()
	}
	p.Total, _ = f.store.Len(ctx)
	p.Faults = indentJSON(f.faults.get())
	p.Clock = indentJSON(f.clockState())
	if f.requests == nil {
		p.JournalOff = true
	}
	for _, e := range f.requests.list(RequestFilter{Limit: consoleJournalSize, NewestFirst: true}) {
		target := e.Path
		if e.Query != "" {
			target += "?" + e.Query
		}
		p.Journal = append(p.Journal, journalRow{Seq: e.Seq, Time: e.Time.Format("15:04:05.000"), Method: e.Method,
			Target: target, Status: e.Status, Duration: time.Duration(e.Duration).String()})
	}
	f.renderConsole(w, status, "console.html", p)
}

// consoleSearch runs the page's query, Coupa's syntax as the index takes it, through the index's own parser and
// store, one page of the results at a time: the query's limit (or consolePageSize) users from its offset on.
func (f *Fake) consoleSearch(ctx context.Context, p *consolePage, page int) error {
	values, err := url.ParseQuery(strings.TrimPrefix(strings.TrimSpace(p.Query), "?"))
	if err != nil {
		return fmt.Errorf("the query is not a URL query string: %w", err)
	}
	size, offset := consolePageSize, 0
	if v := values.Get("limit"); v != "" {
		if size, err = strconv.Atoi(v); err != nil || size <= 0 {
			return fmt.Errorf("limit %q: want a positive number", v)
		}
	}
	if v := values.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return fmt.Errorf("offset %q: want a number, 0 or more", v)
		}
	}
	values.Set("limit", strconv.Itoa(size))
	values.Set("offset", strconv.Itoa(offset+page*size))
	q, err := f.queryOptions().Parse(values, f.spec)
	if err == nil && q.Limit != size {
		// The engine capped the limit (Coupa's maximum): a page is that many users, so its offset moves.
		size = q.Limit
		values.Set("offset", strconv.Itoa(offset+page*size))
		q, err = f.queryOptions().Parse(values, f.spec)
	}
	if err != nil {
		return err
	}
	found, err := f.users.Find(ctx, q)
	if err != nil {
		return fmt.Errorf("running the query: %w", err)
	}
	p.Offset = q.Offset
	for _, u := range found {
		row, err := f.consoleRow(ctx, u, viewOf(q.Shape))
		if err != nil {
			return err
		}
		p.Rows = append(p.Rows, row)
	}
	link := func(page int) string {
		v := url.Values{"q": {p.Query}}
		if page > 0 {
			v.Set("page", strconv.Itoa(page))
		}
		return ConsolePath + "?" + v.Encode()
	}
	if page > 0 {
		p.PrevURL = link(page - 1)
	}
	if len(found) == q.Limit {
		p.NextURL = link(page + 1)
	}
	return nil
}

// consoleRow reads a table row from the user's JSON as the index renders it with the query's fields.
func (f *Fake) consoleRow(ctx context.Context, u *store.Record, v view) (consoleRow, error) {
	var m map[string]any
	if err := json.Unmarshal(f.encodeUser(ctx, formatJSON, u, v), &m); err != nil {
		return consoleRow{}, fmt.Errorf("reading user %d as rendered: %w", u.ID, err)
	}
	str := func(k string) string { s, _ := m[k].(string); return s }
	row := consoleRow{ID: u.ID, Login: str("login"), Email: str("email"), Name: str("fullname")}
	if row.Name == "" {
		row.Name = strings.TrimSpace(str("firstname") + " " + str("lastname"))
	}
	if active, ok := m["active"].(bool); ok {
		row.Status = map[bool]string{true: "active", false: "inactive"}[active]
	}
	return row, nil
}

// encodeUser renders one user as show does, in JSON or XML.
func (f *Fake) encodeUser(ctx context.Context, ft format, u *store.Record, v view) []byte {
	var enc encoder
	if ft == formatJSON {
		enc = newJSONEncoder(nil)
	} else {
		enc = newXMLEncoder(nil)
	}
	f.render.user(ctx, enc, "user", u, v)
	return enc.bytes()
}

type userPage struct {
	Admin, Console string
	ID             int64
	Login          string
	JSON, XML      string
}

// consoleUser shows one user in JSON and in XML, as GET /api/users/{id} renders it.
func (f *Fake) consoleUser(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(routeVar(r, "id"), 10, 64)
	if err != nil {
		adminError(w, http.StatusNotFound, fmt.Errorf("no user %q", routeVar(r, "id")))
		return
	}
	u, ok, err := f.users.Get(ctx, id)
	if err != nil {
		adminError(w, http.StatusInternalServerError, err)
		return
	}
	if !ok {
		adminError(w, http.StatusNotFound, fmt.Errorf("no user %d", id))
		return
	}
	p := userPage{Admin: AdminPrefix, Console: ConsolePath, ID: id, XML: string(f.encodeUser(ctx, formatXML, u, view{}))}
	raw := f.encodeUser(ctx, formatJSON, u, view{})
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		buf.Reset()
		buf.Write(raw)
	}
	p.JSON = buf.String()
	var m struct {
		Login string `json:"login"`
	}
	json.Unmarshal(raw, &m) // the heading only: the JSON itself is shown whatever it holds
	p.Login = m.Login
	f.renderConsole(w, http.StatusOK, "user.html", p)
}

// renderConsole executes a template into a buffer first, so that a failure is a clean 500, not half a page.
func (f *Fake) renderConsole(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := consoleTemplates.ExecuteTemplate(&buf, name, data); err != nil {
		f.log.Error("rendering the console", "template", name, "error", err)
		adminError(w, http.StatusInternalServerError, fmt.Errorf("rendering the console: %w", err))
		return
	}
	consoleHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func indentJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}

package fake

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The request journal keeps the last requests the fake answered, so that a test can assert what the code under test
// sent (WireMock's "verify"): in Go with Requests, over HTTP with GET /_admin/requests. It is a ring of a fixed
// number of entries, each holding at most MaxRecordedBodyBytes of the request body and as much of the answer's, so
// its memory is bounded whatever the traffic. Admin requests are not journaled: reading the journal would otherwise
// fill it with its own reads, and admin calls are the test's, not the code under test's.

// DefaultJournalSize is how many requests the journal keeps when Options.JournalSize is 0.
const DefaultJournalSize = 1000

// MaxRecordedBodyBytes is the most of a request body, and of an answer's body, that the journal keeps; longer ones
// are cut and marked truncated.
const MaxRecordedBodyBytes = 64 << 10

// Redacted stands in for a secret in a journaled request or answer.
const Redacted = "[REDACTED]"

// RecordedRequest is one request the fake answered and its answer, as the journal keeps them. Secrets are replaced
// by Redacted: the Authorization, Proxy-Authorization, X-COUPA-API-KEY and Cookie headers (Authorization keeps its
// scheme, "Bearer [REDACTED]"), Set-Cookie in answers; client_secret, the tokens, the authorization code, the PKCE
// verifier and password in form bodies, queries and a redirect's Location; access_token, refresh_token and id_token
// in JSON answers (the token endpoint's). A JSON or XML user body is kept as sent.
type RecordedRequest struct {
	// Seq numbers the requests the fake journaled, from 1; it keeps counting across ClearRequests.
	Seq uint64 `json:"seq"`
	// Time is when the request arrived (the real time, not the fake's clock); Duration how long its answer took.
	Time     time.Time `json:"time"`
	Duration Duration  `json:"duration"`
	Method   string    `json:"method"`
	// Path is the path as sent, escapes and all (/api/users/5%3Ffields=...), as the routes match it.
	Path string `json:"path"`
	// Query is the raw query string, without "?".
	Query         string      `json:"query"`
	Header        http.Header `json:"headers"`
	Body          string      `json:"body"`
	BodyTruncated bool        `json:"body_truncated,omitempty"`
	// Status is the answer's status; 0 when the connection was dropped (a request fault) before any answer.
	Status                int         `json:"status"`
	ResponseHeader        http.Header `json:"response_headers"`
	ResponseBody          string      `json:"response_body"`
	ResponseBodyTruncated bool        `json:"response_body_truncated,omitempty"`
	// Dropped says the fake closed the connection without answering (FaultHeader's drop).
	Dropped bool `json:"dropped,omitempty"`
}

// RequestFilter selects journaled requests. The zero value selects all of them, oldest first.
type RequestFilter struct {
	// Method matches the method, ignoring case.
	Method string
	// Path matches the path as sent: exactly, or as a glob of path.Match when it holds *, ? or [ (a * stays within
	// a segment: /api/users/* matches /api/users/5, not /api/users).
	Path string
	// PathPrefix matches the paths that start with it.
	PathPrefix string
	// Status matches the status exactly; StatusClass its hundreds (4 matches 400–499).
	Status      int
	StatusClass int
	// Since keeps the requests that arrived at or after it.
	Since time.Time
	// Limit keeps at most this many (the newest ones, whatever the order); 0 means no limit.
	Limit int
	// NewestFirst orders the requests newest first.
	NewestFirst bool
}

func (q RequestFilter) match(e *RecordedRequest) bool {
	switch {
	case q.Method != "" && !strings.EqualFold(q.Method, e.Method):
		return false
	case q.PathPrefix != "" && !strings.HasPrefix(e.Path, q.PathPrefix):
		return false
	case q.Status != 0 && q.Status != e.Status:
		return false
	case q.StatusClass != 0 && e.Status/100 != q.StatusClass:
		return false
	case !q.Since.IsZero() && e.Time.Before(q.Since):
		return false
	}
	if q.Path == "" {
		return true
	}
	if strings.ContainsAny(q.Path, "*?[") {
		ok, _ := path.Match(q.Path, e.Path) // the pattern was checked when the filter was read
		return ok
	}
	return q.Path == e.Path
}

// journalEntry is a journaled request as the ring holds it. The answer's body stays bytes, shared with the rendering
// cache when the answer came from there (a busy fake journals every show), and becomes ResponseBody when the journal
// is read; the answer's header is kept as fields (headerCopy) and becomes ResponseHeader then.
type journalEntry struct {
	RecordedRequest
	responseBody   []byte
	responseHeader []headerField
}

// headerField is one name of a header the journal keeps and its values.
type headerField struct {
	name   string
	values []string
}

// headerCopy copies h in two allocations, where http.Header.Clone builds a map (several allocations for the dozen
// names of an answer): the journal copies every answer's header and reads few of them.
func headerCopy(h http.Header) []headerField {
	n := 0
	for _, vs := range h {
		n += len(vs)
	}
	values := make([]string, 0, n)
	fields := make([]headerField, 0, len(h))
	for name, vs := range h {
		start := len(values)
		values = append(values, vs...)
		fields = append(fields, headerField{name, values[start:len(values):len(values)]})
	}
	return fields
}

// headerOf makes the fields a header again, in memory of its own; nil stays nil.
func headerOf(fields []headerField) http.Header {
	if fields == nil {
		return nil
	}
	h := make(http.Header, len(fields))
	for _, f := range fields {
		h[f.name] = slices.Clone(f.values)
	}
	return h
}

// requestLog is the ring of journaled requests. It grows to its size as requests come, so that a large size costs
// only what is journaled.
type requestLog struct {
	mu      sync.Mutex
	size    int
	entries []journalEntry // a ring once it holds size entries: the oldest at next
	next    int
	full    bool
	seq     uint64
}

func newRequestLog(size int) *requestLog {
	if size <= 0 {
		return nil
	}
	return &requestLog{size: size}
}

func (l *requestLog) add(e journalEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	e.Seq = l.seq
	if !l.full {
		l.entries = append(l.entries, e)
		l.full = len(l.entries) == l.size
		return
	}
	l.entries[l.next] = e
	l.next = (l.next + 1) % l.size
}

// list returns the matching entries, copied so that callers cannot change the journal.
func (l *requestLog) list(q RequestFilter) []RecordedRequest {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	ordered := make([]journalEntry, 0, len(l.entries))
	ordered = append(ordered, l.entries[l.next:]...) // next is 0 until the ring is full
	ordered = append(ordered, l.entries[:l.next]...)
	l.mu.Unlock()
	out := make([]RecordedRequest, 0, len(ordered))
	for i := range ordered {
		if q.match(&ordered[i].RecordedRequest) {
			e := ordered[i].RecordedRequest
			// The request's header is net/http's own, which nothing writes once the answer is complete: it is copied
			// and its secrets redacted here, when the journal is read, rather than on every request.
			e.Header, e.ResponseHeader = redactHeader(e.Header.Clone()), redactHeader(headerOf(ordered[i].responseHeader))
			e.ResponseBody = string(ordered[i].responseBody)
			out = append(out, e)
		}
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[len(out)-q.Limit:]
	}
	if q.NewestFirst {
		slices.Reverse(out)
	}
	return out
}

func (l *requestLog) clear() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries, l.next, l.full = nil, 0, false
}

// Requests returns the journaled requests that match the filter (none: all of them, oldest first). It returns nil
// when the journal is off (Options.JournalSize negative).
func (f *Fake) Requests(filter ...RequestFilter) []RecordedRequest {
	var q RequestFilter
	if len(filter) > 0 {
		q = filter[0]
	}
	return f.requests.list(q)
}

// ClearRequests empties the request journal.
func (f *Fake) ClearRequests() { f.requests.clear() }

// journalRequests records every request but the admin surface's in the journal.
func (f *Fake) journalRequests(next http.Handler) http.Handler {
	if f.requests == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.EscapedPath(); p == AdminPrefix || strings.HasPrefix(p, AdminPrefix+"/") {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		body := &bodyRecorder{ReadCloser: r.Body}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = body
		}
		rec := &answerRecorder{ResponseWriter: w}
		rec.complete = func() {
			if !rec.hijacked && r.Body == body {
				body.drain()
			}
			f.requests.add(recorded(r, start, body, rec))
		}
		defer func() {
			// A panic that reaches here is http.ErrAbortHandler (recoverPanics answers the others): the connection
			// is dropped, but the request was made, and the test may ask.
			if v := recover(); v != nil {
				rec.aborted = true
				rec.finish()
				panic(v)
			}
			rec.finish()
		}()
		next.ServeHTTP(rec, r)
	})
}

// recorded builds the journal entry of a finished request, its secrets redacted (those of the headers when the
// journal is read).
func recorded(r *http.Request, start time.Time, body *bodyRecorder, rec *answerRecorder) journalEntry {
	e := RecordedRequest{
		Time: start, Duration: Duration(time.Since(start)), Method: r.Method, Path: r.URL.EscapedPath(),
		Query: redactForm(r.URL.RawQuery), Header: r.Header, Body: body.kept.String(),
		BodyTruncated: body.truncated, Status: rec.status,
		ResponseBodyTruncated: rec.truncated, Dropped: rec.hijacked || rec.aborted,
	}
	if mt := r.Header.Get("Content-Type"); strings.HasPrefix(strings.ToLower(mt), "application/x-www-form-urlencoded") {
		e.Body = redactForm(e.Body)
	}
	if e.Status == 0 && !e.Dropped {
		e.Status = http.StatusOK // a handler that wrote nothing answers 200
	}
	answer := rec.body()
	if bytes.Contains(answer, []byte("_token")) { // a token endpoint's answer: its tokens are not kept
		answer = []byte(redactTokens(string(answer)))
	}
	return journalEntry{RecordedRequest: e, responseBody: answer, responseHeader: rec.header}
}

// secretHeaders are the request and answer headers whose values the journal never keeps.
var secretHeaders = []string{"Authorization", "Proxy-Authorization", "X-Coupa-Api-Key", "Cookie", "Set-Cookie"}

// redactHeader replaces the secrets of h, a copy the journal owns, in place.
func redactHeader(h http.Header) http.Header {
	for i, loc := range h["Location"] { // an authorization code travels in its redirect
		if base, query, ok := strings.Cut(loc, "?"); ok {
			h["Location"][i] = base + "?" + redactForm(query)
		}
	}
	for _, name := range secretHeaders {
		vs := h[name]
		for i, v := range vs {
			if scheme, _, ok := strings.Cut(v, " "); ok && strings.HasSuffix(name, "Authorization") {
				vs[i] = scheme + " " + Redacted
			} else {
				vs[i] = Redacted
			}
		}
	}
	return h
}

// secretFields are the form and query fields whose values the journal never keeps: the client's secret, tokens,
// and the authorization-code flow's code and PKCE verifier (a code in a redirect's Location too).
var secretFields = []string{"client_secret", "access_token", "refresh_token", "id_token", "code", "code_verifier", "password"}

// redactForm replaces the values of secretFields in a form or query string, keeping the rest as sent.
func redactForm(s string) string {
	if s == "" {
		return s
	}
	parts := strings.Split(s, "&")
	for i, p := range parts {
		k, _, _ := strings.Cut(p, "=")
		if name, err := url.QueryUnescape(k); err == nil && slices.Contains(secretFields, name) {
			parts[i] = k + "=" + url.QueryEscape(Redacted)
		}
	}
	return strings.Join(parts, "&")
}

var tokenJSON = regexp.MustCompile(`"(access_token|refresh_token|id_token)"\s*:\s*"[^"]*"`)

// redactTokens replaces the tokens of a token endpoint's answer.
func redactTokens(s string) string {
	return tokenJSON.ReplaceAllString(s, `"$1":"`+Redacted+`"`)
}

// bodyRecorder keeps the first MaxRecordedBodyBytes of what the handler reads of a request body.
type bodyRecorder struct {
	io.ReadCloser
	kept      strings.Builder // a Builder, so that the journal's string is its bytes, not a second copy
	truncated bool
	done      bool // the body ended, or failed
}

func (b *bodyRecorder) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.keep(p[:n])
	if err != nil {
		b.done = true
	}
	return n, err
}

func (b *bodyRecorder) keep(p []byte) {
	room := MaxRecordedBodyBytes - b.kept.Len()
	if len(p) > room {
		p, b.truncated = p[:room], true
	}
	b.kept.Write(p)
}

// drain reads what the handler left of the body, up to the journal's bound, so that a request refused before its
// body was read (a 401) is journaled with what it sent. The server would read that much anyway to reuse the
// connection.
func (b *bodyRecorder) drain() {
	if b.ReadCloser == nil || b.done || b.truncated {
		return
	}
	buf := make([]byte, 4096)
	for !b.done && !b.truncated {
		if _, err := b.Read(buf); err != nil {
			return
		}
	}
}

// answerRecorder keeps the status, headers and first MaxRecordedBodyBytes of an answer, and calls complete once,
// before the client can have the whole answer: a client that asks the journal as soon as it has its answer finds
// the request there. An answer with a Content-Length is complete to the client with its last byte, which the server
// may send before the handler returns; so the recorder calls complete before writing that byte, or when the handler
// returns (finish), whichever comes first.
type answerRecorder struct {
	http.ResponseWriter
	status    int
	header    []headerField // a copy, taken when the status is written
	kept      []byte
	shared    []byte // an answer written whole with writeShared, kept without a copy
	truncated bool
	hijacked  bool
	aborted   bool // the handler panicked with http.ErrAbortHandler

	length   int64 // the declared Content-Length, or -1
	written  int64
	complete func()
	done     bool
}

func (a *answerRecorder) finish() {
	if !a.done {
		a.done = true
		a.complete()
	}
}

func (a *answerRecorder) WriteHeader(code int) {
	if a.status == 0 && code >= 200 { // 1xx answers are not the answer
		h := a.ResponseWriter.Header()
		a.status, a.header = code, headerCopy(h)
		a.length = -1
		if n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64); err == nil {
			a.length = n
		}
	}
	a.ResponseWriter.WriteHeader(code)
}

func (a *answerRecorder) Write(p []byte) (int, error) {
	if a.status == 0 {
		a.WriteHeader(http.StatusOK)
	}
	a.keep(p)
	a.wrote(len(p))
	return a.ResponseWriter.Write(p)
}

func (a *answerRecorder) keep(p []byte) {
	if a.shared != nil { // another write follows a shared one: the journal needs its own copy after all
		a.kept, a.shared = append([]byte(nil), a.shared...), nil
	}
	if a.kept == nil && a.length > 0 {
		a.kept = make([]byte, 0, min(a.length, MaxRecordedBodyBytes)) // one allocation of the declared size
	}
	room := MaxRecordedBodyBytes - len(a.kept)
	if len(p) > room {
		p, a.truncated = p[:room], true
	}
	a.kept = append(a.kept, p...)
}

// sharedWriter is an answer writer that can keep a body without copying it.
type sharedWriter interface {
	// writeShared writes p, which must never change: the journal may keep p itself.
	writeShared(p []byte)
}

func (a *answerRecorder) writeShared(p []byte) {
	if a.status == 0 {
		a.WriteHeader(http.StatusOK)
	}
	if len(a.kept) == 0 && a.shared == nil && len(p) <= MaxRecordedBodyBytes {
		a.shared = p
	} else {
		a.keep(p)
	}
	a.wrote(len(p))
	a.ResponseWriter.Write(p)
}

// wrote counts n bytes written, and completes the entry with the answer's last declared byte.
func (a *answerRecorder) wrote(n int) {
	if a.written += int64(n); a.length >= 0 && a.written >= a.length {
		a.finish()
	}
}

// body is the answer's body as journaled.
func (a *answerRecorder) body() []byte {
	if a.shared != nil {
		return a.shared
	}
	return a.kept
}

// Unwrap lets http.ResponseController reach the connection's writer (Flush, deadlines).
func (a *answerRecorder) Unwrap() http.ResponseWriter { return a.ResponseWriter }

// Hijack takes the connection over (a dropped-connection fault) and journals the request before handing it over:
// the client learns of the drop as soon as the caller closes it.
func (a *answerRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(a.ResponseWriter).Hijack()
	if err == nil {
		a.hijacked = true
		a.finish()
	}
	return c, rw, err
}

// parseRequestFilter reads GET /_admin/requests' query: method, path (exact or a glob), path_prefix, status (404,
// or a class, 4xx), since (RFC 3339), limit and order (newest, the default, or oldest).
func parseRequestFilter(v url.Values) (RequestFilter, error) {
	q := RequestFilter{Method: v.Get("method"), Path: v.Get("path"), PathPrefix: v.Get("path_prefix"), NewestFirst: true}
	if q.Path != "" {
		if _, err := path.Match(q.Path, ""); err != nil {
			return q, fmt.Errorf("path %q: %w", q.Path, err)
		}
	}
	if s := v.Get("status"); s != "" {
		if len(s) == 3 && strings.HasSuffix(strings.ToLower(s), "xx") && s[0] >= '1' && s[0] <= '5' {
			q.StatusClass = int(s[0] - '0')
		} else if n, err := strconv.Atoi(s); err == nil && n >= 100 && n <= 599 {
			q.Status = n
		} else {
			return q, fmt.Errorf("status %q: want a status such as 404 or a class such as 4xx", s)
		}
	}
	if s := v.Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return q, fmt.Errorf("since %q: want an RFC 3339 time such as 2026-01-01T00:00:00Z", s)
		}
		q.Since = t
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, fmt.Errorf("limit %q: want a whole number of at least 1", s)
		}
		q.Limit = n
	}
	switch o := v.Get("order"); o {
	case "", "newest":
	case "oldest":
		q.NewestFirst = false
	default:
		return q, fmt.Errorf("order %q: want newest or oldest", o)
	}
	return q, nil
}

// errJournalOff answers the journal's endpoints when it is off.
var errJournalOff = errors.New("the request journal is off (--journal-size 0)")

func (f *Fake) adminGetRequests(w http.ResponseWriter, r *http.Request) {
	if f.requests == nil {
		adminError(w, http.StatusNotFound, errJournalOff)
		return
	}
	q, err := parseRequestFilter(r.URL.Query())
	if err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	reqs := f.requests.list(q)
	adminJSON(w, http.StatusOK, map[string]any{"requests": reqs, "count": len(reqs)})
}

func (f *Fake) adminDeleteRequests(w http.ResponseWriter, r *http.Request) {
	if f.requests == nil {
		adminError(w, http.StatusNotFound, errJournalOff)
		return
	}
	f.requests.clear()
	adminJSON(w, http.StatusOK, map[string]any{"cleared": true})
}

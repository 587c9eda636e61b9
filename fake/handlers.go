package fake

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/coupa-kit/coupa-users/internal/bounds"
	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/internal/query"
	"github.com/coupa-kit/coupa-users/internal/railsxml"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/internal/users"
)

// MaxBodyBytes bounds a request body; a larger one is refused with 413 before it is read whole.
const MaxBodyBytes = 1 << 20

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// render encodes with a pooled buffer and sends the result.
func (f *Fake) renderAndSend(w http.ResponseWriter, r *http.Request, status int, fill func(encoder)) {
	ft := f.responseFormat(r)
	bp := bufPool.Get().(*[]byte)
	var enc encoder
	if ft == formatJSON {
		enc = newJSONEncoder(*bp)
	} else {
		enc = newXMLEncoder(*bp)
	}
	fill(enc)
	out := enc.bytes()
	f.send(w, r, ft, status, out)
	*bp = out[:0]
	if cap(out) <= 1<<20 {
		bufPool.Put(bp)
	}
}

// userID finds the user of /api/users/{id}, its id read from the leading digits as Rails reads it (railsID); the
// rest of the segment, an escaped query string included, is ignored, as Rails ignores it. An id with no leading
// digits is 404, as a missing one is. The route matches the escaped path, so the segment is unescaped here.
func (f *Fake) userID(ctx context.Context, r *http.Request) (*store.Record, *apiError) {
	raw := routeVar(r, "id")
	if s, err := url.PathUnescape(raw); err == nil {
		raw = s
	}
	id, ok := railsID(raw)
	if !ok {
		return nil, notFound(raw)
	}
	u, ok, err := f.users.Get(ctx, id)
	if err != nil {
		return nil, newError(http.StatusInternalServerError, err.Error())
	}
	if !ok {
		return nil, notFound(raw)
	}
	return u, nil
}

// queryOf is the request's query, nil when it has none: url.ParseQuery makes a map even for no query, on every show.
func queryOf(r *http.Request) url.Values {
	if r.URL.RawQuery == "" {
		return nil
	}
	return r.URL.Query()
}

func notFound(id string) *apiError { return newError(http.StatusNotFound, problem.UserNotFound(id)) }

func (f *Fake) show(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, perr := f.parseView(queryOf(r), false)
	if perr != nil {
		f.fail(w, r, perr)
		return
	}
	u, e := f.userID(ctx, r)
	if e != nil {
		f.fail(w, r, e)
		return
	}
	f.sendUser(w, r, http.StatusOK, u, v.view)
}

// sendUser answers with one user. A user shown in full is sent as the rendering cache holds it, which the request
// journal then shares rather than copies.
func (f *Fake) sendUser(w http.ResponseWriter, r *http.Request, status int, u *store.Record, v view) {
	ctx := r.Context()
	if v != (view{}) {
		f.renderAndSend(w, r, status, func(enc encoder) { f.render.user(ctx, enc, "user", u, v) })
		return
	}
	ft := f.responseFormat(r)
	doc := f.render.document(ctx, ft == formatXML, u)
	f.sendHeader(w, ft, status, doc)
	if r.Method == http.MethodHead {
		return
	}
	if sw, ok := w.(sharedWriter); ok {
		sw.writeShared(doc)
	} else {
		w.Write(doc)
	}
}

func (f *Fake) index(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q, err := f.queryOptions().Parse(r.URL.Query(), f.spec)
	if err != nil {
		f.fail(w, r, queryError(err))
		return
	}
	users, err := f.users.Find(ctx, q)
	if err != nil {
		f.fail(w, r, newError(http.StatusInternalServerError, err.Error()))
		return
	}
	if len(users) == 0 && f.responseFormat(r) == formatXML {
		f.fail(w, r, newError(http.StatusNotFound, problem.NoResults))
		return
	}
	v := viewOf(q.Shape)
	f.renderAndSend(w, r, http.StatusOK, func(enc encoder) {
		enc.openList("users", "user")
		for _, u := range users {
			f.render.user(ctx, enc, "", u, v)
		}
		enc.closeList()
	})
}

// queryError answers a bad query parameter: a *query.Error's message is written for the person who typed the URL.
func queryError(err error) *apiError { return newError(http.StatusBadRequest, err.Error()) }

// readBody reads and decodes a user body, JSON or XML, into the data model users.Service checks (the one
// validation path; XML leaves are typed by the schema, as Rails' XML parser types them).
func (f *Fake) readBody(w http.ResponseWriter, r *http.Request, schema string) (map[string]any, *apiError) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, newError(http.StatusRequestEntityTooLarge, problem.BodyTooLarge(MaxBodyBytes))
	}
	if err != nil {
		return nil, newError(http.StatusBadRequest, problem.UnreadableBody(err))
	}
	bf, ok := bodyFormat(r, data)
	if !ok {
		return nil, newError(http.StatusUnsupportedMediaType, problem.UnsupportedContentType(r.Header.Get("Content-Type")))
	}
	// The root an XML body names, and the words for the object: user for a user body, business group for
	// BusinessGroupInput.
	rootName := "user"
	if sch := f.spec.Schema(schema); sch != nil && sch.XML != nil && sch.XML.Name != "" {
		rootName = sch.XML.Name
	}
	var value any
	switch bf {
	case formatJSON:
		// The bounds first: decoding a body built to be expensive costs far more than its size.
		if err := bounds.CheckJSON(data); err != nil {
			return nil, tooLarge(err)
		}
		if err := json.Unmarshal(data, &value); err != nil {
			return nil, newError(f.opts.ValidationStatus, problem.MalformedJSON(err))
		}
	case formatXML:
		root, v, err := railsxml.UnmarshalParams(data, f.spec.Schema(schema))
		if e := tooLarge(err); e != nil {
			return nil, e
		}
		if err != nil {
			return nil, newError(f.opts.ValidationStatus, problem.MalformedXML(err))
		}
		if root != rootName {
			return nil, newError(f.opts.ValidationStatus, problem.WrongRoot(rootName, root))
		}
		value = v
	}
	body, ok := value.(map[string]any)
	if !ok {
		return nil, newError(f.opts.ValidationStatus, problem.NotAnObject(strings.ReplaceAll(rootName, "-", " ")))
	}
	return body, nil
}

// tooLarge answers a body past the bounds of a request (package bounds) with 400, whatever the validation status:
// the body's shape is refused, not a user's values. It is nil for any other error.
func tooLarge(err error) *apiError {
	msg, ok := problem.Exceeded("The request body", err)
	if !ok {
		return nil
	}
	return newError(http.StatusBadRequest, msg)
}

func (f *Fake) create(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, perr := f.parseView(queryOf(r), true)
	if perr != nil {
		f.fail(w, r, perr)
		return
	}
	body, e := f.readBody(w, r, "UserCreate")
	if e != nil {
		f.fail(w, r, e)
		return
	}
	u, err := f.users.Create(ctx, body, f.actorFor(principal(r)))
	if err != nil {
		f.fail(w, r, f.writeFailure(err))
		return
	}
	f.respondWritten(w, r, f.opts.CreateStatus, u, v)
}

func (f *Fake) update(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, perr := f.parseView(queryOf(r), true)
	if perr != nil {
		f.fail(w, r, perr)
		return
	}
	existing, e := f.userID(ctx, r)
	if e != nil {
		f.fail(w, r, e)
		return
	}
	body, e := f.readBody(w, r, "UserUpdate")
	if e != nil {
		f.fail(w, r, e)
		return
	}
	u, err := f.users.Update(ctx, existing.ID, body, f.actorFor(principal(r)))
	if errors.Is(err, store.ErrNotFound) {
		f.fail(w, r, notFound(strconv.FormatInt(existing.ID, 10)))
		return
	}
	if err != nil {
		f.fail(w, r, f.writeFailure(err))
		return
	}
	f.respondWritten(w, r, http.StatusOK, u, v)
}

func (f *Fake) writeFailure(err error) *apiError {
	if ps, ok := users.Refused(err); ok {
		return &apiError{status: f.opts.ValidationStatus, resource: "user", messages: problem.Messages(ps)}
	}
	var nd *NotDurableError
	if errors.As(err, &nd) {
		return &apiError{status: http.StatusServiceUnavailable, resource: "base", messages: []string{problem.NotSaved(nd.Err)}}
	}
	return newError(http.StatusInternalServerError, err.Error())
}

// respondWritten answers a create or update: the user, its projection, or nothing for return_object=none.
func (f *Fake) respondWritten(w http.ResponseWriter, r *http.Request, status int, u *store.Record, v writeView) {
	if v.none {
		f.send(w, r, f.responseFormat(r), status, []byte{})
		return
	}
	f.sendUser(w, r, status, u, v.view)
}

// The spec's answers declare their length, as the API's do: the request journal records an answer before its last
// byte, which it can tell only from a Content-Length.
func (f *Fake) serveSpecYAML(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml")
	w.Header().Set("Content-Length", itoa(int64(len(f.specDoc))))
	w.Write(f.specDoc)
}

func (f *Fake) serveSpecJSON(w http.ResponseWriter, r *http.Request) {
	doc := f.spec.JSON()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", itoa(int64(len(doc))))
	w.Write(doc)
}

func (f *Fake) health(w http.ResponseWriter, r *http.Request) {
	n, err := f.store.Len(r.Context())
	body := map[string]any{"status": "ok", "users": n}
	status := http.StatusOK
	if err != nil {
		status, body["status"] = http.StatusServiceUnavailable, err.Error()
	} else if f.persist != nil {
		// Degraded while writes cannot be made durable: until one succeeds again.
		if err := f.persist.health(); err != nil {
			status, body["status"], body["reason"] = http.StatusServiceUnavailable, "degraded", problem.NotSaved(err)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// writeView is the projection of a create or update response; none answers an empty body.
type writeView struct {
	view
	none bool
}

// queryOptions are the query engine's options of this fake's configuration.
func (f *Fake) queryOptions() query.Options {
	return query.Options{RejectOverLimit: f.opts.RejectOverLimit, StrictFields: f.opts.StrictFields, Filters: f.filters.load()}
}

// parseView reads `fields`, `filter` and `return_object` for show (write false), create and update.
func (f *Fake) parseView(values url.Values, write bool) (writeView, *apiError) {
	sh, err := f.queryOptions().ParseShape(values, f.spec, write)
	if err != nil {
		return writeView{}, queryError(err)
	}
	return writeView{view: viewOf(sh), none: sh.Return == query.ReturnNone}, nil
}

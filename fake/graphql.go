package fake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/coupa-kit/coupa-users/internal/graphql"
	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// GraphQLPath is Coupa's GraphQL endpoint. It answers POST only, with the token and scope (core.user.read) the
// REST index needs.
const GraphQLPath = spec.GraphQLPath

// serveGraphQL answers a GraphQL request: 200 with {"data":...,"errors":[...]} for anything GraphQL itself
// judges (a syntax error, an unknown field, a bad `query` string), 400 (413 for one too large) with a GraphQL
// error body for a body that is not a GraphQL request. Authentication has already passed (api).
func (f *Fake) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		f.sendGraphQL(w, http.StatusRequestEntityTooLarge, graphql.ErrorResult(problem.BodyTooLarge(MaxBodyBytes)))
		return
	case err != nil:
		f.sendGraphQL(w, http.StatusBadRequest, graphql.ErrorResult(problem.UnreadableBody(err)))
		return
	}
	req, err := graphql.DecodeRequest(data)
	if err != nil {
		f.sendGraphQL(w, http.StatusBadRequest, graphql.ErrorResult(err.Error()))
		return
	}
	f.sendGraphQL(w, http.StatusOK, f.graphql.Do(r.Context(), req))
}

func (f *Fake) sendGraphQL(w http.ResponseWriter, status int, res *graphql.Result) {
	body, err := json.Marshal(res)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"errors":[{"message":"the answer could not be encoded"}]}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", itoa(int64(len(body))))
	w.WriteHeader(status)
	w.Write(body)
}

// graphqlSource gives internal/graphql the REST API's users: the same query engine, options and response filters
// as GET /api/users, and the same JSON rendering as GET /api/users/{id}.
type graphqlSource struct{ f *Fake }

// Users runs an index query. `fields`, `filter` and `return_object` are checked as the REST API checks them, then
// left aside: in GraphQL the selection says what to show.
func (s graphqlSource) Users(ctx context.Context, values url.Values) ([]map[string]any, error) {
	q, err := s.f.queryOptions().Parse(values, s.f.spec)
	if err != nil {
		return nil, err // a *query.Error: its message is the REST API's
	}
	recs, err := s.f.users.Find(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("finding users: %w", err)
	}
	out := make([]map[string]any, 0, len(recs))
	for _, rec := range recs {
		u, err := s.render(ctx, rec)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// User finds one user by id.
func (s graphqlSource) User(ctx context.Context, id int64) (map[string]any, bool, error) {
	rec, ok, err := s.f.users.Get(ctx, id)
	if err != nil || !ok {
		return nil, false, err
	}
	u, err := s.render(ctx, rec)
	return u, err == nil, err
}

// render is the user's full JSON rendering, decoded: GraphQL picks its fields from what REST would send.
func (s graphqlSource) render(ctx context.Context, rec *store.Record) (map[string]any, error) {
	enc := newJSONEncoder(nil)
	s.f.render.user(ctx, enc, "", rec, view{})
	dec := json.NewDecoder(bytes.NewReader(enc.bytes()))
	dec.UseNumber()
	var u map[string]any
	if err := dec.Decode(&u); err != nil {
		return nil, fmt.Errorf("rendering user %d: %w", rec.ID, err)
	}
	return u, nil
}

package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/coupa-kit/coupa-users/fixtures"
)

// Server is a Fake listening on a loopback port, for Go tests: an httptest.Server serving it.
//
//	srv, err := fake.NewServer(fake.Options{Users: 10})
//	defer srv.Close()
//	resp, err := srv.Client().Get(srv.URL + "/api/users?login=...")
type Server struct {
	*Fake
	// URL is the base URL, http://127.0.0.1:port (or http://[::1]:port), without a trailing slash.
	URL string

	srv *httptest.Server
}

// NewServer starts a fake on a free loopback port. As with httptest.NewServer, failing to listen panics.
func NewServer(opts Options) (*Server, error) {
	f, err := New(opts)
	if err != nil {
		return nil, err
	}
	srv := httptest.NewUnstartedServer(f)
	srv.Config.ReadHeaderTimeout = 10 * time.Second
	srv.Start()
	return &Server{Fake: f, URL: srv.URL, srv: srv}, nil
}

// Close stops the server, waits for requests in flight, and closes the fake: its error is the fake's (saving the
// state, if one is kept).
func (s *Server) Close() error {
	s.srv.Close()
	return s.Fake.Close()
}

// Token mints a bearer token for the fake's first client, with the scopes given (all of the client's when none).
func (f *Fake) Token(scopes ...string) (string, error) {
	tok, err := f.auth.Issue(firstClient(f.opts.Auth), scopes...)
	if err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}

// Client returns an HTTP client whose requests carry a bearer token with the given scopes (all when none) and
// ask for JSON unless they set Accept themselves.
func (s *Server) Client(scopes ...string) *http.Client {
	tok, err := s.Token(scopes...)
	return &http.Client{
		Timeout:   30 * time.Second,
		Transport: &tokenTransport{token: tok, err: err, base: s.srv.Client().Transport},
	}
}

type tokenTransport struct {
	token string
	err   error
	base  http.RoundTripper
}

func (t *tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.err != nil {
		return nil, fmt.Errorf("fake client: minting a token: %w", t.err)
	}
	r = r.Clone(r.Context())
	if r.Header.Get("Authorization") == "" {
		r.Header.Set("Authorization", "Bearer "+t.token)
	}
	if r.Header.Get("Accept") == "" {
		r.Header.Set("Accept", "application/json")
	}
	return t.base.RoundTrip(r)
}

// AddUsers loads users as fixtures (through the same checks as the API).
func (f *Fake) AddUsers(ctx context.Context, users ...fixtures.User) error {
	return f.LoadUsers(ctx, users, false)
}

// User returns a user as the API's JSON renders it, decoded; ok is false when there is none.
func (f *Fake) User(ctx context.Context, id int64) (user map[string]any, ok bool, err error) {
	r, ok, err := f.store.Get(ctx, id)
	if err != nil || !ok {
		return nil, ok, err
	}
	enc := newJSONEncoder(nil)
	f.render.user(ctx, enc, "", r, view{})
	if err := json.Unmarshal(enc.bytes(), &user); err != nil {
		return nil, false, err
	}
	return user, true, nil
}

// UserByLogin is User by login.
func (f *Fake) UserByLogin(ctx context.Context, login string) (map[string]any, bool, error) {
	r, ok, err := f.store.Lookup(ctx, "login", login)
	if err != nil || !ok {
		return nil, ok, err
	}
	return f.User(ctx, r.ID)
}

// Users returns every user, ascending id, as the API's JSON renders them.
func (f *Fake) Users(ctx context.Context) ([]map[string]any, error) {
	recs, err := f.store.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(recs))
	for _, r := range recs {
		u, _, err := f.User(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// Len returns the number of users.
func (f *Fake) Len(ctx context.Context) (int, error) { return f.store.Len(ctx) }

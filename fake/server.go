package fake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/coupa-kit/coupa-users/fixtures"
)

// Server is a Fake listening on a loopback port, for Go tests, in the manner of httptest.Server:
//
//	srv, err := fake.NewServer(fake.Options{Users: 10})
//	defer srv.Close()
//	resp, err := srv.Client().Get(srv.URL + "/api/users?login=...")
type Server struct {
	*Fake
	// URL is the base URL, http://127.0.0.1:port, without a trailing slash.
	URL string

	listener net.Listener
	server   *http.Server
	done     chan error
}

// NewServer starts a fake on a free loopback port.
func NewServer(opts Options) (*Server, error) {
	f, err := New(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("fake: listening: %w", err)
	}
	s := &Server{
		Fake:     f,
		URL:      "http://" + ln.Addr().String(),
		listener: ln,
		server:   &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second},
		done:     make(chan error, 1),
	}
	go func() { s.done <- s.server.Serve(ln) }()
	return s, nil
}

// Close stops the server, waits for requests in flight, and saves the state if one is kept.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.server.Shutdown(ctx)
	if serr := <-s.done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return errors.Join(err, s.Fake.Close())
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
		Transport: &tokenTransport{token: tok, err: err, base: http.DefaultTransport},
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

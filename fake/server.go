package fake

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/internal/linger"
	"github.com/coupa-kit/coupa-users/internal/store"
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
func NewServer(opts Options) (*Server, error) { return startServer(opts, false) }

// NewTLSServer is NewServer over HTTPS, as httptest.NewTLSServer: URL is https://127.0.0.1:port, Client trusts the
// server's certificate, and Certificate returns it for clients of your own.
func NewTLSServer(opts Options) (*Server, error) { return startServer(opts, true) }

func startServer(opts Options, useTLS bool) (*Server, error) {
	f, err := New(opts)
	if err != nil {
		return nil, err
	}
	srv := httptest.NewUnstartedServer(f)
	srv.Config.ReadHeaderTimeout = 10 * time.Second
	srv.Listener = linger.Serve(srv.Config, srv.Listener)
	if useTLS {
		srv.EnableHTTP2 = true // as serve --tls: the clients of a TLS server speak HTTP/2
		srv.StartTLS()
	} else {
		srv.Start()
	}
	return &Server{Fake: f, URL: srv.URL, srv: srv}, nil
}

// Certificate returns the certificate of a server started by NewTLSServer (nil for one started by NewServer), for
// an HTTP client of your own to trust: add it to the RootCAs of its tls.Config.
func (s *Server) Certificate() *x509.Certificate { return s.srv.Certificate() }

// NewTestServer starts a fake for a test or benchmark, as NewServer does, and closes it when the test ends; it fails
// the test when the fake cannot start or its state cannot be saved.
//
//	srv := fake.NewTestServer(t, fake.Options{Users: 10})
//	resp, err := srv.Client().Get(srv.URL + "/api/users")
func NewTestServer(t testing.TB, opts Options) *Server {
	t.Helper()
	return testServer(t, opts, false)
}

// NewTLSTestServer is NewTestServer over HTTPS (see NewTLSServer).
func NewTLSTestServer(t testing.TB, opts Options) *Server {
	t.Helper()
	return testServer(t, opts, true)
}

func testServer(t testing.TB, opts Options, useTLS bool) *Server {
	t.Helper()
	srv, err := startServer(opts, useTLS)
	if err != nil {
		t.Fatalf("fake.NewTestServer: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("fake.NewTestServer: closing: %v", err)
		}
	})
	return srv
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

// AddUsers loads users as fixtures (through the same checks as the API) and returns their ids, in the order given.
// It is all or nothing: on an error no user is added.
func (f *Fake) AddUsers(ctx context.Context, users ...fixtures.User) ([]int64, error) {
	return f.loadUsersDurably(ctx, users, false)
}

// User is a stored user as the Go API returns it: its id and what fixtures.User holds of the API's rendering.
// The elements Coupa derives (fullname, which User.FullName computes, created-by, updated-by, the expense
// delegations, allowed-invoice-inboxes) and references' other fields are the HTTP API's to show; input-only
// elements (password) are never returned, by either.
type User struct {
	ID int64
	fixtures.User
}

// User returns the user with the given id; ok is false when there is none.
func (f *Fake) User(ctx context.Context, id int64) (user User, ok bool, err error) {
	r, ok, err := f.store.Get(ctx, id)
	if err != nil || !ok {
		return User{}, ok, err
	}
	return f.userOf(ctx, r)
}

// UserByLogin is User by login (ignoring case, as Coupa's uniqueness does).
func (f *Fake) UserByLogin(ctx context.Context, login string) (User, bool, error) {
	r, ok, err := f.store.Lookup(ctx, "login", login)
	if err != nil || !ok {
		return User{}, ok, err
	}
	return f.userOf(ctx, r)
}

// userOf decodes a record from the API's JSON rendering, so that the Go API shows what a client would read.
func (f *Fake) userOf(ctx context.Context, r *store.Record) (User, bool, error) {
	enc := newJSONEncoder(nil)
	f.render.user(ctx, enc, "", r, view{})
	u := User{ID: r.ID}
	if err := json.Unmarshal(enc.bytes(), &u.User); err != nil {
		return User{}, false, fmt.Errorf("fake: reading back user %d: %w", r.ID, err)
	}
	return u, true, nil
}

// Users returns every user, ascending id.
func (f *Fake) Users(ctx context.Context) ([]User, error) {
	recs, err := f.store.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]User, 0, len(recs))
	for _, r := range recs {
		u, _, err := f.userOf(ctx, r)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// Len returns the number of users.
func (f *Fake) Len(ctx context.Context) (int, error) { return f.store.Len(ctx) }

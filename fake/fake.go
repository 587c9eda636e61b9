// Package fake is an in-memory, stateful fake of Coupa's Users API (/api/users): create, index, show and update in
// JSON and Rails-style XML, Coupa's query operators and paging, its GraphQL endpoint (POST /api/graphql, the users
// read through the same query engine), its error bodies, OAuth2 client credentials and the legacy API key, named
// response filters, generated sample data, and an admin surface to reset, seed, inject faults, move the clock and
// define response filters.
//
// Use it as a server (`coupa-users serve`) or in-process from Go tests with NewServer, in the manner of
// net/http/httptest. It reads everything it knows of the API from package spec, so a change of the element table
// changes the fake with it.
package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coupa-kit/coupa-users/fake/auth"
	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/internal/catalog"
	"github.com/coupa-kit/coupa-users/internal/graphql"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/internal/users"
	"github.com/coupa-kit/coupa-users/spec"
)

// The paths of the OAuth 2.0 token endpoint. Both behave the same.
const (
	// TokenPath is the token endpoint as Coupa's documentation names it.
	TokenPath = "/oauth2/token"
	// AccessTokensPath is the token endpoint as Coupa's R35–R39 Swagger names it (the client-credentials tokenUrl).
	AccessTokensPath = "/oauth2/access_tokens"
)

// Options configure a Fake. The zero value is a usable fake with 100 generated users and the default credentials.
type Options struct {
	// Users is how many users to generate (on top of one API user per client); 0 means 100, a negative value none.
	Users int
	// Seed makes the generated users the same on every start.
	Seed int64
	// Fixtures are users loaded after generation (or instead of it, with ReplaceGenerated).
	Fixtures []fixtures.User
	// ReplaceGenerated drops the generated users when Fixtures are given.
	ReplaceGenerated bool
	// Auth is the OAuth2 clients and API keys accepted and how refusals are answered. With no clients and no keys
	// the credentials are auth.DefaultConfig()'s; its InsufficientScopeStatus and InvalidClientStatus still apply.
	Auth auth.Config
	// NoAuth serves every request without credentials (for quick experiments).
	NoAuth bool
	// AdminToken, when set, lets non-loopback callers use the admin surface with `Authorization: Bearer <token>`.
	AdminToken string
	// AllowedHosts are the host names (or host:port) loopback callers may name in Host when they use the admin
	// surface, beyond localhost, loopback addresses and the address the request arrived at: a name that resolves
	// to this machine in a browser may be a DNS-rebinding page's. Callers with AdminToken are not checked.
	AllowedHosts []string
	// Clock is the fake's time; nil means a clock following the real time.
	Clock *Clock
	// Location renders datetimes; nil means UTC. Coupa renders the instance's time zone, always with an offset.
	Location *time.Location
	// DefaultFormat answers requests without Accept; "" means XML, as Coupa does.
	DefaultFormat string
	// ValidationStatus is the status of a failed validation: 0 means 400 (Coupa's documentation); 422 is the
	// Rails habit.
	ValidationStatus int
	// CreateStatus is the status of a successful create: 0 means 201 (some Coupa pages say 200).
	CreateStatus int
	// ErrorWarnings places `"warnings": null` in JSON error bodies: "" means WarningsInside, Coupa's body.
	ErrorWarnings ErrorWarnings
	// RejectOverLimit answers limit > 50 with 400 instead of clamping it to 50.
	RejectOverLimit bool
	// CustomFields are the tenant's custom fields of users, in the custom-fields object of every user: accepted on
	// input, stored, returned, filterable (`custom-fields[cost-center]=CC-1200`), projectable, and generated in the
	// sample users. None by default (custom-fields is then null).
	CustomFields []spec.CustomField
	// StrictFields answers an unknown or never-returned name in `fields` with 400; by default it is ignored.
	StrictFields bool
	// ResponseFilters are the named response filters `filter=<name>` applies, as a Coupa administrator defines them
	// (Setup > Integrations > API Filters): name → a `fields` list in the syntax of `fields=`, such as
	// `["id","login",{"roles":["name"]}]`, checked as `fields=` is (StrictFields included). Names match ignoring
	// case. None by default. The admin surface can change them; DELETE /_admin/response-filters returns to these.
	ResponseFilters map[string]string
	// StrictReferences makes an unresolvable reference on update an error, as it is on create (Coupa ignores it).
	StrictReferences bool
	// ReplaceRoles makes `roles` on update replace the user's roles; by default a non-empty list adds to them, as
	// Coupa's playbooks describe (an empty list or null clears them either way).
	ReplaceRoles bool
	// Faults are injected from the start: serve's --rate-limit sets RateLimit (with Rate and Burst) here. The admin
	// surface can change them; DELETE /_admin/faults returns to these.
	Faults FaultConfig
	// StatePath keeps the users in this file across restarts. Every acknowledged write is fsynced to a journal
	// beside it (StatePath + ".journal") before it is answered, and a write that cannot be is refused with 503 and
	// changes nothing; the journal is folded into the file in the background and at Close. StatePath + ".lock"
	// keeps a second fake away.
	StatePath string
	// CORSOrigins are the web origins (`http://localhost:3000`, or `*` for any) whose pages may call the Users API
	// and the token endpoints from a browser: their preflights are answered, and their answers readable. None by
	// default. The admin surface never answers other origins.
	CORSOrigins []string
	// NoRequestFaults ignores FaultHeader: a fake shown to others may not want any caller to make it fail.
	NoRequestFaults bool
	// JournalSize is how many of the last requests the request journal keeps (Requests, GET /_admin/requests): 0
	// means DefaultJournalSize, a negative value turns the journal off.
	JournalSize int
	// Logger receives one line per request and the fake's events; nil discards them.
	Logger *slog.Logger
}

// Fake is the fake Users API as an http.Handler. Create it with New; it is safe for concurrent use.
type Fake struct {
	opts        Options
	spec        *spec.Spec
	layout      *store.Layout
	store       store.Store
	catalog     *catalog.Catalog
	auth        *auth.Service
	clock       *Clock
	users       *users.Service
	render      *renderer
	graphql     *graphql.Executor
	handler     http.Handler
	log         *slog.Logger
	def         format
	faults      *faults
	filters     *filterSet
	avatars     *avatars
	requests    *requestLog // nil when the journal is off
	corsOrigins corsOrigins
	apiUsers    map[string]int64 // client id or API key → the API user acting for it

	specDoc []byte // the embedded document, copied once rather than per request

	seedMu        sync.Mutex
	seeded        []*store.Record // the seeded state, for reset
	seededVersion uint64          // the store's version right after seeding
	compactLater  bool            // a bulk load left garbage: compact in the background
	background    sync.WaitGroup
	stop          context.CancelFunc
	persist       *persister
}

// New builds a fake and fills it with its users (generated, fixtures, or the saved state).
func New(opts Options) (*Fake, error) {
	s, err := spec.Load()
	if err != nil {
		return nil, err
	}
	if s, err = s.WithCustomFields(opts.CustomFields); err != nil {
		return nil, err
	}
	layout, err := store.NewLayout(s)
	if err != nil {
		return nil, err
	}
	cat, err := catalog.Default()
	if err != nil {
		return nil, err
	}
	f := &Fake{opts: opts, spec: s, layout: layout, catalog: cat, clock: opts.Clock, log: opts.Logger, specDoc: spec.YAML(), avatars: newAvatars()}
	if f.clock == nil {
		f.clock = NewClock(nil)
	}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	if opts.Location == nil {
		f.opts.Location = time.UTC
	}
	f.def = formatXML
	if opts.DefaultFormat != "" {
		var ok bool
		if f.def, ok = parseFormat(opts.DefaultFormat); !ok {
			return nil, fmt.Errorf("fake: default format %q: use json or xml", opts.DefaultFormat)
		}
	}
	switch opts.ValidationStatus {
	case 0:
		f.opts.ValidationStatus = http.StatusBadRequest
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
	default:
		return nil, fmt.Errorf("fake: validation status %d: use 400 or 422", opts.ValidationStatus)
	}
	switch opts.CreateStatus {
	case 0:
		f.opts.CreateStatus = http.StatusCreated
	case http.StatusOK, http.StatusCreated:
	default:
		return nil, fmt.Errorf("fake: create status %d: use 200 or 201", opts.CreateStatus)
	}
	if f.opts.ErrorWarnings, err = ParseErrorWarnings(string(opts.ErrorWarnings)); err != nil {
		return nil, fmt.Errorf("fake: %w", err)
	}
	authCfg := opts.Auth
	if len(authCfg.Clients) == 0 && len(authCfg.APIKeys) == 0 {
		authCfg = auth.DefaultConfig()
		authCfg.InsufficientScopeStatus = opts.Auth.InsufficientScopeStatus
		authCfg.InvalidClientStatus = opts.Auth.InvalidClientStatus
	}
	authCfg.Clock = f.clock.Now
	if authCfg.ResourceOwner == nil {
		authCfg.ResourceOwner = f.resourceOwner
	}
	if f.auth, err = auth.New(authCfg); err != nil {
		return nil, fmt.Errorf("fake: %w", err)
	}
	f.opts.Auth = authCfg
	for _, w := range f.auth.Warnings() {
		f.log.Warn("auth configuration: " + w)
	}
	mem := store.NewMemory(layout)
	f.store = mem
	var durable *durableStore
	if opts.StatePath != "" {
		// Writes pass through to memory while the fake seeds and loads its state, then go through the journal.
		durable = newDurableStore(mem, func(r *store.Record) ([]byte, error) { return json.Marshal(f.encodeRecord(r)) })
		f.store = durable
	}
	f.users, err = users.New(users.Config{Spec: s, Layout: layout, Store: f.store, Catalog: cat, Now: f.clock.Now,
		StrictReferences: opts.StrictReferences, ReplaceRoles: opts.ReplaceRoles})
	if err != nil {
		return nil, fmt.Errorf("fake: %w", err)
	}
	f.render = newRenderer(layout, cat, f.store, f.opts.Location)
	if f.graphql, err = graphql.New(s, graphqlSource{f}); err != nil {
		return nil, fmt.Errorf("fake: %w", err)
	}
	if f.faults, err = newFaults(opts.Faults); err != nil {
		return nil, fmt.Errorf("fake: faults: %w", err)
	}
	rf, err := f.newResponseFilters(opts.ResponseFilters)
	if err != nil {
		return nil, fmt.Errorf("fake: %w", err)
	}
	f.filters = newFilterSet(rf)
	if opts.JournalSize == 0 {
		f.opts.JournalSize = DefaultJournalSize
	}
	f.requests = newRequestLog(f.opts.JournalSize)
	if err := f.seed(context.Background()); err != nil {
		return nil, err
	}
	if durable != nil {
		if f.persist, err = openPersister(f, durable, opts.StatePath); err != nil {
			return nil, err
		}
	}
	if f.corsOrigins, err = newCORSOrigins(opts.CORSOrigins); err != nil {
		return nil, fmt.Errorf("fake: %w", err)
	}
	f.handler = f.routes()
	ctx, stop := context.WithCancel(context.Background())
	f.stop = stop
	if f.compactLater {
		f.background.Go(func() { f.compact(ctx) })
	}
	return f, nil
}

// ServeHTTP serves the API, the spec, the health check and the admin surface.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.handler.ServeHTTP(w, r) }

// Clock returns the fake's clock, to move time in tests.
func (f *Fake) Clock() *Clock { return f.clock }

// Auth returns the fake's credentials service (to mint tokens in-process).
func (f *Fake) Auth() *auth.Service { return f.auth }

// AuthConfig returns the clients and keys the fake accepts.
func (f *Fake) AuthConfig() auth.Config { return f.opts.Auth }

// Close stops background work and, when a state file is kept, folds the journal into it and releases its lock.
func (f *Fake) Close() error {
	f.stop()
	f.background.Wait()
	if f.persist != nil {
		return f.persist.close()
	}
	return nil
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // --timezone works in minimal images without a zoneinfo database

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fake/auth"
	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/internal/linger"
	"github.com/coupa-kit/coupa-users/spec"
)

// envOr returns the environment variable's value, or def.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

type serveFlags struct {
	addr, fixtures, fixturesMode, state, authMode        string
	clientID, clientSecret, clients, apiKey, authConfig  string
	adminToken, format, timezone, limitOverMax, logLevel string
	rolesUpdate, errorWarnings, rateLimit, customFields  string
	responseFilters, allowedHosts, requestFaults         string
	corsOrigins                                          string
	users, journalSize                                   int
	seed                                                 int64
	validationStatus, createStatus, scopeStatus          int
	invalidClientStatus                                  int
	strictReferences, strictFields                       bool
	tokenTTL                                             time.Duration
	timeouts                                             timeouts
	tls                                                  tlsFlags
}

// timeouts bound how long one connection may hold the server: a client that sends its headers or its body a byte at
// a time, reads the answer as slowly, or keeps an idle connection open, is cut off.
type timeouts struct {
	readHeader, read, write, idle time.Duration
}

// The timeouts' defaults: generous for any client on a network, short enough that stalled connections do not pile up.
var defaultTimeouts = timeouts{readHeader: 10 * time.Second, read: 30 * time.Second, write: 60 * time.Second, idle: 2 * time.Minute}

// check refuses a negative timeout; 0 means none, as in net/http.
func (t timeouts) check() error {
	for _, d := range []struct {
		flag string
		d    time.Duration
	}{{"read-header-timeout", t.readHeader}, {"read-timeout", t.read}, {"write-timeout", t.write}, {"idle-timeout", t.idle}} {
		if d.d < 0 {
			return fmt.Errorf("--%s %s: a timeout is 0 (none) or positive", d.flag, d.d)
		}
	}
	return nil
}

// newHTTPServer is the server serve runs: the handler behind the timeouts.
func newHTTPServer(h http.Handler, t timeouts) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: t.readHeader, ReadTimeout: t.read, WriteTimeout: t.write,
		IdleTimeout: t.idle}
}

// flagSet defines serve's flags on fl, so that tests can parse flags into options as the command does.
func (fl *serveFlags) flagSet() *flag.FlagSet {
	fs := newFlagSet("serve")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: coupa-users serve [flags]")
		groupedUsage(fs, fs.Output(), serveGroups)
	}
	fs.StringVar(&fl.addr, "addr", envOr("COUPA_USERS_ADDR", "127.0.0.1:8080"), "listen address (env COUPA_USERS_ADDR)")
	fs.IntVar(&fl.users, "users", 100, "number of generated users")
	fs.Int64Var(&fl.seed, "seed", 1, "seed of the generated users: the same seed gives the same users")
	fs.StringVar(&fl.fixtures, "fixtures", "", "JSON file of users to load at start (an array, or {\"users\": [...]})")
	fs.StringVar(&fl.customFields, "custom-fields", "", `JSON file of the tenant's custom fields: [{"name":"cost-center","type":"string","max_length":40,"options":[...]}]`)
	fs.StringVar(&fl.fixturesMode, "fixtures-mode", "add", "add the fixtures to the generated users, or replace them")
	fs.StringVar(&fl.responseFilters, "response-filters", "", `JSON file of named response filters for filter=<name>: {"ids-and-logins": ["id","login"]}`)
	fs.StringVar(&fl.state, "state", envOr("COUPA_USERS_STATE", ""), "keep the users in this file across restarts; each write is fsynced to FILE.journal before it is answered (env COUPA_USERS_STATE)")
	fs.StringVar(&fl.authMode, "auth", "on", "on, or off to serve every request without credentials")
	fs.StringVar(&fl.clientID, "client-id", envOr("COUPA_USERS_CLIENT_ID", ""), "OAuth2 client id holding every scope (env COUPA_USERS_CLIENT_ID)")
	fs.StringVar(&fl.clientSecret, "client-secret", envOr("COUPA_USERS_CLIENT_SECRET", ""), "its secret (env COUPA_USERS_CLIENT_SECRET)")
	fs.StringVar(&fl.clients, "clients", envOr("COUPA_USERS_CLIENTS", ""), "more clients: id:secret[:scope+scope],... any of Coupa's scopes; none named: all (env COUPA_USERS_CLIENTS)")
	fs.StringVar(&fl.apiKey, "api-key", envOr("COUPA_USERS_API_KEY", ""), "legacy X-COUPA-API-KEY value (env COUPA_USERS_API_KEY)")
	fs.StringVar(&fl.authConfig, "auth-config", envOr("COUPA_USERS_AUTH_CONFIG", ""), "JSON file of clients, API keys and token TTL (env COUPA_USERS_AUTH_CONFIG)")
	fs.DurationVar(&fl.tokenTTL, "token-ttl", 0, "access token lifetime (default 24h)")
	fs.StringVar(&fl.adminToken, "admin-token", envOr("COUPA_USERS_ADMIN_TOKEN", ""), "bearer token for the admin surface from non-loopback callers (env COUPA_USERS_ADMIN_TOKEN)")
	fs.StringVar(&fl.allowedHosts, "allowed-hosts", envOr("COUPA_USERS_ALLOWED_HOSTS", ""), "host names loopback callers of the admin surface may use besides localhost and IP addresses: name[:port],... (env COUPA_USERS_ALLOWED_HOSTS)")
	fs.StringVar(&fl.format, "default-format", "xml", "response format when a request sends no Accept: xml (as Coupa) or json")
	fs.StringVar(&fl.timezone, "timezone", "UTC", "time zone of rendered datetimes (an IANA name)")
	fs.IntVar(&fl.validationStatus, "validation-status", 400, "status of a failed validation: 400 (Coupa's docs) or 422")
	fs.IntVar(&fl.createStatus, "create-status", 201, "status of a successful create: 201 or 200")
	fs.IntVar(&fl.scopeStatus, "scope-status", 403, "status when a token lacks the scope: 403 or 401")
	fs.StringVar(&fl.errorWarnings, "error-warnings", string(fake.WarningsInside),
		`where JSON error bodies put "warnings": null: inside "errors" (as Coupa), outside it, or omit it (older Coupa)`)
	fs.IntVar(&fl.invalidClientStatus, "invalid-client-status", 400, "status of the token endpoint's invalid_client: 400 (Coupa) or 401 (RFC 6749)")
	fs.StringVar(&fl.limitOverMax, "limit-over-max", "clamp", "limit above 50: clamp to 50, or reject with 400")
	fs.BoolVar(&fl.strictReferences, "strict-references", false, "an unresolvable reference on update is an error (Coupa ignores it)")
	fs.BoolVar(&fl.strictFields, "strict-fields", false, "an unknown name in fields= is an error (by default it is ignored)")
	fs.StringVar(&fl.rolesUpdate, "roles-update", "merge", "roles on update: merge (a non-empty list adds, as Coupa's playbooks say) or replace")
	fs.StringVar(&fl.rateLimit, "rate-limit", "off", "limit each client's API requests: off, coupa (25/s, bursts of 20) or RATE/BURST such as 10/5; beyond it 429")
	fs.DurationVar(&fl.timeouts.readHeader, "read-header-timeout", defaultTimeouts.readHeader, "longest time to read a request's headers")
	fs.DurationVar(&fl.timeouts.read, "read-timeout", defaultTimeouts.read, "longest time to read a whole request, body included")
	fs.DurationVar(&fl.timeouts.write, "write-timeout", defaultTimeouts.write, "longest time from the end of a request's headers to the end of its answer")
	fs.DurationVar(&fl.timeouts.idle, "idle-timeout", defaultTimeouts.idle, "longest time a kept-alive connection waits for its next request")
	fs.StringVar(&fl.corsOrigins, "cors-origins", envOr("COUPA_USERS_CORS_ORIGINS", ""), "web origins whose pages may call the API and the token endpoint from a browser: http://localhost:3000,... or * (never the admin surface; env COUPA_USERS_CORS_ORIGINS)")
	fs.StringVar(&fl.requestFaults, "request-faults", "on", "on: an API request may ask for its own fault with X-Coupa-Fake-Fault (status=503; delay=250ms; drop); off ignores the header")
	fs.IntVar(&fl.journalSize, "journal-size", fake.DefaultJournalSize, "how many of the last requests GET /_admin/requests keeps; 0 turns the journal off")
	fs.StringVar(&fl.tls.cert, "tls-cert", "", "serve HTTPS with this certificate (PEM; with --tls-key)")
	fs.StringVar(&fl.tls.key, "tls-key", "", "the private key of --tls-cert (PEM)")
	fs.BoolVar(&fl.tls.generate, "tls", false, "serve HTTPS with a self-signed certificate made at start, for localhost, 127.0.0.1, ::1 and the host of --addr")
	fs.StringVar(&fl.tls.certOut, "tls-cert-out", "", "where --tls writes its certificate, for clients to trust (curl --cacert FILE); default: coupa-users-PORT.pem in the temporary folder")
	fs.StringVar(&fl.logLevel, "log-level", "info", "debug logs every request; info, warn or error")
	return fs
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var fl serveFlags
	fs := fl.flagSet()
	if done, code := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	opts, err := fl.options(stderr)
	if err == nil {
		err = fl.timeouts.check()
	}
	var tlsSetup *serveTLS
	if err == nil {
		tlsSetup, err = fl.tls.setup(fl.addr)
	}
	if err != nil {
		fmt.Fprintln(stderr, "coupa-users serve:", err)
		return exitUsage
	}
	return serve(ctx, fl.addr, opts, fl.timeouts, tlsSetup, stdout, stderr)
}

// options turns the flags into fake.Options, reading the files they name.
func (fl *serveFlags) options(stderr io.Writer) (fake.Options, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(fl.logLevel)); err != nil {
		return fake.Options{}, fmt.Errorf("--log-level: %w", err)
	}
	opts := fake.Options{
		Users: fl.users, Seed: fl.seed, StatePath: fl.state, AdminToken: fl.adminToken,
		DefaultFormat: fl.format, ValidationStatus: fl.validationStatus, CreateStatus: fl.createStatus,
		StrictReferences: fl.strictReferences, StrictFields: fl.strictFields, NoAuth: fl.authMode == "off",
		Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
	}
	if fl.users == 0 {
		opts.Users = -1 // 0 means the default in Options; the flag's 0 means none
	}
	switch {
	case fl.journalSize < 0:
		return opts, fmt.Errorf("--journal-size %d: a number of requests, 0 for none", fl.journalSize)
	case fl.journalSize == 0:
		opts.JournalSize = -1 // as --users: 0 is the default in Options, none for the flag
	default:
		opts.JournalSize = fl.journalSize
	}
	for _, h := range strings.Split(fl.allowedHosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			opts.AllowedHosts = append(opts.AllowedHosts, h)
		}
	}
	switch fl.authMode {
	case "on", "off":
	default:
		return opts, fmt.Errorf("--auth must be on or off, not %q", fl.authMode)
	}
	for _, o := range strings.Split(fl.corsOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			opts.CORSOrigins = append(opts.CORSOrigins, o)
		}
	}
	if err := fake.CheckCORSOrigins(opts.CORSOrigins); err != nil {
		return opts, fmt.Errorf("--cors-origins: %w", err)
	}
	switch fl.requestFaults {
	case "on":
	case "off":
		opts.NoRequestFaults = true
	default:
		return opts, fmt.Errorf("--request-faults must be on or off, not %q", fl.requestFaults)
	}
	switch fl.format {
	case "xml", "json":
	default:
		return opts, fmt.Errorf("--default-format must be xml or json, not %q", fl.format)
	}
	for _, st := range []struct {
		flag    string
		v       int
		allowed []int
	}{
		{"validation-status", fl.validationStatus, []int{400, 422}},
		{"create-status", fl.createStatus, []int{201, 200}},
		{"scope-status", fl.scopeStatus, []int{403, 401}},
		{"invalid-client-status", fl.invalidClientStatus, []int{400, 401}},
	} {
		if !slices.Contains(st.allowed, st.v) {
			return opts, fmt.Errorf("--%s must be %d or %d, not %d", st.flag, st.allowed[0], st.allowed[1], st.v)
		}
	}
	switch fl.rolesUpdate {
	case "merge":
	case "replace":
		opts.ReplaceRoles = true
	default:
		return opts, fmt.Errorf("--roles-update must be merge or replace, not %q", fl.rolesUpdate)
	}
	switch fl.limitOverMax {
	case "clamp":
	case "reject":
		opts.RejectOverLimit = true
	default:
		return opts, fmt.Errorf("--limit-over-max must be clamp or reject, not %q", fl.limitOverMax)
	}
	ew, err := fake.ParseErrorWarnings(fl.errorWarnings)
	if err != nil {
		return opts, fmt.Errorf("--error-warnings must be inside, outside or omit, not %q", fl.errorWarnings)
	}
	opts.ErrorWarnings = ew
	if opts.Faults, err = parseRateLimit(fl.rateLimit); err != nil {
		return opts, fmt.Errorf("--rate-limit: %w", err)
	}
	loc, err := time.LoadLocation(fl.timezone)
	if err != nil {
		return opts, fmt.Errorf("--timezone: %w", err)
	}
	opts.Location = loc
	if fl.customFields != "" {
		data, err := os.ReadFile(fl.customFields)
		if err != nil {
			return opts, fmt.Errorf("--custom-fields: %w", err)
		}
		if opts.CustomFields, err = spec.ParseCustomFields(data); err != nil {
			return opts, fmt.Errorf("--custom-fields %s: %w", fl.customFields, err)
		}
	}
	if fl.fixtures != "" {
		f, err := os.Open(fl.fixtures)
		if err != nil {
			return opts, fmt.Errorf("--fixtures: %w", err)
		}
		defer f.Close()
		if opts.Fixtures, err = fixtures.ReadUsers(f); err != nil {
			return opts, fmt.Errorf("--fixtures %s: %w", fl.fixtures, err)
		}
		switch fl.fixturesMode {
		case "add":
		case "replace":
			opts.ReplaceGenerated = true
		default:
			return opts, fmt.Errorf("--fixtures-mode must be add or replace, not %q", fl.fixturesMode)
		}
	}
	if fl.responseFilters != "" {
		if opts.ResponseFilters, err = readResponseFilters(fl.responseFilters); err != nil {
			return opts, fmt.Errorf("--response-filters %s: %w", fl.responseFilters, err)
		}
	}
	if opts.Auth, err = fl.authConfigFromFlags(); err != nil {
		return opts, err
	}
	// The fake would refuse a bad credential setting (a token TTL under a second, an unknown scope) only when it
	// starts, as a failure to start; checking it here makes it a bad flag.
	if _, err := auth.New(opts.Auth); err != nil {
		return opts, err
	}
	return opts, nil
}

// readResponseFilters reads --response-filters' file; the fake checks each definition when it starts.
func readResponseFilters(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return fake.ReadResponseFilters(f)
}

// parseRateLimit reads --rate-limit: off, coupa (Coupa's 25 requests a second with bursts of 20), or RATE/BURST.
func parseRateLimit(v string) (fake.FaultConfig, error) {
	switch v {
	case "off", "":
		return fake.FaultConfig{}, nil
	case "coupa":
		return fake.FaultConfig{RateLimit: true, Rate: fake.CoupaRate, Burst: fake.CoupaBurst}, nil
	}
	r, b, ok := strings.Cut(v, "/")
	if !ok {
		return fake.FaultConfig{}, fmt.Errorf("want off, coupa or RATE/BURST such as 25/20, not %q", v)
	}
	rate, err := strconv.ParseFloat(r, 64)
	if err != nil || !(rate > 0) || math.IsInf(rate, 0) {
		return fake.FaultConfig{}, fmt.Errorf("%q: the rate %q is not a positive number of requests per second", v, r)
	}
	burst, err := strconv.Atoi(b)
	if err != nil || burst < 1 {
		return fake.FaultConfig{}, fmt.Errorf("%q: the burst %q is not a whole number of requests of at least 1", v, b)
	}
	return fake.FaultConfig{RateLimit: true, Rate: rate, Burst: burst}, nil
}

// authConfigFromFlags starts from the defaults (or the config file) and adds the clients and key the flags name.
// Naming a client or key replaces the default credentials, so that a demo can be locked to its own secrets.
func (fl *serveFlags) authConfigFromFlags() (auth.Config, error) {
	cfg := auth.DefaultConfig()
	if fl.authConfig != "" {
		var err error
		if cfg, err = auth.LoadConfigFile(fl.authConfig); err != nil {
			return cfg, fmt.Errorf("--auth-config: %w", err)
		}
	}
	custom := fl.clientID != "" || fl.clients != "" || fl.apiKey != ""
	if custom && fl.authConfig == "" {
		cfg.Clients, cfg.APIKeys = nil, nil
	}
	if (fl.clientID == "") != (fl.clientSecret == "") {
		return cfg, errors.New("--client-id and --client-secret go together")
	}
	if fl.clientID != "" {
		// No Scopes: every known scope, as the default full-access client.
		cfg.Clients = append(cfg.Clients, auth.Client{ID: fl.clientID, Secret: fl.clientSecret})
	}
	if fl.clients != "" {
		more, err := auth.ParseClients(fl.clients)
		if err != nil {
			return cfg, fmt.Errorf("--clients: %w", err)
		}
		cfg.Clients = append(cfg.Clients, more...)
	}
	if fl.apiKey != "" {
		cfg.APIKeys = append(cfg.APIKeys, auth.APIKey{Key: fl.apiKey})
	}
	if fl.tokenTTL != 0 {
		if fl.tokenTTL < time.Second || fl.tokenTTL%time.Second != 0 {
			return cfg, fmt.Errorf("--token-ttl %s: a token lives a whole number of seconds, at least 1s", fl.tokenTTL)
		}
		cfg.TokenTTL = fl.tokenTTL
	}
	cfg.InsufficientScopeStatus = fl.scopeStatus
	cfg.InvalidClientStatus = fl.invalidClientStatus
	return cfg, nil
}

// serve runs the fake until ctx ends (SIGINT or SIGTERM), then shuts down gracefully and folds the state's journal
// into its snapshot.
// With tlsSetup it serves HTTPS (nil: HTTP).
func serve(ctx context.Context, addr string, opts fake.Options, t timeouts, tlsSetup *serveTLS, stdout, stderr io.Writer) int {
	start := time.Now()
	f, err := fake.New(opts)
	if err != nil {
		fmt.Fprintln(stderr, "coupa-users serve:", err)
		return 1
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		f.Close()
		fmt.Fprintln(stderr, "coupa-users serve:", err)
		return 1
	}
	scheme, certPath := "http", ""
	if tlsSetup != nil {
		scheme = "https"
		if certPath, err = tlsSetup.writeCert(ln.Addr().(*net.TCPAddr).Port); err != nil {
			ln.Close()
			f.Close()
			fmt.Fprintln(stderr, "coupa-users serve:", err)
			return 1
		}
	}
	base := baseURL(scheme, ln.Addr())
	printBanner(stdout, base, certPath, f, opts.NoAuth, time.Since(start))
	if base != scheme+"://"+ln.Addr().String() {
		fmt.Fprintf(stdout, "\nListening on %s, every interface: callers from elsewhere (a container's published port\n"+
			"included) are not loopback, and reach the admin surface only with --admin-token.\n", ln.Addr())
	}
	if opts.Logger != nil {
		for _, w := range exposureWarnings(ln.Addr(), f.AuthConfig(), opts.NoAuth) {
			opts.Logger.Warn(w, "addr", ln.Addr().String())
		}
	}
	srv := newHTTPServer(f, t)
	ln = linger.Serve(srv, ln)
	errc := make(chan error, 1)
	if tlsSetup != nil {
		srv.TLSConfig = tlsSetup.config
		go func() { errc <- srv.ServeTLS(ln, "", "") }()
	} else {
		go func() { errc <- srv.Serve(ln) }()
	}
	select {
	case err := <-errc:
		fmt.Fprintln(stderr, "coupa-users serve:", err)
		f.Close()
		return 1
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "Shutting down...")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = errors.Join(srv.Shutdown(shutdownCtx), f.Close())
	if err != nil {
		fmt.Fprintln(stderr, "coupa-users serve:", err)
		return 1
	}
	return 0
}

// baseURL is the URL a user can open for the listener: a server on every interface (0.0.0.0:8080, [::]:8080, :8080)
// is not reachable at the unspecified address on every system, and a browser refuses it, so localhost stands in.
func baseURL(scheme string, addr net.Addr) string {
	if tcp, ok := addr.(*net.TCPAddr); ok && (tcp.IP == nil || tcp.IP.IsUnspecified()) {
		return scheme + "://" + net.JoinHostPort("localhost", strconv.Itoa(tcp.Port))
	}
	return scheme + "://" + addr.String()
}

// exposureWarnings says what is unsafe about serving on addr: beyond loopback, anyone who reaches the port can use
// the public default credentials, or no credentials at all with --auth off.
func exposureWarnings(addr net.Addr, cfg auth.Config, noAuth bool) []string {
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
		return nil
	}
	if noAuth {
		return []string{"SERVING BEYOND LOOPBACK WITH --auth off: anyone who reaches this address can read and change every user"}
	}
	var public []string
	for _, c := range cfg.Clients {
		if auth.IsDefaultClient(c) {
			public = append(public, "client "+c.ID)
		}
	}
	for _, k := range cfg.APIKeys {
		if auth.IsDefaultKey(k) {
			public = append(public, "the default API key")
		}
	}
	if len(public) == 0 {
		return nil
	}
	return []string{"SERVING BEYOND LOOPBACK WITH THE DEFAULT CREDENTIALS (" + strings.Join(public, ", ") +
		"): their secrets are public; set --client-id/--client-secret, --clients or --auth-config"}
}

// printBanner says where the fake answers and with which credentials. The default secrets are public (the README
// prints them) and are shown; secrets the operator chose are not, as banners end up in CI logs.
// certPath is where a generated certificate was written ("" for none).
func printBanner(w io.Writer, base, certPath string, f *fake.Fake, noAuth bool, took time.Duration) {
	users, _ := f.Len(context.Background())
	cfg := f.AuthConfig()
	var b strings.Builder
	fmt.Fprintf(&b, "Coupa Users API fake (unofficial) %s, %d users, ready in %s\n\n", versionString(), users, took.Round(time.Millisecond))
	fmt.Fprintf(&b, "  Base URL:   %s\n", base)
	fmt.Fprintf(&b, "  Users API:  %s/api/users\n", base)
	fmt.Fprintf(&b, "  GraphQL:    %s%s (POST; users and user)\n", base, fake.GraphQLPath)
	fmt.Fprintf(&b, "  OpenAPI:    %s/openapi.yaml (and /openapi.json)\n", base)
	fmt.Fprintf(&b, "  Token URL:  %s%s (or %s)\n", base, fake.TokenPath, fake.AccessTokensPath)
	fmt.Fprintf(&b, "  Admin:      %s%s/ (loopback or --admin-token)\n", base, fake.AdminPrefix)
	if certPath != "" {
		fmt.Fprintf(&b, "  TLS:        a self-signed certificate made at start, %s (curl --cacert %s)\n", certPath, certPath)
	}
	if c := f.Faults(); c.RateLimit {
		fmt.Fprintf(&b, "  Rate limit: %g requests per second per client, bursts of %d (429 beyond)\n", c.Rate, c.Burst)
	}
	if o := f.CORSOrigins(); len(o) > 0 {
		fmt.Fprintf(&b, "  CORS:       %s (the API and the token endpoint)\n", strings.Join(o, ", "))
	}
	if rf := f.ResponseFilters(); len(rf) > 0 {
		fmt.Fprintf(&b, "  Filters:    %s (filter=<name>)\n", strings.Join(slices.Sorted(maps.Keys(rf)), ", "))
	}
	if noAuth {
		b.WriteString("\nCredentials: none needed (--auth off)\n")
		io.WriteString(w, b.String())
		return
	}
	b.WriteString("\nCredentials:\n")
	for _, c := range cfg.Clients {
		fmt.Fprintf(&b, "  client %s / secret %s  (scopes: %s)\n", c.ID, shownSecret(c), describeScopes(c.Scopes, cfg.KnownScopes))
	}
	for _, k := range cfg.APIKeys {
		key := "(as configured, not shown)"
		if auth.IsDefaultKey(k) {
			key = k.Key
		}
		fmt.Fprintf(&b, "  X-COUPA-API-KEY: %s\n", key)
	}
	if len(cfg.Clients) > 0 {
		c := cfg.Clients[0]
		secret := "$CLIENT_SECRET"
		if auth.IsDefaultClient(c) {
			secret = c.Secret
		}
		fmt.Fprintf(&b, "\nFirst token:\n  curl -s -u %s:%s -d grant_type=client_credentials %s%s\n", c.ID, secret, base, fake.TokenPath)
	}
	io.WriteString(w, b.String())
}

// shownSecret is what the banner prints of a client's secret.
func shownSecret(c auth.Client) string {
	if auth.IsDefaultClient(c) {
		return c.Secret
	}
	return "(as configured, not shown)"
}

// describeScopes says in a line what a client holds: Coupa's catalogue has about 150 scopes, too many to list in a
// banner, so a client holding all of them, or all but a few, is described by what it lacks.
func describeScopes(held, known []string) string {
	if len(known) == 0 {
		known = spec.Scopes()
	}
	if len(held) == 0 {
		held = known
	}
	var missing []string
	for _, s := range known {
		if !slices.Contains(held, s) {
			missing = append(missing, s)
		}
	}
	switch {
	case len(missing) == 0 && len(known) > 5:
		return fmt.Sprintf("all %d", len(known))
	case len(missing) > 0 && len(missing) <= 3 && len(held) > 5:
		return fmt.Sprintf("all %d but %s", len(known), strings.Join(missing, " "))
	}
	return strings.Join(held, " ")
}

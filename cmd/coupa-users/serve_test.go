package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fake/auth"
	"github.com/coupa-kit/coupa-users/spec"
)

// syncBuffer lets the test read what serve prints while serve still runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestServeStartsAndStopsGracefully(t *testing.T) {
	dir := t.TempDir()
	fixturesFile := filepath.Join(dir, "users.json")
	os.WriteFile(fixturesFile, []byte(`[{"login":"fixture.user","email":"fixture.user@example.com","firstname":"Fix","lastname":"Ture"}]`), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--users", "5", "--fixtures", fixturesFile,
			"--client-id", "my-client", "--client-secret", "my-secret", "--api-key", "abcdefghijabcdefghijabcdefghijabcdefghij",
			"--error-warnings", "omit", "--rate-limit", "coupa"}, &out, &errOut)
	}()
	base := regexp.MustCompile(`Base URL:\s+(http://\S+)`)
	var url string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := base.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
			break
		}
	}
	if url == "" {
		cancel()
		t.Fatalf("no base URL printed; stdout %q stderr %q", out.String(), errOut.String())
	}
	banner := out.String()
	// 8 users: 5 generated, 1 fixture, and the API users of my-client and of the API key.
	for _, want := range []string{"/openapi.yaml", "/oauth2/access_tokens", "client my-client / secret (as configured, not shown)",
		"X-COUPA-API-KEY: (as configured, not shown)", "8 users", "Rate limit: 25 requests per second per client, bursts of 20",
		"curl -s -u my-client:$CLIENT_SECRET"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	for _, secret := range []string{"my-secret", "abcdefghij"} {
		if strings.Contains(banner, secret) {
			t.Errorf("the banner shows the custom secret %q:\n%s", secret, banner)
		}
	}
	if strings.Contains(banner, "coupa-fake-client") {
		t.Error("--client-id should replace the default credentials")
	}
	req, _ := http.NewRequest(http.MethodGet, url+"/api/users?login=fixture.user", nil)
	req.Header.Set("X-COUPA-API-KEY", "abcdefghijabcdefghijabcdefghijabcdefghij")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(body.String(), `"login":"fixture.user"`) {
		t.Errorf("fixture user: %d %s", resp.StatusCode, body.String())
	}
	// --error-warnings omit reaches the error bodies: older Coupa's form, without "warnings".
	req, _ = http.NewRequest(http.MethodGet, url+"/api/users/999999", nil)
	req.Header.Set("X-COUPA-API-KEY", "abcdefghijabcdefghijabcdefghijabcdefghij")
	req.Header.Set("Accept", "application/json")
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	body.Reset()
	body.ReadFrom(resp.Body)
	resp.Body.Close()
	if want := `{"errors":{"user":["Couldn't find User with 'id'=999999"]}}`; resp.StatusCode != 404 || body.String() != want {
		t.Errorf("unknown id with --error-warnings omit: %d %s, want 404 %s", resp.StatusCode, body.String(), want)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestServeRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--auth", "maybe"},
		{"serve", "--limit-over-max", "sometimes"},
		{"serve", "--error-warnings", "beside"},
		{"serve", "--client-id", "only-id"},
		{"serve", "--timezone", "Mars/Olympus"},
		{"serve", "--fixtures", "/no/such/file.json"},
		{"serve", "--validation-status", "418", "--addr", "127.0.0.1:0"},
		{"serve", "--invalid-client-status", "403", "--addr", "127.0.0.1:0"},
		{"serve", "--rate-limit", "lots"},
		{"serve", "--response-filters", "/no/such/file.json"},
		{"serve", "--default-format", "yaml", "--addr", "127.0.0.1:0"},
		{"serve", "--create-status", "202", "--addr", "127.0.0.1:0"},
		{"serve", "--scope-status", "404", "--addr", "127.0.0.1:0"},
		{"serve", "--token-ttl", "500ms", "--addr", "127.0.0.1:0"},
		{"serve", "--clients", "c:s:no.such.scope", "--addr", "127.0.0.1:0"},
		{"serve", "--log-level", "loud"},
		{"serve", "--read-timeout", "-1s"},
		{"serve", "--users", "many"},
		{"serve", "--request-faults", "maybe"},
		{"serve", "--cors-origins", "localhost:3000", "--addr", "127.0.0.1:0"},
		{"serve", "--journal-size", "-1"},
		{"serve", "--no-such-flag"},
		{"serve", "extra"},
	} {
		// Every bad flag value is a usage error (2), said on stderr, before anything starts: a fake that failed
		// to start (1) would have printed nothing on stdout either, so the test also holds stdout empty.
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != exitUsage || errOut.Len() == 0 || out.Len() != 0 {
			t.Errorf("%v: exit %d, want %d; stdout %q, stderr %q", args, code, exitUsage, out.String(), errOut.String())
		}
	}
}

// serveOptions parses serve's flags into the fake's options, as the command does, and builds the fake.
func serveOptions(t *testing.T, args ...string) (*fake.Fake, error) {
	t.Helper()
	var fl serveFlags
	fs := fl.flagSet()
	fs.SetOutput(io.Discard)
	if err := fs.Parse(append([]string{"--users", "1"}, args...)); err != nil {
		t.Fatal(err)
	}
	opts, err := fl.options(io.Discard)
	if err != nil {
		return nil, err
	}
	f, err := fake.New(opts)
	if err == nil {
		t.Cleanup(func() { f.Close() })
	}
	return f, err
}

func TestServeGrantsCatalogueScopes(t *testing.T) {
	baton := []string{"core.business_entity.read", "core.common.read", "core.user_group.read", "core.user.read", "email", "login", "openid", "profile"}
	cfgFile := filepath.Join(t.TempDir(), "auth.json")
	os.WriteFile(cfgFile, []byte(`{"clients":[{"id":"file","secret":"s","scopes":["core.user_group.write","core.user.read"]}]}`), 0o644)
	for _, tc := range []struct {
		name   string
		args   []string
		client string
		ask    []string
	}{
		{"--clients", []string{"--clients", "baton:s:" + strings.Join(baton, "+")}, "baton", baton},
		{"--auth-config", []string{"--auth-config", cfgFile}, "file", []string{"core.user_group.write"}},
		{"--client-id holds all", []string{"--client-id", "mine", "--client-secret", "s"}, "mine", spec.Scopes()},
		{"defaults", nil, "coupa-fake-reader", baton},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := serveOptions(t, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Auth().Issue(tc.client, tc.ask...); err != nil {
				t.Fatal(err)
			}
		})
	}
	if _, err := serveOptions(t, "--clients", "x:s:core.user.read+core.ct-unknown.read"); err == nil ||
		!strings.Contains(err.Error(), `unknown scope "core.ct-unknown.read"`) || strings.Contains(err.Error(), "core.accounting.read") {
		t.Errorf("unknown scope in --clients: %v", err)
	}
}

func TestDescribeScopes(t *testing.T) {
	all := spec.Scopes()
	reader := slices.DeleteFunc(spec.Scopes(), func(s string) bool { return s == "core.user.write" })
	n := strconv.Itoa(len(all))
	for _, tc := range []struct {
		held, known []string
		want        string
	}{
		{nil, nil, "all " + n},
		{all, nil, "all " + n},
		{reader, nil, "all " + n + " but core.user.write"},
		{[]string{"core.user.read", "openid"}, nil, "core.user.read openid"},
		{nil, []string{"a.read", "b.write"}, "a.read b.write"},
	} {
		if got := describeScopes(tc.held, tc.known); got != tc.want {
			t.Errorf("describeScopes(%d held, %v) = %q, want %q", len(tc.held), tc.known, got, tc.want)
		}
	}
}

func TestServeInvalidClientStatus(t *testing.T) {
	for args, want := range map[string]int{"": http.StatusBadRequest, "--invalid-client-status=401": http.StatusUnauthorized, "--invalid-client-status=400": http.StatusBadRequest} {
		f, err := serveOptions(t, strings.Fields(args)...)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.AuthConfig().InvalidClientStatus; got != want {
			t.Errorf("%q: InvalidClientStatus %d, want %d", args, got, want)
		}
	}
}

func TestParseRateLimit(t *testing.T) {
	for in, want := range map[string]fake.FaultConfig{
		"off":    {},
		"coupa":  {RateLimit: true, Rate: 25, Burst: 20},
		"25/20":  {RateLimit: true, Rate: 25, Burst: 20},
		"0.5/1":  {RateLimit: true, Rate: 0.5, Burst: 1},
		"100/50": {RateLimit: true, Rate: 100, Burst: 50},
	} {
		got, err := parseRateLimit(in)
		if err != nil || got != want {
			t.Errorf("parseRateLimit(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"on": "want off, coupa or RATE/BURST", "25": "want off, coupa or RATE/BURST", "Coupa": "want off",
		"0/20": "rate", "-1/20": "rate", "x/20": "rate", "NaN/20": "rate", "Inf/20": "rate", "/20": "rate",
		"25/0": "burst", "25/1.5": "burst", "25/": "burst", "25/20/5": "burst",
	} {
		if _, err := parseRateLimit(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseRateLimit(%q): %v, want an error about %q", in, err, want)
		}
	}
}

func TestServeRateLimitFlag(t *testing.T) {
	f, err := serveOptions(t, "--rate-limit", "coupa")
	if err != nil {
		t.Fatal(err)
	}
	if c := f.Faults(); !c.RateLimit || c.Rate != 25 || c.Burst != 20 {
		t.Errorf("--rate-limit coupa: %+v", c)
	}
	if f, err = serveOptions(t); err != nil || f.Faults().RateLimit {
		t.Errorf("off by default: %v %+v", err, f.Faults())
	}
	if _, err := serveOptions(t, "--rate-limit", "fast"); err == nil || !strings.Contains(err.Error(), "--rate-limit") {
		t.Errorf("bad --rate-limit: %v", err)
	}
}

func TestServeResponseFiltersFlag(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("good.json", `{"ids-and-logins": ["id","login"], "with-roles": ["id","login",{"roles":["name"]}]}`)
	f, err := serveOptions(t, "--response-filters", good)
	if err != nil {
		t.Fatal(err)
	}
	if rf := f.ResponseFilters(); len(rf) != 2 || rf["with-roles"] != `["id","login",{"roles":["name"]}]` {
		t.Errorf("filters: %v", rf)
	}
	var banner bytes.Buffer
	printBanner(&banner, "http://127.0.0.1:1", "", f, false, 0)
	if !strings.Contains(banner.String(), "Filters:    ids-and-logins, with-roles (filter=<name>)") {
		t.Errorf("banner: %s", banner.String())
	}
	for file, want := range map[string]string{
		write("array.json", `[["id"]]`):              "--response-filters " + dir + "/array.json: response filters: want a JSON object",
		write("bad.json", `{"x": ["id"`):             "--response-filters " + dir + "/bad.json: response filters:",
		write("def.json", `{"x": "id"}`):             "response filter 'x': 'fields' must be a JSON array",
		write("strict.json", `{"x": ["id","nope"]}`): "response filter 'x': Unknown field 'nope' in 'fields'",
	} {
		_, err := serveOptions(t, "--response-filters", file, "--strict-fields")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", file, err, want)
		}
	}
}

func TestServeAllowedHostsFlag(t *testing.T) {
	f, err := serveOptions(t, "--allowed-hosts", "fake.test, other.test:9")
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]int{"fake.test:8080": 200, "other.test:9": 200, "evil.example:8080": 403} {
		req := httptest.NewRequest(http.MethodGet, fake.AdminPrefix+"/faults", nil)
		req.RemoteAddr, req.Host = "127.0.0.1:5555", host
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Host %s: %d, want %d: %s", host, rec.Code, want, rec.Body)
		}
	}
}

func TestBannerCredentials(t *testing.T) {
	banner := func(args ...string) string {
		f, err := serveOptions(t, args...)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		printBanner(&b, "http://127.0.0.1:1", "", f, slices.Contains(args, "off"), 0)
		return b.String()
	}
	// The default secrets are public: shown, with a first token request that works as printed.
	def := banner()
	for _, want := range []string{"client coupa-fake-client / secret coupa-fake-secret", "X-COUPA-API-KEY: " + auth.DefaultAPIKey,
		"curl -s -u coupa-fake-client:coupa-fake-secret"} {
		if !strings.Contains(def, want) {
			t.Errorf("default banner lacks %q:\n%s", want, def)
		}
	}
	off := banner("--auth", "off")
	if !strings.Contains(off, "none needed (--auth off)") || strings.Contains(off, "secret") || strings.Contains(off, auth.DefaultAPIKey) {
		t.Errorf("--auth off banner:\n%s", off)
	}
	mixed := banner("--clients", "mine:s3cr3t-value")
	if strings.Contains(mixed, "s3cr3t-value") || !strings.Contains(mixed, "client mine / secret (as configured, not shown)") {
		t.Errorf("custom client banner:\n%s", mixed)
	}
}

func TestExposureWarnings(t *testing.T) {
	loop := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}
	all := &net.TCPAddr{IP: net.IPv4zero, Port: 8080}
	custom := auth.Config{Clients: []auth.Client{{ID: "mine", Secret: "s3cr3t"}}}
	for _, c := range []struct {
		name   string
		addr   net.Addr
		cfg    auth.Config
		noAuth bool
		want   string
	}{
		{"loopback, defaults", loop, auth.DefaultConfig(), false, ""},
		{"all interfaces, defaults", all, auth.DefaultConfig(), false, "DEFAULT CREDENTIALS (client coupa-fake-client, client coupa-fake-reader, the default API key)"},
		{"all interfaces, custom", all, custom, false, ""},
		{"all interfaces, auth off", all, custom, true, "--auth off"},
		{"loopback, auth off", loop, custom, true, ""},
	} {
		got := strings.Join(exposureWarnings(c.addr, c.cfg, c.noAuth), "; ")
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestBaseURLOpensInABrowser(t *testing.T) {
	for _, c := range []struct {
		addr *net.TCPAddr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, "http://localhost:8080"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "http://localhost:8080"},
		{&net.TCPAddr{Port: 8080}, "http://localhost:8080"},
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 9000}, "http://[::1]:9000"},
		{&net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 80}, "http://192.0.2.7:80"},
	} {
		if got := baseURL("http", c.addr); got != c.want {
			t.Errorf("baseURL(%s) = %s, want %s", c.addr, got, c.want)
		}
	}
}

func TestServeJournalSizeFlag(t *testing.T) {
	send := func(f *fake.Fake, n int) {
		for range n {
			f.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
		}
	}
	f, err := serveOptions(t, "--journal-size", "2")
	if err != nil {
		t.Fatal(err)
	}
	send(f, 3)
	if got := f.Requests(); len(got) != 2 || got[1].Seq != 3 {
		t.Errorf("--journal-size 2 kept %d requests", len(got))
	}
	if f, err = serveOptions(t, "--journal-size", "0"); err != nil {
		t.Fatal(err)
	}
	send(f, 1)
	if got := f.Requests(); got != nil {
		t.Errorf("--journal-size 0 kept %d requests", len(got))
	}
	if _, err := serveOptions(t, "--journal-size", "-5"); err == nil || !strings.Contains(err.Error(), "--journal-size") {
		t.Errorf("a negative --journal-size: %v", err)
	}
}

func TestServeRequestFaultsFlag(t *testing.T) {
	for _, c := range []struct {
		value string
		want  int
	}{{"on", 503}, {"off", 200}} {
		f, err := serveOptions(t, "--request-faults", c.value, "--auth", "off")
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodGet, "/api/users/1", nil)
		req.Header.Set(fake.FaultHeader, "status=503")
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("--request-faults %s: %d, want %d", c.value, rec.Code, c.want)
		}
	}
}

func TestServeCORSOriginsFlag(t *testing.T) {
	f, err := serveOptions(t, "--cors-origins", "http://localhost:3000, https://app.example")
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodOptions, "/api/users", nil)
	req.Header.Set("Origin", "https://app.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, req)
	if rec.Code != 204 || rec.Header().Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("a preflight of a listed origin: %d %v", rec.Code, rec.Header())
	}
	var out bytes.Buffer
	printBanner(&out, "http://127.0.0.1:1", "", f, false, 0)
	if !strings.Contains(out.String(), "CORS:       http://localhost:3000, https://app.example") {
		t.Errorf("the banner:\n%s", out.String())
	}
}

// Command hostile is the load of .ci/hostile: it sends a running fake tens of thousands of generated hostile
// requests (malformed, deep, wide and badly encoded bodies, odd paths, queries, methods, headers and credentials,
// token endpoint and admin abuse, XML entity tricks) and fails on any answer of 500 or more, on any request the
// fake does not answer within the timeout or whose answer it cuts short, and on any /healthz poll that is not 200.
// The requests are the same for the same -seed.
//
// Most requests carry a valid access token, got first with the client credentials, so that they reach the
// handlers rather than stop at the authentication check; the summary says how many got past it per category. The
// admin category runs last, alone, and the admin state it may have changed (users, faults, clock, response filters)
// is put back afterwards.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("base", "", "the fake's base URL")
	seed := flag.Uint64("seed", 1, "seed of the generated requests: the same seed sends the same requests")
	per := flag.Int("per-category", 1500, "requests generated per category")
	workers := flag.Int("workers", 8, "concurrent requests")
	timeout := flag.Duration("timeout", 10*time.Second, "a request not answered within this is a hang")
	healthEvery := flag.Int("health-every", 500, "poll /healthz after this many requests")
	only := flag.String("only", "", "run only this category")
	dump := flag.String("dump", "", "write each failed request whole, as raw HTTP, to a file in this directory")
	flag.Parse()
	if *base == "" {
		fmt.Fprintln(os.Stderr, "hostile: -base is required")
		os.Exit(2)
	}
	u, err := url.Parse(*base)
	if err != nil || u.Host == "" {
		fmt.Fprintln(os.Stderr, "hostile: bad -base:", *base)
		os.Exit(2)
	}
	r := &runner{
		base:    strings.TrimSuffix(*base, "/"),
		host:    u.Host,
		timeout: *timeout,
		every:   int64(*healthEvery),
		client: &http.Client{
			Transport: &http.Transport{MaxIdleConnsPerHost: *workers, DisableCompression: true},
			// A redirect is an answer: following it would send the request somewhere the generator did not choose.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		stats: map[string]*stats{},
		only:  *only,
		dump:  *dump,
	}
	os.Exit(r.run(*seed, *per, *workers))
}

// request is one generated request. target is the request target exactly as sent (path and query, any bytes).
type request struct {
	method string
	target string
	header http.Header
	body   []byte
	// token says to send the access token, unless header has an Authorization of its own.
	token bool
}

// stats are one category's results.
type stats struct {
	sent, pastAuth int
	cut            int // answers whose connection was closed before their body was read
	took           time.Duration
	statuses       map[int]int
	failures       []string // the first few, as reproducers
	failed         int
}

type runner struct {
	base, host string
	client     *http.Client
	timeout    time.Duration
	every      int64
	only, dump string
	token      atomic.Value // string

	done        atomic.Int64
	healthPolls atomic.Int64

	mu          sync.Mutex
	stats       map[string]*stats
	healthFails []string
	tokenRenews int
}

const maxShown = 5 // reproducers shown per category

func (r *runner) run(seed uint64, per, workers int) int {
	start := time.Now()
	if err := r.health(); err != nil {
		fmt.Fprintln(os.Stderr, "hostile: the fake is not healthy before the run:", err)
		return 2
	}
	tok, err := r.newToken()
	if err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		return 2
	}
	r.token.Store(tok)
	sample, err := r.sampleUser()
	if err != nil {
		fmt.Fprintln(os.Stderr, "hostile: reading a user to learn the elements:", err)
		return 2
	}
	fields := fieldsOf(sample)

	// Two phases: every category but admin, interleaved; then admin alone, whose writes may reset the users or set
	// faults and the clock, and are undone before the end. Each category draws from its own random stream, so its
	// requests are the same whatever the interleaving; they are generated as they are sent, to keep memory small.
	var api, admin []int // category indexes, one per request, in sending order
	gens := make([]*gen, len(categories))
	for i, c := range categories {
		if r.only != "" && c.name != r.only {
			continue
		}
		gens[i] = newGen(seed, uint64(i), fields)
		for range per {
			if c.admin {
				admin = append(admin, i)
			} else {
				api = append(api, i)
			}
		}
	}
	shuffle := rand.New(rand.NewPCG(seed, 1<<32))
	shuffle.Shuffle(len(api), func(i, j int) { api[i], api[j] = api[j], api[i] })

	r.ensureToken()
	r.send(api, gens, workers)
	r.ensureToken()
	r.send(admin, gens, workers)
	restoreErr := r.restoreAdmin()
	r.ensureToken()
	if err := r.health(); err != nil {
		r.healthFail("after the run: " + err.Error())
	}
	return r.report(time.Since(start), restoreErr)
}

type job struct {
	cat string
	req request
}

// send generates and sends the requests of the categories in order on workers goroutines, polling /healthz every
// r.every requests.
func (r *runner) send(order []int, gens []*gen, workers int) {
	ch := make(chan job, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range ch {
				r.do(j)
				if n := r.done.Add(1); n%r.every == 0 {
					if err := r.health(); err != nil {
						r.healthFail(fmt.Sprintf("after %d requests: %v", n, err))
					}
				}
			}
		})
	}
	for _, i := range order {
		ch <- job{cat: categories[i].name, req: categories[i].gen(gens[i])}
	}
	close(ch)
	wg.Wait()
}

// do sends one request and records its outcome.
func (r *runner) do(j job) {
	start := time.Now()
	status, err := r.roundTrip(j.req, r.token.Load().(string))
	took := time.Since(start)
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stats[j.cat]
	if s == nil {
		s = &stats{statuses: map[int]int{}}
		r.stats[j.cat] = s
	}
	s.sent++
	s.took += took
	var why string
	switch {
	case errors.Is(err, errCut):
		s.cut++
		s.statuses[status]++
		if status != http.StatusUnauthorized && status != http.StatusForbidden {
			s.pastAuth++
		}
		// The fake drains what a client still sends before it closes (internal/linger), so an answer cut short
		// is one a client could not read whole.
		why = "status " + strconv.Itoa(status) + ", " + err.Error()
	case err != nil:
		why = err.Error()
		s.statuses[0]++
	default:
		s.statuses[status]++
		if status != http.StatusUnauthorized && status != http.StatusForbidden {
			s.pastAuth++
		}
		if status >= 500 {
			why = "status " + strconv.Itoa(status)
		}
	}
	if why != "" {
		s.failed++
		if len(s.failures) < maxShown {
			s.failures = append(s.failures, why+"\n      "+r.curl(j.req))
		}
		if r.dump != "" {
			r.dumpRequest(fmt.Sprintf("%s-%d.http", j.cat, s.failed), j.req)
		}
	}
}

// roundTrip sends req and returns the status, reading the whole answer; an error is a failure, a timeout a hang.
func (r *runner) roundTrip(req request, token string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, req.method, r.base, bytes.NewReader(req.body))
	if err != nil {
		return 0, fmt.Errorf("building the request: %w", err)
	}
	// Opaque is sent as the request target byte for byte: no escaping, no cleaning of dot segments.
	hr.URL = &url.URL{Scheme: "http", Host: r.host, Opaque: req.target}
	for k, v := range req.header {
		hr.Header[k] = v
	}
	if req.token && hr.Header.Get("Authorization") == "" {
		hr.Header.Set("Authorization", "Bearer "+token)
	}
	if host := hr.Header.Get("Host"); host != "" {
		hr.Host = host
		hr.Header.Del("Host")
	}
	resp, err := r.client.Do(hr)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, fmt.Errorf("hang: no answer within %v", r.timeout)
		}
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return resp.StatusCode, fmt.Errorf("hang: status %d but the body did not end within %v", resp.StatusCode, r.timeout)
		}
		// The server answered, then closed the connection before the client had sent everything: an answer,
		// cut short.
		return resp.StatusCode, fmt.Errorf("%w: %v", errCut, err)
	}
	return resp.StatusCode, nil
}

// errCut is an answer whose body the connection's close cut short.
var errCut = errors.New("answer cut short")

// curl spells req as a curl command line, long values and bodies truncated.
func (r *runner) curl(req request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "curl -sS -g -X %s", shellQuote(req.method))
	keys := make([]string, 0, len(req.header))
	for k := range req.header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range req.header[k] {
			fmt.Fprintf(&b, " -H %s", shellQuote(k+": "+truncate(v, 120)))
		}
	}
	if req.token && req.header.Get("Authorization") == "" {
		b.WriteString(` -H "Authorization: Bearer $TOKEN"`)
	}
	if len(req.body) > 0 {
		fmt.Fprintf(&b, " --data-binary %s", shellQuote(truncate(string(req.body), 300)))
	}
	fmt.Fprintf(&b, " %s", shellQuote(r.base+truncate(req.target, 300)))
	return b.String()
}

// dumpRequest writes req whole, as raw HTTP/1.1 (replay it with nc), for a failure the truncated curl line
// does not reproduce.
func (r *runner) dumpRequest(name string, req request) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.method, req.target, r.host)
	for k, vs := range req.header {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	if req.token && req.header.Get("Authorization") == "" {
		fmt.Fprintf(&b, "Authorization: Bearer %s\r\n", r.token.Load().(string))
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\nConnection: close\r\n\r\n", len(req.body))
	b.Write(req.body)
	if err := os.WriteFile(filepath.Join(r.dump, name), b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("...(%d bytes in all)", len(s))
}

// shellQuote quotes s for bash: $'...' with escapes when it holds bytes a terminal would not show as they are.
func shellQuote(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '\'' || c == '\\' {
			plain = false
			break
		}
	}
	if plain {
		return "'" + s + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteString("'")
	return b.String()
}

// health polls /healthz once.
func (r *runner) health() error {
	r.healthPolls.Add(1)
	status, err := r.roundTrip(request{method: http.MethodGet, target: "/healthz"}, "")
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("/healthz answered %d", status)
	}
	return nil
}

func (r *runner) healthFail(why string) {
	r.mu.Lock()
	r.healthFails = append(r.healthFails, why)
	r.mu.Unlock()
}

// newToken gets an access token with the client credentials, as a client would.
func (r *runner) newToken() (string, error) {
	req, _ := http.NewRequest(http.MethodPost, r.base+"/oauth2/token",
		strings.NewReader("grant_type=client_credentials&scope=core.user.read+core.user.write"))
	req.SetBasicAuth("coupa-fake-client", "coupa-fake-secret")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := r.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("getting a token: %w", err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK || body.AccessToken == "" {
		return "", fmt.Errorf("getting a token: status %d (%v)", resp.StatusCode, err)
	}
	return body.AccessToken, nil
}

// ensureToken checks that the token still works and gets a new one if it does not, so that a phase does not
// measure a self-inflicted 401 storm.
func (r *runner) ensureToken() {
	status, err := r.roundTrip(request{method: http.MethodGet, target: "/api/users?limit=1",
		header: http.Header{"Accept": {"application/json"}}, token: true}, r.token.Load().(string))
	if err == nil && status == http.StatusOK {
		return
	}
	tok, terr := r.newToken()
	if terr != nil {
		r.healthFail(fmt.Sprintf("the token stopped working (status %d, %v) and a new one could not be got: %v", status, err, terr))
		return
	}
	r.token.Store(tok)
	r.mu.Lock()
	r.tokenRenews++
	r.mu.Unlock()
}

// sampleUser reads one user in JSON, to learn the elements and their kinds.
func (r *runner) sampleUser() (map[string]any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.base+"/api/users?limit=1&offset=5", nil)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+r.token.Load().(string))
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var users []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&users); err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, errors.New("no users")
	}
	return users[0], nil
}

// restoreAdmin undoes what the admin category may have changed.
func (r *runner) restoreAdmin() error {
	h := http.Header{"X-Coupa-Users-Admin": {"1"}}
	for _, step := range []request{
		{method: http.MethodDelete, target: "/_admin/faults", header: h},
		{method: http.MethodDelete, target: "/_admin/clock", header: h},
		{method: http.MethodDelete, target: "/_admin/response-filters", header: h},
		{method: http.MethodPost, target: "/_admin/reset", header: h},
	} {
		status, err := r.roundTrip(step, "")
		if err != nil || status != http.StatusOK {
			return fmt.Errorf("restoring: %s %s: status %d, %v", step.method, step.target, status, err)
		}
	}
	return nil
}

// report prints the summary and returns the exit status.
func (r *runner) report(took time.Duration, restoreErr error) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	total, failed, past, cut := 0, 0, 0, 0
	fmt.Printf("%-16s %6s %9s %4s %4s %6s  %s\n", "category", "sent", "past-auth", "cut", "fail", "avg-ms", "statuses (count per status; 0: no answer)")
	for _, c := range categories {
		s := r.stats[c.name]
		if s == nil {
			continue
		}
		total += s.sent
		failed += s.failed
		past += s.pastAuth
		codes := make([]int, 0, len(s.statuses))
		for k := range s.statuses {
			codes = append(codes, k)
		}
		slices.Sort(codes)
		var parts []string
		for _, k := range codes {
			parts = append(parts, fmt.Sprintf("%d:%d", k, s.statuses[k]))
		}
		avg := float64(s.took.Microseconds()) / 1000 / float64(s.sent)
		fmt.Printf("%-16s %6d %9d %4d %4d %6.1f  %s\n", c.name, s.sent, s.pastAuth, s.cut, s.failed, avg, strings.Join(parts, " "))
		cut += s.cut
	}
	fmt.Printf("%-16s %6d %9d %4d %4d\n", "all", total, past, cut, failed)
	fmt.Printf("%d /healthz polls, %d token renewals, %v\n", r.healthPolls.Load(), r.tokenRenews, took.Round(time.Millisecond))
	bad := failed > 0 || len(r.healthFails) > 0 || restoreErr != nil
	for _, c := range categories {
		if s := r.stats[c.name]; s != nil && s.failed > 0 {
			fmt.Printf("\nFAIL %s: %d requests failed; the first %d:\n", c.name, s.failed, len(s.failures))
			for _, f := range s.failures {
				fmt.Printf("  - %s\n", f)
			}
		}
	}
	for _, h := range r.healthFails {
		fmt.Printf("\nFAIL health: %s\n", h)
	}
	if restoreErr != nil {
		fmt.Printf("\nFAIL %v\n", restoreErr)
	}
	if bad {
		return 1
	}
	fmt.Printf("hostile: %d requests, no answer of 500 or more, no hang, /healthz always 200\n", total)
	return 0
}

package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/contract"
	"github.com/coupa-kit/coupa-users/contract/contracttest"
	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fake/auth"
	"github.com/coupa-kit/coupa-users/spec"
)

// requireClean fails the test for every check that did not pass (skips excepted) and every user left active.
func requireClean(t *testing.T, rep *contract.Report) {
	t.Helper()
	if len(rep.Failed()) > 0 {
		var b strings.Builder
		rep.WriteFailures(&b)
		t.Errorf("the clean fake failed %d checks:\n%s", len(rep.Failed()), b.String())
	}
	for _, u := range rep.Created {
		if !u.Deactivated {
			t.Errorf("user %d (%s) was not deactivated: %s", u.ID, u.Login, u.Error)
		}
	}
}

// The clean fake passes every check, in both formats. Read-only mode runs the whole suite, and sends nothing but GET
// and the token request and GraphQL queries (counted at the server); write mode then runs the checks read-only mode skipped, so that
// every check runs once against the clean fake. (TestPlausibleVariantsPass runs the whole suite in write mode, the
// reading checks among the writes.) A full run's time is BenchmarkFullRun's to measure.
func TestCleanFakePassesEverything(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	counter := &methodCounter{next: f}
	cfg := config(counter)
	cfg.ReadOnly = true
	ro, err := contract.Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	requireClean(t, ro)
	if ro.Summary.Passed < 120 {
		t.Errorf("read-only mode: only %d checks passed", ro.Summary.Passed)
	}
	if len(ro.Formats) != 2 {
		t.Errorf("read-only mode: formats %v, want both", ro.Formats)
	}
	t.Logf("read-only mode: %d passed, %d skipped, %d requests; the server saw %v", ro.Summary.Passed,
		ro.Summary.Skipped, ro.Requests.Total, counter.seen)
	if len(ro.Created) > 0 {
		t.Errorf("read-only mode created users: %+v", ro.Created)
	}
	for key, n := range counter.seen {
		if key != http.MethodGet && key != "POST /oauth2/token" && key != "POST "+spec.GraphQLPath {
			t.Errorf("read-only mode sent %d × %s", n, key)
		}
	}
	if counter.seen[http.MethodGet] < 100 {
		t.Errorf("only %d GET requests", counter.seen[http.MethodGet])
	}
	var skipped []string
	for _, c := range ro.Checks {
		if strings.HasPrefix(c.Name, "writing/") && c.Verdict != contract.Skip {
			t.Errorf("%s ran in read-only mode", c.Name)
		}
		if c.Verdict == contract.Skip {
			skipped = append(skipped, c.Name)
		}
	}
	if len(skipped) == 0 {
		t.Fatal("read-only mode skipped nothing: the writing checks ran")
	}

	cfg = config(f)
	cfg.Only = skipped
	rw, err := contract.Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	requireClean(t, rw)
	if len(rw.Checks) != len(skipped) {
		t.Errorf("write mode ran %d checks, read-only mode skipped %d", len(rw.Checks), len(skipped))
	}
	if n := ro.Summary.Passed + rw.Summary.Passed; n < 170 {
		t.Errorf("only %d checks passed (%d in read-only mode, %d in write mode)", n, ro.Summary.Passed, rw.Summary.Passed)
	}
	if len(rw.Formats) != 2 {
		t.Errorf("write mode: formats %v, want both", rw.Formats)
	}
	t.Logf("write mode: %d passed, %d skipped, %d requests", rw.Summary.Passed, rw.Summary.Skipped, rw.Requests.Total)
	if len(rw.Created) == 0 {
		t.Error("write mode created no users")
	}
	requireOnlyUnmakeableSkips(t, rw)
	checkPrefixedInactive(t, f, rw.RunID, len(rw.Created))
}

func checkPrefixedInactive(t *testing.T, f *fake.Fake, runID string, want int) {
	t.Helper()
	users, err := f.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, u := range users {
		if !strings.HasPrefix(u.Login, runID+"-") {
			continue
		}
		n++
		if !u.Inactive {
			t.Errorf("user %d (%s) is still active", u.ID, u.Login)
		}
	}
	if n != want || n == 0 {
		t.Errorf("%d users carry the prefix %s, the report lists %d", n, runID, want)
	}
}

// An interrupted run still deactivates what it created, including a user whose create answered after the
// interruption (found by its prefix).
func TestInterruptedRunCleansUp(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	cfg := config(f)
	cfg.Only = []string{"writing", "security"}
	cfg.Progress = &cancelOn{substr: "writing/round-trip/create", cancel: cancel}
	rep, err := contract.Run(ctx, cfg)
	if err == nil || rep == nil {
		t.Fatalf("Run = %v, %v; want a partial report and context.Canceled", rep, err)
	}
	if !rep.Interrupted || rep.Passed() {
		t.Errorf("the report says interrupted=%v passed=%v", rep.Interrupted, rep.Passed())
	}
	if len(rep.Created) == 0 {
		t.Fatal("nothing created before the interruption")
	}
	requireClean(t, &contract.Report{Created: rep.Created})
	checkPrefixedInactive(t, f, rep.RunID, len(rep.Created))
	skipped := 0
	for _, c := range rep.Checks {
		if c.Verdict == contract.Skip {
			skipped++
		}
	}
	if skipped < 20 {
		t.Errorf("only %d checks marked skipped after the interruption", skipped)
	}
}

// cancelOn cancels a context when a progress line mentions substr.
type cancelOn struct {
	substr string
	cancel context.CancelFunc
}

func (c *cancelOn) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(c.substr)) {
		c.cancel()
	}
	return len(p), nil
}

// A 429 is retried with backoff, not reported as a failure.
func TestRateLimitedRequestsAreRetried(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var n atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			if i := n.Add(1); i%5 == 0 && i <= 15 {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusTooManyRequests)
				w.Write([]byte(`{"errors":{"base":["Rate limit exceeded"]}}`))
				return
			}
		}
		f.ServeHTTP(w, r)
	})
	cfg := config(h)
	cfg.Only = []string{"reading/paging"}
	cfg.Formats = []contract.Format{contract.FormatJSON}
	rep, err := contract.Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	requireClean(t, rep)
	if rep.Requests.RateLimited != 3 {
		t.Errorf("%d requests retried after a 429, want 3", rep.Requests.RateLimited)
	}
}

// The suite at its default rate (20 a second, bursts of 5) passes against Coupa's limit (25 a second, bursts of 20,
// per client) as the fake's --rate-limit coupa applies it: a 429, if timing brings one, is retried.
func TestSuiteUnderCoupasRateLimit(t *testing.T) {
	t.Parallel()
	f, err := fake.New(fake.Options{Users: 60, Faults: fake.FaultConfig{RateLimit: true}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	cfg := config(f)
	cfg.Rate = 0 // the suite's default
	cfg.Only = []string{"reading/paging", "security"}
	cfg.Formats = []contract.Format{contract.FormatJSON}
	rep, err := contract.Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	requireClean(t, rep)
}

// The rate limit holds at the server: no second sees more requests than the rate and the burst allow. Not parallel:
// it runs before the parallel tests, so that a starved process does not bunch its requests at the server.
func TestRateIsHonoured(t *testing.T) {
	f := newFake(t)
	var mu sync.Mutex
	var times []time.Time
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		f.ServeHTTP(w, r)
	})
	cfg := config(h)
	cfg.Rate, cfg.Burst = 40, 5
	// Many small requests (each element's filter), not the paging checks' large pages: the rate is what is measured.
	cfg.Only, cfg.Formats = []string{"reading/paging/limit", "reading/attributes"}, []contract.Format{contract.FormatJSON}
	rep, err := contract.Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	requireClean(t, rep)
	mu.Lock()
	defer mu.Unlock()
	if len(times) < 30 {
		t.Fatalf("only %d requests", len(times))
	}
	for i := range times {
		j := i
		for j < len(times) && times[j].Sub(times[i]) < time.Second {
			j++
		}
		if j-i > 40+5+2 { // rate × 1 s + burst, and a little for timer slack
			t.Fatalf("%d requests within one second from request %d, rate 40 and burst 5", j-i, i)
		}
	}
	if span := times[len(times)-1].Sub(times[0]); span < time.Duration(float64(len(times)-5)/40*0.9*float64(time.Second)) {
		t.Errorf("%d requests in %s at rate 40", len(times), span)
	}
}

// The go-test helper runs the suite against a handler with one subtest per check.
func TestContracttestHelper(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	rep := contracttest.Run(t, contract.Config{Handler: f, ClientID: auth.DefaultClientID, ClientSecret: auth.DefaultClientSecret,
		Only: []string{"reading/paging", "security/token", "conformance"}, Formats: []contract.Format{contract.FormatJSON}})
	if rep.Summary.Passed < 9 {
		t.Errorf("only %d checks passed", rep.Summary.Passed)
	}
}

// The reports: JSON with its stable names, JUnit XML that parses, one testcase per check.
func TestReports(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	broken := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Del("limit")
		r.URL.RawQuery = q.Encode()
		f.ServeHTTP(w, r)
	})
	cfg := config(broken)
	cfg.Only, cfg.Formats = []string{"reading/paging"}, []contract.Format{contract.FormatJSON}
	rep, err := contract.Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var decoded struct {
		Version int    `json:"version"`
		RunID   string `json:"run_id"`
		Summary struct {
			Failed int `json:"failed"`
		} `json:"summary"`
		Checks []struct {
			Name    string `json:"name"`
			Verdict string `json:"verdict"`
			Runs    []struct {
				Format   string `json:"format"`
				Failures []struct {
					Message string `json:"message"`
					Rule    string `json:"rule"`
					Spec    string `json:"spec"`
					Request struct {
						Method, URL string
					} `json:"request"`
					Response struct {
						Status int `json:"status"`
					} `json:"response"`
				} `json:"failures"`
			} `json:"runs"`
		} `json:"checks"`
	}
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil {
		t.Fatal(err)
	}
	if decoded.Version != contract.ReportVersion || decoded.RunID == "" || decoded.Summary.Failed == 0 {
		t.Errorf("JSON report: %+v", decoded)
	}
	found := false
	for _, c := range decoded.Checks {
		if c.Name == "reading/paging/limit" && c.Verdict == "fail" {
			f := c.Runs[0].Failures[0]
			found = f.Rule != "" && f.Spec != "" && f.Request.URL != "" && f.Response.Status == 200
		}
	}
	if !found {
		t.Errorf("the JSON report lacks the evidence of reading/paging/limit:\n%s", js.String())
	}
	var ju bytes.Buffer
	if err := rep.WriteJUnit(&ju); err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(ju.Bytes(), &suites); err != nil {
		t.Fatalf("JUnit: %v\n%s", err, ju.String())
	}
	if suites.Tests != len(rep.Checks) || suites.Failures != rep.Summary.Failed {
		t.Errorf("JUnit: %d tests, %d failures; the report has %d checks, %d failed", suites.Tests, suites.Failures, len(rep.Checks), rep.Summary.Failed)
	}
	var text bytes.Buffer
	rep.WriteText(&text)
	for _, want := range []string{"FAIL  reading/paging/limit", "rule:", "spec:", "request:  GET", "response: 200"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the text report lacks %q:\n%s", want, text.String())
		}
	}
}

// Coupa's plausible variants pass: 422 for validation failures, 200 on create, 401 for a missing scope, 401 for bad
// client credentials, roles that an update replaces rather than adds to, a limit above 50 refused rather than
// clamped, strict references on update, datetimes in another time zone, `warnings` beside `errors` in error bodies,
// and more users than the sample of 100 (so that the filter checks judge a prefix of the collection). Error bodies without
// `warnings`, as older Coupa answers, pass too, and so do users with a tenant's custom fields.
func TestPlausibleVariantsPass(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip("no time zone database")
	}
	variants := map[string]fake.Options{
		"alternatives": {Users: 110, Seed: 7, ValidationStatus: http.StatusUnprocessableEntity, CreateStatus: http.StatusOK,
			RejectOverLimit: true, StrictReferences: true, ReplaceRoles: true, Location: loc, ErrorWarnings: fake.WarningsOutside,
			ResponseFilters: map[string]string{"Integration": `["id","login",{"roles":["name"]},"updated_at"]`}},
		"older error bodies, custom fields": {Users: 50, Seed: 3, ErrorWarnings: fake.WarningsOmit,
			CustomFields: []spec.CustomField{{Name: "cost-center", Type: "string", MaxLength: 20},
				{Name: "headcount", Type: "integer"}, {Name: "remote", Type: "boolean"}, {Name: "start-date", Type: "datetime"},
				{Name: "budget", Type: "decimal"}}},
	}
	for name, opts := range variants {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			opts.Auth = auth.DefaultConfig()
			if name == "alternatives" {
				opts.Auth.InsufficientScopeStatus = http.StatusUnauthorized
				opts.Auth.InvalidClientStatus = http.StatusUnauthorized // RFC 6749's answer to bad client credentials
			}
			f, err := fake.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			cfg := config(f)
			if name == "alternatives" {
				cfg.ResponseFilter = "integration" // names match ignoring case
			} else {
				// Error bodies and custom fields change no page: the paging checks, the suite's costliest, run in the
				// alternatives configuration.
				cfg.Skip = []string{"reading/paging"}
			}
			rep, err := contract.Run(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			requireClean(t, rep)
			if name == "alternatives" {
				if c := rep.Check("reading/response-filter/named"); c == nil || c.Verdict != contract.Pass {
					t.Errorf("reading/response-filter/named: %+v", c)
				}
			}
		})
	}
}

// Response filters as other implementations may treat them pass: an unknown name ignored rather than refused, and a
// filter ignored altogether (the named check cannot tell it applied, and says so with a skip, not a failure).
func TestResponseFilterVariantsPass(t *testing.T) {
	t.Parallel()
	f, err := fake.New(fake.Options{Users: 20, Seed: 2, ResponseFilters: map[string]string{"ids": `["id"]`}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	dropUnknown := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if name := q.Get("filter"); name != "" && f.ResponseFilters()[name] == "" {
			q.Del("filter")
			r.URL.RawQuery = q.Encode()
		}
		f.ServeHTTP(w, r)
	})
	dropAll := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Del("filter")
		r.URL.RawQuery = q.Encode()
		f.ServeHTTP(w, r)
	})
	for name, c := range map[string]struct {
		h         http.Handler
		wantNamed contract.Verdict
	}{
		"unknown names ignored": {dropUnknown, contract.Pass},
		"filters ignored":       {dropAll, contract.Skip},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := config(c.h)
			cfg.ReadOnly = true
			cfg.ResponseFilter = "ids"
			cfg.Only = []string{"reading/response-filter", "robustness/unknown-response-filter", "conformance"}
			rep, err := contract.Run(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			requireClean(t, rep)
			if got := rep.Check("reading/response-filter/named"); got == nil || got.Verdict != c.wantNamed {
				t.Errorf("reading/response-filter/named: %+v, want %s", got, c.wantNamed)
			}
		})
	}
}

// BenchmarkFullRun times the whole suite, in both formats and write mode, against a fresh clean fake (the budget is
// 20 s a run without -race).
func BenchmarkFullRun(b *testing.B) {
	for b.Loop() {
		f := newFake(b)
		rep, err := contract.Run(b.Context(), config(f))
		if err != nil {
			b.Fatal(err)
		}
		if !rep.Passed() {
			b.Fatalf("%d checks failed", rep.Summary.Failed)
		}
		b.ReportMetric(float64(rep.Requests.Total), "requests/op")
	}
}

// A broken XML index stops every check that needs the sample: the text report says so once, with the parse error,
// names the checks it stopped, and stays small.
func TestCascadeIsReportedOnce(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	broken := rewrite(f, func(r *http.Request, status int, h http.Header, body []byte) (int, []byte) {
		if r.URL.Path == "/api/users" && r.Method == http.MethodGet && isXML(h, body) {
			return status, bytes.Replace(body, []byte("<users type=\"array\">"), []byte("<users type=\"array\""), 1)
		}
		return status, body
	})
	cfg := config(broken)
	cfg.Formats = []contract.Format{contract.FormatXML}
	cfg.ReadOnly = true
	rep, err := contract.Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	if n := strings.Count(out, "could not read the sample of users"); n != 1 {
		t.Errorf("the cause is written %d times, want once", n)
	}
	if !strings.Contains(out, "does not parse") || !strings.Contains(out, "also failed the same way:") {
		t.Errorf("the cause lacks its parse error or the checks it stopped:\n%.3000s", out)
	}
	if len(rep.Failed()) < 50 || text.Len() > 64<<10 {
		t.Errorf("%d checks failed, text report %d bytes: want a cascade reported in under 64 KiB", len(rep.Failed()), text.Len())
	}
}

// The progress lines count what the summary counts: one line per run of a check in a format, numbered to the
// summary's total of runs, each with the verdict the summary tallies.
func TestProgressMatchesSummary(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	cfg := config(f)
	cfg.Only = []string{"reading/paging/default-limit", "security/token", "robustness/unknown-operator"}
	var progress bytes.Buffer
	cfg.Progress = &progress
	rep, err := contract.Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(progress.String()), "\n")
	runs := rep.Summary.Runs
	if len(lines) != runs.Total || runs.Total != runs.Passed+runs.Failed+runs.Skipped {
		t.Fatalf("%d progress lines, summary runs %+v", len(lines), runs)
	}
	if runs.Total <= rep.Summary.Checks {
		t.Errorf("%d runs of %d checks in two formats", runs.Total, rep.Summary.Checks)
	}
	verdicts := map[string]int{}
	for _, l := range lines {
		if !strings.Contains(l, fmt.Sprintf("/%d] ", runs.Total)) {
			t.Errorf("progress line not numbered out of %d: %s", runs.Total, l)
		}
		if fs := strings.Fields(strings.SplitN(l, "] ", 2)[1]); len(fs) > 0 {
			verdicts[fs[0]]++
		}
	}
	if verdicts["PASS"] != runs.Passed || verdicts["FAIL"] != runs.Failed || verdicts["SKIP"] != runs.Skipped {
		t.Errorf("progress verdicts %v, summary runs %+v", verdicts, runs)
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d runs, one per format: %d passed", runs.Total, runs.Passed); !strings.Contains(text.String(), want) {
		t.Errorf("the text summary lacks %q", want)
	}
}

// Rails casts a string sent for a scalar rather than refusing it ("ct-not-a-boolean" is true, "ct-not-a-integer" the
// integer 0), and Coupa may do the same: an update that casts and stores a typed value passes robustness/wrong-types.
func TestScalarCastsPassWrongTypes(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	casts := strings.NewReplacer(`"ct-not-a-boolean"`, `true`, `"ct-not-a-integer"`, `0`,
		`>ct-not-a-boolean<`, `>true<`, `>ct-not-a-integer<`, `>0<`)
	rails := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && r.Body != nil {
			data, _ := io.ReadAll(r.Body)
			cast := casts.Replace(string(data))
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(cast)), int64(len(cast))
		}
		f.ServeHTTP(w, r)
	})
	cfg := config(rails)
	cfg.Only = []string{"robustness/wrong-types"}
	rep, err := contract.Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	requireClean(t, rep)
	c := rep.Check("robustness/wrong-types")
	if c == nil || c.Verdict != contract.Pass {
		t.Fatalf("robustness/wrong-types: %+v", c)
	}
	if notes := c.Runs[0].Detail + c.Runs[len(c.Runs)-1].Detail; !strings.Contains(notes, "cast and stored") {
		t.Errorf("the casts were not seen as casts: %s", notes)
	}
}

// requireOnlyUnmakeableSkips holds a write-mode run against the fake to skipping only what no write can make: a
// check about an output-only element that every user holds alike, a response filter the tenant defines, generated
// cases not asked for. A check that skips for anything else has lost its way of making the data it needs.
func requireOnlyUnmakeableSkips(t *testing.T, rep *contract.Report) {
	t.Helper()
	sp := spec.MustLoad()
	allowed := map[string]bool{"reading/response-filter/named": true, "robustness/generated": true}
	skipped := 0
	for _, c := range rep.Checks {
		if c.Verdict != contract.Skip {
			continue
		}
		skipped++
		name := strings.TrimPrefix(strings.TrimPrefix(c.Name, "reading/attributes/"), "reading/associations/")
		if e := sp.Element(name); allowed[c.Name] || e != nil && !e.In {
			continue
		}
		t.Errorf("%s skipped in write mode: %s", c.Name, c.Runs[0].SkipReason)
	}
	if skipped == 0 {
		t.Error("nothing skipped: the fake's users now vary on every output-only element? Then tighten this test")
	}
}

package contract

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/coupa-kit/coupa-users/spec"
)

// runner is one run of the suite.
type runner struct {
	s       *settings
	sp      *spec.Spec
	c       *client
	v       *validator
	runID   string
	envs    map[Format]*env
	created *registry
	// tokenURLNote says that preflight fell back to /oauth2/access_tokens, for the report.
	tokenURLNote string

	progressMu sync.Mutex
}

// Run runs the selected checks against the implementation the Config names and returns the report.
//
// It returns an error, and no report, when the suite could not run at all: a bad configuration, no credentials, an
// unreachable server, a token endpoint that refuses the credentials, or an API that refuses them. When ctx ends
// during the run, Run stops, still deactivates what it created, and returns the partial report with ctx's error.
// Otherwise the error is nil and the report says which checks failed (Report.Passed).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Handler != nil {
		if cfg.BaseURL != "" {
			return nil, errors.New("give a base URL or a handler, not both")
		}
		srv := httptest.NewServer(cfg.Handler)
		defer srv.Close()
		cfg.BaseURL = srv.URL
		if cfg.HTTPClient == nil {
			cfg.HTTPClient = srv.Client()
		}
	}
	s, err := cfg.check()
	if err != nil {
		return nil, err
	}
	checks := selected(allChecks(), s.Only, s.Skip)
	if len(checks) == 0 {
		return nil, fmt.Errorf("no check matches --only %q / --skip %q", s.Only, s.Skip)
	}
	r, err := newRunner(s)
	if err != nil {
		return nil, err
	}
	if err := r.preflight(ctx); err != nil {
		return nil, err
	}
	rep := &Report{Version: ReportVersion, BaseURL: s.base.String(), RunID: r.runID, ReadOnly: s.ReadOnly,
		Formats: s.Formats, StartedAt: time.Now().UTC()}
	start := time.Now()
	rep.Checks = r.runAll(ctx, checks)
	rep.Created = r.cleanup(context.WithoutCancel(ctx))
	rep.Requests = r.c.counts()
	rep.Notes = r.notes()
	rep.Duration = time.Since(start)
	rep.Interrupted = ctx.Err() != nil
	rep.tally()
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}
	return rep, nil
}

func newRunner(s *settings) (*runner, error) {
	sp, err := spec.Load()
	if err != nil {
		return nil, err
	}
	v, err := newValidator(sp, s.base, s.Formats)
	if err != nil {
		return nil, err
	}
	r := &runner{s: s, sp: sp, v: v, runID: s.RunID, envs: map[Format]*env{}, created: &registry{}}
	if r.runID == "" {
		r.runID = "ct-" + strings.ReplaceAll(uuid.NewString(), "-", "")[:8]
	}
	r.c = newClient(s)
	r.c.schemaFor = v.schemaFor
	r.c.observe = v.observe
	for _, f := range s.Formats {
		r.envs[f] = newEnv(r, f)
	}
	return r, nil
}

// PreflightError is the reason a run could not start: the server is unreachable or refuses the credentials.
type PreflightError struct {
	Msg string
	Err error
}

// Error implements error.
func (e *PreflightError) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

// Unwrap returns the underlying error.
func (e *PreflightError) Unwrap() error { return e.Err }

// preflight gets a token (client credentials) and reads one user, so that a run that cannot work says so at once
// rather than as a hundred failed checks.
func (r *runner) preflight(ctx context.Context) error {
	if r.s.ClientID != "" {
		_, err := r.c.creds.token(ctx, "preflight", r.s.Scopes)
		var te *TokenError
		if errors.As(err, &te) && te.Status == http.StatusNotFound && r.s.TokenURL == "" {
			// Coupa's documentation names /oauth2/token, its R35–R39 Swagger /oauth2/access_tokens: an implementation
			// that serves only the second is as plausible, so try it before giving up. No check runs yet, so the
			// settings can still change.
			first := r.s.tokenURL
			r.s.tokenURL = r.s.base.JoinPath(accessTokensPath)
			if _, err = r.c.creds.token(ctx, "preflight", r.s.Scopes); err != nil {
				r.s.tokenURL = first
				return &PreflightError{Msg: "the token endpoints " + first.String() + " (404) and " +
					r.s.base.JoinPath(accessTokensPath).String() + " gave no token", Err: err}
			}
			r.tokenURLNote = first.Path + " answered 404; the token endpoint used was " + r.s.tokenURL.String()
		}
		if err != nil {
			return &PreflightError{Msg: "the token endpoint " + r.s.tokenURL.String() + " gave no token", Err: err}
		}
	}
	ex := r.c.send(ctx, "preflight", request{method: http.MethodGet, path: "/api/users", query: url.Values{"limit": {"1"}}, format: FormatJSON})
	switch {
	case ex.err != nil:
		return &PreflightError{Msg: "cannot reach " + r.s.base.String(), Err: ex.err}
	case ex.status == http.StatusUnauthorized || ex.status == http.StatusForbidden:
		return &PreflightError{Msg: fmt.Sprintf("GET /api/users refused the credentials: status %d: %s", ex.status, excerpt(ex.body, 300))}
	case ex.status == http.StatusNotFound:
		return &PreflightError{Msg: fmt.Sprintf("GET %s/api/users answered 404: is the base URL right?", r.s.base)}
	}
	return nil
}

// runAll runs the checks in three phases: the reading checks, which take their data from a sample of the existing
// users, before anything writes; then the other checks; then the conformance checks, which report on every response
// the others received. Within a phase each format runs its checks in order, the formats side by side: they share
// nothing but the server (each format creates and writes its own users).
func (r *runner) runAll(ctx context.Context, checks []*check) []CheckResult {
	results := make([]CheckResult, len(checks))
	total := 0
	for i, c := range checks {
		results[i] = CheckResult{Name: c.name, Description: c.doc}
		if c.global {
			total++
		} else {
			total += len(r.s.Formats)
		}
		results[i].Runs = make([]Outcome, len(r.s.Formats))
	}
	phase := func(c *check) int {
		switch {
		case c.last:
			return 2
		case strings.HasPrefix(c.name, "reading/"):
			return 0
		}
		return 1
	}
	var done atomic.Int64
	for p := range 3 {
		var wg sync.WaitGroup
		for fi, f := range r.s.Formats {
			wg.Go(func() {
				for i, c := range checks {
					if phase(c) != p || c.global && fi > 0 {
						continue
					}
					var o Outcome
					if ctx.Err() != nil {
						o = Outcome{Verdict: Skip, SkipReason: "interrupted"}
						if !c.global {
							o.Format = f
						}
					} else {
						o = r.runCheck(ctx, c, r.envs[f])
					}
					results[i].Runs[fi] = o
					r.progress(int(done.Add(1)), total, c.name, o)
				}
			})
		}
		wg.Wait()
	}
	for i, c := range checks {
		if c.global {
			results[i].Runs = results[i].Runs[:1]
		}
	}
	return results
}

// progress writes one line per check and format.
func (r *runner) progress(done, total int, name string, o Outcome) {
	if r.s.Progress == nil {
		return
	}
	r.progressMu.Lock()
	defer r.progressMu.Unlock()
	width := len(fmt.Sprint(total))
	label := strings.ToUpper(string(o.Verdict))
	detail := ""
	switch o.Verdict {
	case Fail:
		detail = ": " + firstLine(o.Failures[0].Message)
		if len(o.Failures) > 1 {
			detail += fmt.Sprintf(" (+%d more)", len(o.Failures)-1)
		}
	case Skip:
		detail = ": " + o.SkipReason
	}
	format := string(o.Format)
	if format == "" {
		format = "-"
	}
	fmt.Fprintf(r.s.Progress, "[%*d/%d] %-4s %s [%s] %s%s\n", width, done, total, label, name, format,
		o.Duration.Round(time.Millisecond), detail)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// notes collects remarks on the run.
func (r *runner) notes() []string {
	var out []string
	if r.s.ReadOnly {
		out = append(out, "read-only mode: only GET requests (and the token request, and GraphQL queries) were sent; the writing checks were skipped")
	}
	if r.s.ClientID == "" {
		out = append(out, "no client credentials: the read-scope and token-endpoint checks that need them were skipped")
	}
	if r.tokenURLNote != "" {
		out = append(out, r.tokenURLNote)
	}
	return out
}

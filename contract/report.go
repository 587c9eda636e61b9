package contract

import "time"

// ReportVersion is the version of the report's JSON layout; it changes only when a field changes meaning or goes.
const ReportVersion = 1

// Verdict is the outcome of a check.
type Verdict string

// The verdicts. A check passes when every format it ran in passes; it fails when any fails; it is skipped when it
// could not apply (read-only mode, no client credentials, no sample data).
const (
	Pass Verdict = "pass"
	Fail Verdict = "fail"
	Skip Verdict = "skip"
)

// Report is the outcome of a run. Its JSON field names are stable (see ReportVersion).
type Report struct {
	Version   int       `json:"version"`
	BaseURL   string    `json:"base_url"`
	RunID     string    `json:"run_id"`
	ReadOnly  bool      `json:"read_only"`
	Formats   []Format  `json:"formats"`
	StartedAt time.Time `json:"started_at"`
	// Duration is the run's wall time, cleanup included.
	Duration time.Duration `json:"-"`
	// DurationMS is Duration in milliseconds, for the JSON report.
	DurationMS  int64         `json:"duration_ms"`
	Interrupted bool          `json:"interrupted"`
	Summary     Summary       `json:"summary"`
	Requests    RequestCounts `json:"requests"`
	Checks      []CheckResult `json:"checks"`
	// Created lists every user the run created (write mode) and whether it was deactivated at the end.
	Created []CreatedUser `json:"created_users"`
	// Notes are remarks on the run as a whole (what could not be exercised, and why).
	Notes []string `json:"notes,omitempty"`
}

// Summary counts the checks by verdict, and their runs (one per format a check runs in, as the progress lines
// count them).
type Summary struct {
	Checks  int       `json:"checks"`
	Passed  int       `json:"passed"`
	Failed  int       `json:"failed"`
	Skipped int       `json:"skipped"`
	Runs    RunCounts `json:"runs"`
}

// RunCounts counts the runs of the checks by verdict.
type RunCounts struct {
	Total   int `json:"total"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

// RequestCounts counts the HTTP requests the run sent.
type RequestCounts struct {
	Total    int            `json:"total"`
	ByMethod map[string]int `json:"by_method"`
	// RateLimited is how many 429 responses were retried.
	RateLimited int `json:"rate_limited"`
}

// CheckResult is one check's outcome, with one run per format it ran in.
type CheckResult struct {
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Verdict     Verdict   `json:"verdict"`
	Runs        []Outcome `json:"runs"`
}

// Outcome is one check's run in one format ("" for checks that do not depend on the format, such as the token
// endpoint's).
type Outcome struct {
	Format   Format        `json:"format"`
	Verdict  Verdict       `json:"verdict"`
	Duration time.Duration `json:"-"`
	// DurationMS is Duration in milliseconds, for the JSON report.
	DurationMS int64  `json:"duration_ms"`
	SkipReason string `json:"skip_reason,omitempty"`
	// Detail says what the check tried (the filter it sent, the elements it could not exercise), pass or fail.
	Detail   string    `json:"detail,omitempty"`
	Failures []Failure `json:"failures,omitempty"`
}

// Failure is one broken rule, with its evidence.
type Failure struct {
	// Message says what was wrong.
	Message string `json:"message"`
	// Rule is the rule broken, in words.
	Rule string `json:"rule"`
	// Spec is where in the spec the rule lives (a JSON pointer into the OpenAPI document, or the notes).
	Spec string `json:"spec,omitempty"`
	// Check is the check that sent the request, for conformance findings (the conformance checks collect the
	// findings of every other check).
	Check string `json:"check,omitempty"`
	// Request and Response are the exchange the failure is about, when there is one.
	Request  *RequestEvidence  `json:"request,omitempty"`
	Response *ResponseEvidence `json:"response,omitempty"`
}

// RequestEvidence is the request of a failed exchange.
type RequestEvidence struct {
	Method string `json:"method"`
	URL    string `json:"url"`
	// Body is the request body, cut short when long.
	Body string `json:"body,omitempty"`
}

// ResponseEvidence is the response of a failed exchange.
type ResponseEvidence struct {
	Status      int    `json:"status"`
	ContentType string `json:"content_type,omitempty"`
	// Body is the relevant part of the body (the offending value, or the body cut short).
	Body string `json:"body,omitempty"`
	// Error is the transport error when there was no response (a dropped connection, a timeout).
	Error string `json:"error,omitempty"`
}

// CreatedUser is a user the run created.
type CreatedUser struct {
	ID          int64  `json:"id"`
	Login       string `json:"login"`
	Format      Format `json:"format"`
	Check       string `json:"check"`
	Deactivated bool   `json:"deactivated"`
	// Error says why the user could not be deactivated.
	Error string `json:"error,omitempty"`
}

// Passed reports whether every check passed or was skipped, and the run was not interrupted.
func (r *Report) Passed() bool { return r.Summary.Failed == 0 && !r.Interrupted }

// Failed returns the checks that failed.
func (r *Report) Failed() []CheckResult {
	var out []CheckResult
	for _, c := range r.Checks {
		if c.Verdict == Fail {
			out = append(out, c)
		}
	}
	return out
}

// Check returns the result of the check with that name, or nil.
func (r *Report) Check(name string) *CheckResult {
	for i := range r.Checks {
		if r.Checks[i].Name == name {
			return &r.Checks[i]
		}
	}
	return nil
}

// tally fills the summary and the verdicts of the checks from their runs.
func (r *Report) tally() {
	r.Summary = Summary{Checks: len(r.Checks)}
	for i := range r.Checks {
		c := &r.Checks[i]
		c.Verdict = Skip
		for _, o := range c.Runs {
			r.Summary.Runs.Total++
			switch o.Verdict {
			case Pass:
				r.Summary.Runs.Passed++
			case Fail:
				r.Summary.Runs.Failed++
			default:
				r.Summary.Runs.Skipped++
			}
			switch {
			case o.Verdict == Fail:
				c.Verdict = Fail
			case o.Verdict == Pass && c.Verdict == Skip:
				c.Verdict = Pass
			}
		}
		switch c.Verdict {
		case Pass:
			r.Summary.Passed++
		case Fail:
			r.Summary.Failed++
		default:
			r.Summary.Skipped++
		}
	}
	r.DurationMS = r.Duration.Milliseconds()
}

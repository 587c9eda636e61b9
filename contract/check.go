package contract

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
)

// check is one check of the suite: a stable name, a one-line explanation and what it needs.
type check struct {
	name string
	doc  string
	// write marks checks that send POST or PUT (or DELETE): skipped in read-only mode.
	write bool
	// global checks run once, not once per format (the token endpoint speaks JSON whatever the API's format).
	global bool
	// xmlOnly checks apply to XML responses only.
	xmlOnly bool
	// last runs after every other check (the conformance checks, which report what the others received).
	last bool
	run  func(t *checkRun)
}

// CheckInfo describes a check, for listings.
type CheckInfo struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Write is true for checks that send writes (skipped in read-only mode).
	Write bool `json:"write"`
}

// Checks lists every check of the suite, in the order they run. The list is derived from the spec: a changed
// element table changes it.
func Checks() []CheckInfo {
	var out []CheckInfo
	for _, c := range allChecks() {
		out = append(out, CheckInfo{Name: c.name, Description: c.doc, Write: c.write})
	}
	return out
}

// checkRun is a check's view of a run in one format: it sends requests and records failures with their evidence.
type checkRun struct {
	ctx      context.Context
	r        *runner
	env      *env
	check    *check
	format   Format
	failures []Failure
	skipped  string
	notes    []string
}

// note records what the check tried, for the report.
func (t *checkRun) note(format string, args ...any) {
	t.notes = append(t.notes, fmt.Sprintf(format, args...))
}

// stop ends a check early (a fatal failure or a skip); the runner recovers it.
type stop struct{}

// fail records a failure about an exchange (ex may be nil).
func (t *checkRun) fail(ex *exchange, rule, spec, format string, args ...any) {
	f := Failure{Message: fmt.Sprintf(format, args...), Rule: rule, Spec: spec}
	if ex != nil {
		f.Request = reqEvidence(ex)
		f.Response = respEvidence(ex, excerpt(ex.body, maxEvidence))
	}
	t.failures = append(t.failures, f)
}

// failBody is fail with a chosen part of the response body as evidence.
func (t *checkRun) failBody(ex *exchange, body, rule, spec, format string, args ...any) {
	t.fail(ex, rule, spec, format, args...)
	if ex != nil && ex.err == nil {
		t.failures[len(t.failures)-1].Response.Body = body
	}
}

// fatal records a failure and ends the check.
func (t *checkRun) fatal(ex *exchange, rule, spec, format string, args ...any) {
	t.fail(ex, rule, spec, format, args...)
	panic(stop{})
}

// skip ends the check as skipped, with the reason.
func (t *checkRun) skip(format string, args ...any) {
	t.skipped = fmt.Sprintf(format, args...)
	panic(stop{})
}

// failed reports whether the check has failed so far.
func (t *checkRun) failed() bool { return len(t.failures) > 0 }

// try sends a request in the check's format and returns the exchange, transport errors included.
func (t *checkRun) try(r request) *exchange {
	if r.format == "" {
		r.format = t.format
	}
	if r.format == "" {
		r.format = FormatJSON
	}
	return t.r.c.send(t.ctx, t.check.name, r)
}

// do sends a request and ends the check when no response came.
func (t *checkRun) do(r request) *exchange {
	ex := t.try(r)
	if ex.err != nil {
		if t.ctx.Err() != nil {
			panic(stop{})
		}
		t.fatal(ex, "the server answers every request", "", "no response to %s %s: %v", ex.method, r.path, ex.err)
	}
	return ex
}

// get sends a GET with the default credentials.
func (t *checkRun) get(path string, q map[string][]string) *exchange {
	return t.do(request{method: http.MethodGet, path: path, query: q})
}

// runCheck runs one check in one format and returns its outcome.
func (r *runner) runCheck(ctx context.Context, c *check, e *env) (o Outcome) {
	t := &checkRun{ctx: ctx, r: r, env: e, check: c}
	if e != nil {
		t.format = e.format
	}
	if !c.global {
		o.Format = t.format
	}
	start := time.Now()
	defer func() {
		o.Duration = time.Since(start)
		o.DurationMS = o.Duration.Milliseconds()
		o.Detail = strings.Join(t.notes, "; ")
		if v := recover(); v != nil {
			if _, ok := v.(stop); !ok {
				t.failures = append(t.failures, Failure{
					Message: fmt.Sprintf("the check itself failed (a bug in the suite): %v\n%s", v, debug.Stack()),
					Rule:    "the suite runs to completion",
				})
			}
		}
		switch {
		case ctx.Err() != nil && !t.failed():
			o.Verdict, o.SkipReason = Skip, "interrupted"
		case t.failed():
			o.Verdict, o.Failures = Fail, t.failures
		case t.skipped != "":
			o.Verdict, o.SkipReason = Skip, t.skipped
		default:
			o.Verdict = Pass
		}
	}()
	switch {
	case c.write && r.s.ReadOnly:
		t.skip("read-only mode: the check writes")
	case c.xmlOnly && t.format != FormatXML:
		t.skip("applies to XML responses only")
	}
	c.run(t)
	return o
}

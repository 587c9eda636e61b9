package contract

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// WriteText writes the human summary: one line per check with its verdict in each format, then the evidence of
// every failure (request, status, the relevant part of the body, the rule broken and where it lives in the spec),
// the users the run created, and the totals.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Contract suite against %s (%s, %s), run %s\n\n", r.BaseURL, r.mode(), r.formats(), r.RunID)
	width := 0
	for _, c := range r.Checks {
		width = max(width, len(c.Name))
	}
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "%-4s  %-*s  %s\n", strings.ToUpper(string(c.Verdict)), width, c.Name, runsLine(c))
	}
	if len(r.Failed()) > 0 {
		b.WriteString("\nFailures\n")
		r.writeFailures(&b)
	}
	if len(r.Created) > 0 {
		b.WriteString("\nUsers created by this run (deactivated at the end)\n")
		for _, u := range r.Created {
			state := "deactivated"
			if !u.Deactivated {
				state = "NOT DEACTIVATED: " + u.Error
			}
			fmt.Fprintf(&b, "  %d  %s  (%s, %s)  %s\n", u.ID, u.Login, orDash(string(u.Format)), u.Check, state)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\nNote: %s\n", n)
	}
	runs := r.Summary.Runs
	fmt.Fprintf(&b, "\n%d checks: %d passed, %d failed, %d skipped; %d runs, one per format: %d passed, %d failed, %d skipped\n",
		r.Summary.Checks, r.Summary.Passed, r.Summary.Failed, r.Summary.Skipped, runs.Total, runs.Passed, runs.Failed, runs.Skipped)
	fmt.Fprintf(&b, "%d requests (%s), %d rate-limited and retried; %s\n",
		r.Requests.Total, r.methods(), r.Requests.RateLimited, r.Duration.Round(time.Millisecond))
	if r.Interrupted {
		b.WriteString("The run was interrupted: the checks not run are marked skipped.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mode, formats and methods are the run's header facts, as the text and HTML reports write them.
func (r *Report) mode() string {
	if r.ReadOnly {
		return "read-only mode"
	}
	return "write mode"
}

func (r *Report) formats() string {
	formats := make([]string, len(r.Formats))
	for i, f := range r.Formats {
		formats[i] = string(f)
	}
	return strings.Join(formats, "+")
}

func (r *Report) methods() string {
	methods := make([]string, 0, len(r.Requests.ByMethod))
	for _, m := range sortedKeys(r.Requests.ByMethod) {
		methods = append(methods, fmt.Sprintf("%s %d", m, r.Requests.ByMethod[m]))
	}
	return strings.Join(methods, ", ")
}

// WriteFailures writes the evidence of every failed check: the request, the status, the relevant part of the body,
// the rule broken and where it lives in the spec.
func (r *Report) WriteFailures(w io.Writer) error {
	var b strings.Builder
	r.writeFailures(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

// The text report states a cause once: a failure that several checks share (the sample of users could not be
// read, say) is written where it first appears, with the checks it also stopped; the rest is bounded, the JSON
// report keeping everything.
const (
	maxFailuresPerRun = 20  // failures written for one check in one format
	maxFailureRuns    = 150 // check runs whose failures are written
	maxAlsoNamed      = 8   // checks named as sharing a failure
)

// failureKey identifies a failure across checks: the same broken rule seen on the same request.
func failureKey(f Format, x Failure) string {
	key := string(f) + "\x00" + x.Message + "\x00" + x.Rule + "\x00" + x.Spec
	if x.Request != nil {
		key += "\x00" + x.Request.Method + " " + x.Request.URL
	}
	return key
}

// sharedFailure is a failure as several check runs saw it: the first writes it, the others are named.
type sharedFailure struct {
	first string   // the check run that writes it ("reading/paging/limit [xml]")
	also  []string // the others
}

// sharedFailures groups the failures of the run by failureKey.
func (r *Report) sharedFailures() map[string]*sharedFailure {
	groups := map[string]*sharedFailure{}
	for _, c := range r.Failed() {
		for _, o := range c.Runs {
			if o.Verdict != Fail {
				continue
			}
			run := c.Name + formatTag(o.Format)
			for _, f := range o.Failures {
				k := failureKey(o.Format, f)
				switch g := groups[k]; {
				case g == nil:
					groups[k] = &sharedFailure{first: run}
				case g.first != run && !slices.Contains(g.also, run):
					g.also = append(g.also, run)
				}
			}
		}
	}
	return groups
}

func (r *Report) writeFailures(b *strings.Builder) {
	groups := r.sharedFailures()
	written, omitted := 0, 0
	for _, c := range r.Failed() {
		for _, o := range c.Runs {
			if o.Verdict != Fail {
				continue
			}
			run := c.Name + formatTag(o.Format)
			var own []Failure
			var sameAs string
			for _, f := range o.Failures {
				if g := groups[failureKey(o.Format, f)]; g.first == run {
					own = append(own, f)
				} else if sameAs == "" {
					sameAs = g.first
				}
			}
			if len(own) == 0 {
				continue // written under the check where it first appeared
			}
			if written++; written > maxFailureRuns {
				omitted++
				continue
			}
			fmt.Fprintf(b, "\n--- FAIL %s: %s\n", run, c.Description)
			for i, f := range own {
				if i == maxFailuresPerRun {
					fmt.Fprintf(b, "  … %d more failures of this check (the JSON report has them all)\n", len(own)-i)
					break
				}
				writeFailure(b, i+1, f)
				if g := groups[failureKey(o.Format, f)]; len(g.also) > 0 {
					names := g.also[:min(len(g.also), maxAlsoNamed)]
					more := ""
					if len(g.also) > len(names) {
						more = fmt.Sprintf(" and %d more", len(g.also)-len(names))
					}
					fmt.Fprintf(b, "     also failed the same way: %d other checks: %s%s\n", len(g.also), strings.Join(names, ", "), more)
				}
			}
			if sameAs != "" {
				fmt.Fprintf(b, "  (and failures shared with %s, written there)\n", sameAs)
			}
		}
	}
	if omitted > 0 {
		fmt.Fprintf(b, "\n… the failures of %d more check runs are left out here; the JSON report has them all\n", omitted)
	}
}

// runsLine renders a check's outcome per format: "json xml" when all pass, verdicts otherwise.
func runsLine(c CheckResult) string {
	var parts []string
	for _, o := range c.Runs {
		label := orDash(string(o.Format))
		switch {
		case o.Verdict == c.Verdict && o.Verdict != Skip:
			parts = append(parts, label)
		case o.Verdict == Skip:
			parts = append(parts, label+": skipped ("+o.SkipReason+")")
		default:
			parts = append(parts, label+": "+string(o.Verdict))
		}
	}
	return strings.Join(parts, "  ")
}

func formatTag(f Format) string {
	if f == "" {
		return ""
	}
	return " [" + string(f) + "]"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeFailure writes one failure with its evidence, indented.
func writeFailure(b *strings.Builder, n int, f Failure) {
	fmt.Fprintf(b, "  %d. %s\n", n, indent(f.Message, "     "))
	if f.Rule != "" {
		fmt.Fprintf(b, "     rule:     %s\n", f.Rule)
	}
	if f.Spec != "" {
		fmt.Fprintf(b, "     spec:     %s\n", f.Spec)
	}
	if f.Check != "" {
		fmt.Fprintf(b, "     sent by:  %s\n", f.Check)
	}
	if f.Request != nil {
		fmt.Fprintf(b, "     request:  %s %s\n", f.Request.Method, f.Request.URL)
		if f.Request.Body != "" {
			fmt.Fprintf(b, "               %s\n", indent(excerpt([]byte(f.Request.Body), 300), "               "))
		}
	}
	if r := f.Response; r != nil {
		if r.Error != "" {
			fmt.Fprintf(b, "     response: none: %s\n", r.Error)
		} else {
			fmt.Fprintf(b, "     response: %d %s\n", r.Status, r.ContentType)
			if r.Body != "" {
				fmt.Fprintf(b, "               %s\n", indent(r.Body, "               "))
			}
		}
	}
}

func indent(s, prefix string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}

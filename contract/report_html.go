package contract

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"time"
)

//go:embed templates/report.html
var templates embed.FS

var htmlReport = template.Must(template.ParseFS(templates, "templates/report.html"))

// htmlFailure is one failed check run as the page shows it: each cause once, as in the text report.
type htmlFailure struct {
	Run, Description string
	Items            []htmlItem
}

type htmlItem struct {
	F    Failure
	Also []string
}

// WriteHTML writes the report as one self-contained page (no scripts, no requests), readable offline: the summary,
// every failure with its evidence, every check's verdict, and the users the run created.
func (r *Report) WriteHTML(w io.Writer) error {
	data := struct {
		R                                *Report
		Mode, Formats, Started, Duration string
		Methods                          string
		Failures                         []htmlFailure
	}{R: r, Mode: r.mode(), Formats: r.formats(), Started: r.StartedAt.Format(time.RFC3339),
		Duration: r.Duration.Round(time.Millisecond).String(), Methods: r.methods()}
	groups := r.sharedFailures()
	for _, c := range r.Failed() {
		for _, o := range c.Runs {
			if o.Verdict != Fail {
				continue
			}
			run := c.Name + formatTag(o.Format)
			hf := htmlFailure{Run: run, Description: c.Description}
			for _, f := range o.Failures {
				if g := groups[failureKey(o.Format, f)]; g.first == run {
					hf.Items = append(hf.Items, htmlItem{F: f, Also: g.also})
				}
			}
			if len(hf.Items) > 0 {
				data.Failures = append(data.Failures, hf)
			}
		}
	}
	if err := htmlReport.Execute(w, data); err != nil {
		return fmt.Errorf("contract: writing the HTML report: %w", err)
	}
	return nil
}

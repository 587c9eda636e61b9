package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
)

// Report is the outcome of a diff: a score per area and overall, and every difference.
type Report struct {
	// Areas are scored 1 − differences / things compared (statuses, headers, paths, container orders).
	Areas []AreaScore `json:"areas"`
	// Overall is the mean of the areas' scores, so that no area drowns the others by its number of paths.
	Overall     float64      `json:"overall"`
	Differences []Difference `json:"differences"`
}

// AreaScore is one area's score.
type AreaScore struct {
	Area        string  `json:"area"`
	Probes      int     `json:"probes"`
	Checks      int     `json:"checks"`
	Differences int     `json:"differences"`
	Score       float64 `json:"score"`
}

func newReport() *Report {
	r := &Report{Differences: []Difference{}}
	for _, a := range Areas {
		r.Areas = append(r.Areas, AreaScore{Area: a})
	}
	return r
}

func (r *Report) add(p probe, c comparison) {
	i := slices.Index(Areas, p.area)
	r.Areas[i].Probes++
	r.Areas[i].Checks += c.checks
	r.Areas[i].Differences += len(c.diffs)
	r.Differences = append(r.Differences, c.diffs...)
}

func (r *Report) finish() {
	sum := 0.0
	for i := range r.Areas {
		a := &r.Areas[i]
		a.Score = 1
		if a.Checks > 0 {
			a.Score = max(0, 1-float64(a.Differences)/float64(a.Checks))
		}
		sum += a.Score
	}
	r.Overall = sum / float64(len(r.Areas))
}

// WriteText writes the scores, then the differences, one a line.
func (r *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "area\tprobes\tchecks\tdifferences\tscore")
	for _, a := range r.Areas {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.3f\n", a.Area, a.Probes, a.Checks, a.Differences, a.Score)
	}
	fmt.Fprintf(tw, "overall\t\t\t%d\t%.3f\n", len(r.Differences), r.Overall)
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Differences) == 0 {
		_, err := fmt.Fprintln(w, "\nno structural differences")
		return err
	}
	fmt.Fprintln(w, "\ndifferences (tenant → fake):")
	for _, d := range r.Differences {
		path := d.Path
		if path != "" {
			path = " " + path
		}
		if _, err := fmt.Fprintf(w, "  %-32s %-12s%s: %s → %s\n", d.Probe, d.Kind, path, d.Tenant, d.Fake); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

package contract

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML as Jenkins, GitLab, GitHub test reporters and most CI parsers read it: <testsuites> of <testsuite> (one
// per check group: reading, writing...), one <testcase> per check, <failure> with the evidence, <skipped> with the
// reason. It keeps to the attributes the Jenkins xunit plugin's JUnit schema allows (no skipped count on
// <testsuites>), and an interrupted run is an <error>, so that CI does not read it as green.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Error     *junitMessage `xml:"error,omitempty"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func seconds(ms int64) string { return fmt.Sprintf("%.3f", float64(ms)/1000) }

// WriteJUnit writes the report as JUnit XML: one testcase per check, the failure message and evidence of every
// format that failed.
func (r *Report) WriteJUnit(w io.Writer) error {
	out := junitSuites{Name: "coupa-users contract " + r.BaseURL, Time: seconds(r.DurationMS)}
	index := map[string]int{}
	suiteMS := map[int]int64{}
	for _, c := range r.Checks {
		group, _, _ := strings.Cut(c.Name, "/")
		i, ok := index[group]
		if !ok {
			i = len(out.Suites)
			index[group] = i
			out.Suites = append(out.Suites, junitSuite{Name: group, Timestamp: r.StartedAt.Format("2006-01-02T15:04:05")})
		}
		s := &out.Suites[i]
		var ms int64
		var lines []string
		for _, o := range c.Runs {
			ms += o.DurationMS
			line := fmt.Sprintf("%s: %s", orDash(string(o.Format)), o.Verdict)
			if o.SkipReason != "" {
				line += " (" + o.SkipReason + ")"
			}
			if o.Detail != "" {
				line += ": " + o.Detail
			}
			lines = append(lines, line)
		}
		tc := junitCase{Name: c.Name, Classname: "contract." + group, Time: seconds(ms), SystemOut: c.Description + "\n" + strings.Join(lines, "\n")}
		switch c.Verdict {
		case Fail:
			var text strings.Builder
			var first string
			for _, o := range c.Runs {
				for i, f := range o.Failures {
					if first == "" {
						first = strings.TrimSpace(formatTag(o.Format) + " " + firstLine(f.Message))
					}
					fmt.Fprintf(&text, "%s", strings.TrimSpace(formatTag(o.Format)))
					writeFailure(&text, i+1, f)
				}
			}
			tc.Failure = &junitMessage{Message: first, Type: "ContractFailure", Text: text.String()}
			s.Failures++
			out.Failures++
		case Skip:
			reason := ""
			if len(c.Runs) > 0 {
				reason = c.Runs[0].SkipReason
			}
			tc.Skipped = &junitMessage{Message: reason}
			s.Skipped++
		}
		s.Tests++
		out.Tests++
		s.Cases = append(s.Cases, tc)
		suiteMS[i] += ms
	}
	for i := range out.Suites {
		out.Suites[i].Time = seconds(suiteMS[i])
	}
	if r.Interrupted {
		msg := fmt.Sprintf("the run was interrupted after %d of the checks: the report is incomplete", len(r.Checks))
		out.Suites = append(out.Suites, junitSuite{Name: "run", Tests: 1, Errors: 1, Time: "0.000",
			Timestamp: r.StartedAt.Format("2006-01-02T15:04:05"),
			Cases: []junitCase{{Name: "run/complete", Classname: "contract.run", Time: "0.000",
				Error: &junitMessage{Message: msg, Type: "Interrupted", Text: msg}}}})
		out.Tests++
		out.Errors++
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

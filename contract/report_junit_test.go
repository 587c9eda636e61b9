package contract

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// junitSchema is what the Jenkins xunit plugin's JUnit schema (junit-10.xsd) allows: per element, its attributes
// (required ones marked with !) and its children.
var junitSchema = map[string]struct{ attrs, children []string }{
	"testsuites": {[]string{"name", "time", "tests", "failures", "errors"}, []string{"testsuite"}},
	"testsuite": {[]string{"name!", "tests!", "failures!", "errors!", "group", "time", "skipped", "timestamp", "hostname",
		"id", "package", "file", "log", "url"}, []string{"testsuite", "properties", "testcase", "system-out", "system-err"}},
	"testcase":   {[]string{"name!", "time", "classname", "group"}, []string{"skipped", "error", "failure", "system-out", "system-err"}},
	"failure":    {[]string{"type", "message"}, nil},
	"error":      {[]string{"type", "message"}, nil},
	"skipped":    {[]string{"type", "message"}, nil},
	"system-out": {nil, nil},
	"system-err": {nil, nil},
}

// surefireTime is the schema's pattern for time attributes.
var surefireTime = regexp.MustCompile(`^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$`)

// junitProblems lists where a document departs from junitSchema.
func junitProblems(doc []byte) []string {
	var problems []string
	errorf := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var stack []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return append(problems, "the JUnit report does not parse: "+err.Error())
		}
		switch el := tok.(type) {
		case xml.StartElement:
			name := el.Name.Local
			rule, ok := junitSchema[name]
			if !ok {
				errorf("element <%s> is not in the schema", name)
			}
			if len(stack) == 0 && name != "testsuites" {
				errorf("root <%s>, want <testsuites>", name)
			}
			if len(stack) > 0 && !slices.Contains(junitSchema[stack[len(stack)-1]].children, name) {
				errorf("<%s> inside <%s>", name, stack[len(stack)-1])
			}
			have := map[string]bool{}
			for _, a := range el.Attr {
				have[a.Name.Local] = true
				if !slices.Contains(rule.attrs, a.Name.Local) && !slices.Contains(rule.attrs, a.Name.Local+"!") {
					errorf("<%s %s=…>: not an attribute the schema allows", name, a.Name.Local)
				}
				if a.Name.Local == "time" && !surefireTime.MatchString(a.Value) {
					errorf("<%s time=%q>: not the schema's time pattern", name, a.Value)
				}
			}
			for _, a := range rule.attrs {
				if req, ok := strings.CutSuffix(a, "!"); ok && !have[req] {
					errorf("<%s> lacks the required %s", name, req)
				}
			}
			stack = append(stack, name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	return problems
}

func junitOf(t *testing.T, r *Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sampleReport(interrupted bool) *Report {
	r := &Report{BaseURL: "https://example.coupahost.com", StartedAt: time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC), DurationMS: 1234,
		Interrupted: interrupted, Checks: []CheckResult{
			{Name: "reading/paging/limit", Verdict: Pass, Runs: []Outcome{{Format: FormatJSON, Verdict: Pass, DurationMS: 12}}},
			{Name: "reading/attributes/login", Verdict: Fail, Runs: []Outcome{{Format: FormatJSON, Verdict: Fail,
				Failures: []Failure{{Message: "user 4 does not match login=x", Rule: "a filtered index returns only matches"}}}}},
			{Name: "writing/unique/login", Verdict: Skip, Runs: []Outcome{{Format: FormatXML, Verdict: Skip, SkipReason: "read-only"}}},
		}}
	r.tally()
	return r
}

// The JUnit report keeps to the Jenkins xunit schema, and an interrupted run is an error CI cannot read as green.
func TestJUnitFollowsTheXunitSchema(t *testing.T) {
	for _, interrupted := range []bool{false, true} {
		doc := junitOf(t, sampleReport(interrupted))
		for _, p := range junitProblems(doc) {
			t.Errorf("interrupted=%v: %s", interrupted, p)
		}
		var got struct {
			Errors int `xml:"errors,attr"`
			Tests  int `xml:"tests,attr"`
		}
		if err := xml.Unmarshal(doc, &got); err != nil {
			t.Fatal(err)
		}
		want := map[bool][2]int{false: {0, 3}, true: {1, 4}}[interrupted]
		if got.Errors != want[0] || got.Tests != want[1] {
			t.Errorf("interrupted=%v: errors=%d tests=%d, want %v:\n%s", interrupted, got.Errors, got.Tests, want, doc)
		}
	}
}

// The schema check itself catches what the old report had: a skipped count on <testsuites>.
func TestJUnitSchemaCheckCatchesSkippedOnTestsuites(t *testing.T) {
	bad := []byte(`<testsuites name="x" tests="1" failures="0" skipped="1"><testsuite name="a" tests="1" failures="0" errors="0"></testsuite></testsuites>`)
	if p := junitProblems(bad); len(p) != 1 || !strings.Contains(p[0], "skipped") {
		t.Errorf("problems %q, want the one skipped attribute", p)
	}
}

// The HTML page is self-contained (nothing fetched, no script), says what failed with its evidence escaped, and
// writes a shared cause once.
func TestHTMLReport(t *testing.T) {
	r := sampleReport(false)
	r.Checks[1].Runs[0].Failures[0].Response = &ResponseEvidence{Status: 200, Body: `<script>alert(1)</script>`}
	r.Checks = append(r.Checks, CheckResult{Name: "reading/attributes/email", Verdict: Fail, Runs: []Outcome{{Format: FormatJSON,
		Verdict: Fail, Failures: r.Checks[1].Runs[0].Failures}}})
	r.tally()
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"<!DOCTYPE html>", "2 failed", "user 4 does not match login=x", "&lt;script&gt;alert(1)&lt;/script&gt;",
		"1 other checks failed the same way: reading/attributes/email [json]"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "src=", "href=", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("the page is not self-contained: it has %q", bad)
		}
	}
	if n := strings.Count(page, "user 4 does not match login=x"); n != 1 {
		t.Errorf("the shared failure is written %d times", n)
	}
}

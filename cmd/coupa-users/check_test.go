package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fake/auth"
)

func startFake(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	return startFakeWith(t, fake.Options{Users: 60, Seed: 1}, wrap) // more than a page of 50, so that every paging check can tell
}

func startFakeWith(t *testing.T, opts fake.Options, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	f, err := fake.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = f
	if wrap != nil {
		h = wrap(f)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close(); f.Close() })
	return "http://" + ln.Addr().String()
}

var creds = []string{"--client-id", auth.DefaultClientID, "--client-secret", auth.DefaultClientSecret, "--rate", "0"}

func TestCheckPassesAgainstTheFake(t *testing.T) {
	base := startFake(t, nil)
	dir := t.TempDir()
	junit, js, page := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "report.json"), filepath.Join(dir, "report.html")
	// Two paging checks and the two token checks: the flags, the progress and the three reports are what is tested
	// here; the whole suite runs in internal/e2e.
	only := "reading/paging/limit,reading/paging/offset,security/token"
	args := append([]string{"check", "--base-url", base, "--only", only, "--junit", junit, "--json", js, "--html", page}, creds...)
	code, out, errOut := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "PASS  reading/paging/offset") || !strings.Contains(errOut, "reading/paging/offset [json]") {
		t.Errorf("summary or progress missing:\nstdout:\n%s\nstderr:\n%s", out, errOut)
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests int `xml:"tests,attr"`
	}
	if err := xml.Unmarshal(data, &suites); err != nil || suites.Tests != 4 {
		t.Errorf("JUnit: %v, %d tests\n%s", err, suites.Tests, data)
	}
	if data, err := os.ReadFile(page); err != nil || !bytes.Contains(data, []byte("reading/paging/offset")) || !bytes.Contains(data, []byte("4 passed")) {
		t.Errorf("HTML report: %v\n%.2000s", err, data)
	}
	data, err = os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Version int `json:"version"`
		Summary struct {
			Passed int `json:"passed"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(data, &rep); err != nil || rep.Version != 1 || rep.Summary.Passed != 4 {
		t.Errorf("JSON report: %v %+v", err, rep)
	}
}

func TestCheckExitCodes(t *testing.T) {
	base := startFake(t, nil)
	broken := startFake(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			q.Del("limit")
			r.URL.RawQuery = q.Encode()
			next.ServeHTTP(w, r)
		})
	})
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := "http://" + ln.Addr().String()
	ln.Close()
	for _, tc := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"failures", append([]string{"--base-url", broken, "--only", "reading/paging/limit"}, creds...), exitFailures, "FAIL  reading/paging/limit"},
		{"read-only skips writes", append([]string{"--base-url", base, "--read-only", "--only", "writing/required"}, creds...), 0, "SKIP"},
		{"no credentials", []string{"--base-url", base}, exitUsage, "no credentials"},
		{"bad URL", append([]string{"--base-url", "ftp://example.com"}, creds...), exitUsage, "want http(s)"},
		{"no URL", creds, exitUsage, "--base-url is required"},
		{"unreachable", append([]string{"--base-url", closed}, creds...), exitUsage, "could not run"},
		{"credentials refused", []string{"--base-url", base, "--client-id", "nobody", "--client-secret", "wrong"}, exitUsage, "gave no token"},
		{"bad format", append([]string{"--base-url", base, "--format", "yaml"}, creds...), exitUsage, "--format"},
		{"no check selected", append([]string{"--base-url", base, "--only", "nothing/such"}, creds...), exitUsage, "no check matches"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"check", "--quiet"}, tc.args...)...)
			if code != tc.code || !strings.Contains(out+errOut, tc.says) {
				t.Errorf("exit %d (want %d), output lacks %q:\nstdout:\n%s\nstderr:\n%s", code, tc.code, tc.says, out, errOut)
			}
		})
	}
}

// --response-filter names the filter reading/response-filter/named checks; without it the check is skipped.
func TestCheckResponseFilterFlag(t *testing.T) {
	base := startFakeWith(t, fake.Options{Users: 20, Seed: 1, ResponseFilters: map[string]string{"ids-and-logins": `["id","login"]`}}, nil)
	only := []string{"check", "--quiet", "--base-url", base, "--only", "reading/response-filter,robustness/unknown-response-filter"}
	code, out, errOut := runCLI(t, append(append(only, "--response-filter", "ids-and-logins"), creds...)...)
	if code != 0 || !strings.Contains(out, "PASS  reading/response-filter/named") || !strings.Contains(out, "PASS  robustness/unknown-response-filter") {
		t.Errorf("with the flag: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, append(only, creds...)...)
	if code != 0 || !strings.Contains(out, "SKIP  reading/response-filter/named") || !strings.Contains(out, "--response-filter NAME") {
		t.Errorf("without the flag: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	// A name the implementation does not define fails the check, saying why.
	code, out, _ = runCLI(t, append(append(only, "--response-filter", "nope"), creds...)...)
	if code != exitFailures || !strings.Contains(out, "does the implementation define that filter for users?") {
		t.Errorf("an unknown name: exit %d\nstdout:\n%s", code, out)
	}
}

func TestCheckList(t *testing.T) {
	code, out, _ := runCLI(t, "check", "--list")
	for _, name := range []string{"reading/operators/string/contains", "writing/max-length/firstname", "conformance/responses", "security/no-credentials/index"} {
		if !strings.Contains(out, name) {
			t.Errorf("--list lacks %s", name)
		}
	}
	if code != 0 {
		t.Errorf("exit %d", code)
	}
}

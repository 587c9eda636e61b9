package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/spec"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestSpecCommand(t *testing.T) {
	code, out, _ := runCLI(t, "spec")
	if code != 0 || out != string(spec.YAML()) {
		t.Fatalf("spec: code %d, output differs from the embedded document", code)
	}
	code, out, _ = runCLI(t, "spec", "--format", "json")
	var doc map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || doc["openapi"] != "3.0.3" {
		t.Fatalf("spec --format json: code %d, %.80q", code, out)
	}
	if code, _, errOut := runCLI(t, "spec", "--format", "toml"); code != exitUsage || !strings.Contains(errOut, "yaml or json") {
		t.Fatalf("spec --format toml: code %d, %q", code, errOut)
	}
}

func TestVersionAndUsage(t *testing.T) {
	if code, out, _ := runCLI(t, "version"); code != 0 || !strings.HasPrefix(out, "coupa-users ") {
		t.Fatalf("version: %d %q", code, out)
	}
	if code, _, errOut := runCLI(t, "nope"); code != exitUsage || !strings.Contains(errOut, `unknown command "nope"`) {
		t.Fatalf("unknown command: %d %q", code, errOut)
	}
	if code, _, _ := runCLI(t); code != exitUsage {
		t.Fatalf("no command: %d", code)
	}
	for _, help := range []string{"help", "-h", "--help"} {
		if code, out, errOut := runCLI(t, help); code != 0 || !strings.Contains(out, "serve") || errOut != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want the commands on stdout", help, code, out, errOut)
		}
	}
}

// Help that was asked for goes to stdout (so that `coupa-users serve --help | less` works) and exits 0; a bad flag
// is named on stderr, with the flags, and exits 2.
func TestSubcommandHelpAndFlagErrors(t *testing.T) {
	for _, c := range []struct{ cmd, flag string }{{"serve", "-addr"}, {"check", "-base-url"}, {"spec", "-format"}} {
		for _, help := range []string{"-h", "--help"} {
			code, out, errOut := runCLI(t, c.cmd, help)
			if code != 0 || !strings.Contains(out, "Usage: coupa-users "+c.cmd) || !strings.Contains(out, c.flag) || errOut != "" {
				t.Errorf("%s %s: exit %d, stdout %.200q, stderr %.200q", c.cmd, help, code, out, errOut)
			}
		}
		code, out, errOut := runCLI(t, c.cmd, "--bogus")
		if code != exitUsage || out != "" || !strings.Contains(errOut, "flag provided but not defined: -bogus") ||
			!strings.Contains(errOut, c.flag) {
			t.Errorf("%s --bogus: exit %d, stdout %.200q, stderr %.200q", c.cmd, code, out, errOut)
		}
	}
}

// serve's help lists its flags by topic, each flag once, and none left over under "Other".
func TestServeHelpIsGroupedByTopic(t *testing.T) {
	code, out, _ := runCLI(t, "serve", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, g := range serveGroups {
		if !strings.Contains(out, "\n"+g.title+":\n") {
			t.Errorf("no %q section", g.title)
		}
	}
	if strings.Contains(out, "\nOther:\n") {
		t.Errorf("flags with no topic:\n%s", out[strings.Index(out, "\nOther:\n"):])
	}
	seen := map[string]int{}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "  -") {
			seen[strings.Fields(line)[0]]++
		}
	}
	for name, n := range seen {
		if n != 1 {
			t.Errorf("%s listed %d times", name, n)
		}
	}
	if len(seen) < 35 {
		t.Errorf("only %d flags listed", len(seen))
	}
}

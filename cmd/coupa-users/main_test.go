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
	if code, _, errOut := runCLI(t, "help"); code != 0 || !strings.Contains(errOut, "serve") {
		t.Fatalf("help: %d %q", code, errOut)
	}
}

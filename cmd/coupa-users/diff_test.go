package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
)

// TestDiffCommand diffs two fakes through the command line: identical ones pass, one with another error body fails
// the default --min-score and passes a lower one.
func TestDiffCommand(t *testing.T) {
	a, b := startFake(t, nil), startFake(t, nil)
	other := startFakeWith(t, fake.Options{Users: 60, Seed: 1, ErrorWarnings: fake.WarningsOmit}, nil)
	creds := []string{"--tenant-client-id", "coupa-fake-client", "--tenant-client-secret", "coupa-fake-secret", "--rate", "0"}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), append([]string{"diff", "--tenant", a, "--fake", b}, creds...), &stdout, &stderr); code != 0 {
		t.Fatalf("identical fakes: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "no structural differences") {
		t.Errorf("stdout: %s", stdout.String())
	}
	out, page := filepath.Join(t.TempDir(), "diff.json"), filepath.Join(t.TempDir(), "diff.html")
	stdout.Reset()
	if code := run(context.Background(), append([]string{"diff", "--tenant", a, "--fake", other, "--json", out, "--html", page}, creds...), &stdout, &stderr); code != exitFailures {
		t.Fatalf("warnings omitted: exit %d, want %d\n%s", code, exitFailures, stdout.String())
	}
	var rep struct {
		Overall     float64
		Differences []struct{ Kind, Path string }
	}
	data, _ := os.ReadFile(out)
	if err := json.Unmarshal(data, &rep); err != nil || len(rep.Differences) == 0 {
		t.Fatalf("JSON report: %v: %s", err, data)
	}
	if html, _ := os.ReadFile(page); !strings.Contains(string(html), "<td>errors/unknown-id/json</td>") {
		t.Errorf("the HTML report lacks the differences: %.500s", html)
	}
	if code := run(context.Background(), append([]string{"diff", "--tenant", a, "--fake", other, "--min-score", "0.9"}, creds...), &stdout, &stderr); code != 0 {
		t.Errorf("--min-score 0.9 with score %.3f: exit %d", rep.Overall, code)
	}
	if code := run(context.Background(), []string{"diff", "--fake", b}, &stdout, &stderr); code != exitUsage {
		t.Errorf("no tenant: exit %d", code)
	}
}

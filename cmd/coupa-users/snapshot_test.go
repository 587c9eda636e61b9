package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/fixtures"
)

// TestSnapshotCommand snapshots a fake through the command line and loads the file as serve --fixtures does.
func TestSnapshotCommand(t *testing.T) {
	base := startFake(t, nil)
	out := filepath.Join(t.TempDir(), "users.json")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"snapshot", "--base-url", base, "--client-id", "coupa-fake-client",
		"--client-secret", "coupa-fake-secret", "--out", out, "--rate", "0"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "random key") || !strings.Contains(stdout.String(), "wrote 63 users") {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	users, err := fixtures.ReadUsers(f)
	if err != nil {
		t.Fatal(err)
	}
	fake.NewTestServer(t, fake.Options{Users: -1, Fixtures: users})

	for _, args := range [][]string{
		{"snapshot", "--out", out},
		{"snapshot", "--base-url", base, "--api-key", "k"},
		{"snapshot", "--base-url", base, "--out", out},
		{"snapshot", "--base-url", base, "--api-key", "k", "--out", out, "--resume"},
	} {
		if code := run(context.Background(), args, &stdout, &stderr); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

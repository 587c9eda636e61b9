package main

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"runtime/debug"
	"strings"
)

// version is set for releases with -ldflags "-X main.version=v1.2.3" (the Dockerfile's VERSION build argument);
// otherwise the version comes from what the Go toolchain recorded in the binary.
var version = ""

func versionString() string {
	info, _ := debug.ReadBuildInfo()
	return formatVersion(version, info)
}

// pseudoVersion matches the timestamp-and-revision tail of a Go pseudo-version (v0.0.0-20261201100000-abcdef123456),
// which the toolchain records for a build from an untagged commit.
var pseudoVersion = regexp.MustCompile(`\d{14}-[0-9a-f]{12}$`)

// formatVersion says which code a binary is: the override when one was linked in; the module version when it names a
// release (go install ...@v1.2.3, or a build of a clean tagged checkout); else, for a build from a checkout, "devel-"
// and the commit, "-dirty" when the tree had changes, and the commit's time; else the module version as recorded
// (go install ...@<commit>), or "devel" when nothing is known (go run, -buildvcs=false).
func formatVersion(override string, info *debug.BuildInfo) string {
	if override != "" {
		return override
	}
	if info == nil {
		return "unknown"
	}
	var rev, at string
	var dirty bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	v := info.Main.Version
	known := v != "" && v != "(devel)"
	// "+dirty" marks a build from a modified checkout.
	release := known && !strings.Contains(v, "+") && !pseudoVersion.MatchString(v)
	switch {
	case release && !dirty:
		return v
	case rev == "" && known:
		return v
	case rev == "":
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	out := "devel-" + rev
	if dirty {
		out += "-dirty"
	}
	if at != "" {
		out += " (" + at + ")"
	}
	return out
}

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "coupa-users version takes no arguments")
		return exitUsage
	}
	fmt.Fprintf(stdout, "coupa-users %s\n", versionString())
	return 0
}

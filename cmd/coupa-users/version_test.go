package main

import (
	"runtime/debug"
	"testing"
)

func TestFormatVersion(t *testing.T) {
	vcs := func(rev, at, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: at}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	const at = "2026-12-01T10:00:00Z"
	for _, c := range []struct {
		name     string
		override string
		info     *debug.BuildInfo
		want     string
	}{
		{"ldflags override wins", "v1.2.3", &debug.BuildInfo{Main: debug.Module{Version: "v0.9.0"}}, "v1.2.3"},
		{"no build info", "", nil, "unknown"},
		{"go run, nothing recorded", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
		{"go install @v1.4.0", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "v1.4.0"},
		{"go install @commit", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.1-0.20261201100000-0123456789ab"}},
			"v1.4.1-0.20261201100000-0123456789ab"},
		{"clean tagged checkout", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}, Settings: vcs(rev, at, "false")},
			"v1.4.0"},
		{"clean untagged checkout", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201100000-0123456789ab"}, Settings: vcs(rev, at, "false")},
			"devel-0123456789ab (2026-12-01T10:00:00Z)"},
		{"modified checkout", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201100000-0123456789ab+dirty"}, Settings: vcs(rev, at, "true")},
			"devel-0123456789ab-dirty (2026-12-01T10:00:00Z)"},
		{"modified tagged checkout", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0+dirty"}, Settings: vcs(rev, at, "true")},
			"devel-0123456789ab-dirty (2026-12-01T10:00:00Z)"},
		{"checkout without a version (before Go 1.24)", "",
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "", "false")}, "devel-0123456789ab"},
	} {
		if got := formatVersion(c.override, c.info); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// flagGroup is one topic of a command's help: its title and the flags under it, in the order they are printed.
type flagGroup struct {
	title string
	flags []string
}

// serveGroups are serve's flags by topic, so that a newcomer finds the few they need among forty.
var serveGroups = []flagGroup{
	{"Where it listens", []string{"addr", "tls", "tls-cert", "tls-key", "tls-cert-out", "allowed-hosts",
		"read-header-timeout", "read-timeout", "write-timeout", "idle-timeout"}},
	{"What it holds", []string{"users", "seed", "fixtures", "fixtures-mode", "state", "custom-fields",
		"response-filters", "timezone"}},
	{"Credentials", []string{"auth", "client-id", "client-secret", "clients", "api-key", "auth-config", "token-ttl",
		"admin-token"}},
	{"Coupa's unknowns (each a plausible answer; the defaults follow what is known)", []string{"default-format",
		"validation-status", "create-status", "scope-status", "invalid-client-status", "error-warnings",
		"limit-over-max", "roles-update", "strict-references", "strict-fields"}},
	{"For tests and demos", []string{"rate-limit", "request-faults", "journal-size", "cors-origins", "log-level"}},
}

// groupedUsage writes a flag set's help by topic; flags no group names come last, under "Other", so that a new
// flag is never hidden (a test wants none there for serve).
func groupedUsage(fs *flag.FlagSet, w io.Writer, groups []flagGroup) {
	grouped := map[string]bool{}
	for _, g := range groups {
		fmt.Fprintf(w, "\n%s:\n", g.title)
		for _, name := range g.flags {
			if f := fs.Lookup(name); f != nil {
				grouped[name] = true
				writeFlag(w, f)
			}
		}
	}
	var other []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		if !grouped[f.Name] {
			other = append(other, f)
		}
	})
	if len(other) > 0 {
		fmt.Fprintln(w, "\nOther:")
		for _, f := range other {
			writeFlag(w, f)
		}
	}
}

// writeFlag writes one flag as flag.PrintDefaults does.
func writeFlag(w io.Writer, f *flag.Flag) {
	name, usage := flag.UnquoteUsage(f)
	line := "  -" + f.Name
	if name != "" {
		line += " " + name
	}
	line += "\n    \t" + strings.ReplaceAll(usage, "\n", "\n    \t")
	if !slices.Contains([]string{"", "0", "false", "0s"}, f.DefValue) {
		if name == "string" {
			line += fmt.Sprintf(" (default %q)", f.DefValue)
		} else {
			line += fmt.Sprintf(" (default %v)", f.DefValue)
		}
	}
	fmt.Fprintln(w, line)
}

// Command coupa-users serves a fake of Coupa's Users API and checks any implementation against the same spec.
//
//	coupa-users serve   start the fake
//	coupa-users check   run the contract suite against a base URL
//	coupa-users snapshot read a tenant's users, pseudonymised, into a fixture file for serve --fixtures
//	coupa-users diff    compare the structure of a tenant's answers with a fake's, scored
//	coupa-users spec    print the OpenAPI document
//	coupa-users version print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// exitUsage is the exit status for a command line that cannot be understood.
const exitUsage = 2

// command is one subcommand; run gets the arguments after the subcommand's name.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"serve", "start the fake Users API", runServe},
		{"check", "run the contract suite against a base URL", runCheck},
		{"snapshot", "read a tenant's users, pseudonymised, into a fixture file", runSnapshot},
		{"diff", "compare the structure of a tenant's answers with a fake's", runDiff},
		{"spec", "print the OpenAPI document (--format yaml|json)", runSpec},
		{"version", "print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout) // asked for: it is the answer, not a complaint
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "coupa-users: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: coupa-users <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'coupa-users <command> --help' for a command's flags.")
}

// newFlagSet is a subcommand's flag set, its usage written to wherever parseFlags points it.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: coupa-users %s [flags]\n\nFlags:\n", name)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses a subcommand's flags: -h prints the flags on stdout and exits 0; a flag that cannot be parsed
// is named on stderr, with the flags, and exits with the usage status.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (done bool, code int) {
	// The flag package prints its error and the usage to one writer; help must go to stdout, errors to stderr.
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return true, 0
	case err != nil:
		fs.SetOutput(stderr)
		fmt.Fprintf(stderr, "coupa-users %s: %v\n", fs.Name(), err)
		fs.Usage()
		return true, exitUsage
	}
	fs.SetOutput(stderr)
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "coupa-users %s: unexpected arguments %q\n", fs.Name(), fs.Args())
		return true, exitUsage
	}
	return false, 0
}

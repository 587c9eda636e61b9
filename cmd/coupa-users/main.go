// Command coupa-users serves a fake of Coupa's Users API and checks any implementation against the same spec.
//
//	coupa-users serve   start the fake
//	coupa-users check   run the contract suite against a base URL
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
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
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

// parseFlags parses a subcommand's flags, mapping -h to exit 0 and other errors to the usage status.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (done bool, code int) {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, 0
		}
		return true, exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "coupa-users %s: unexpected arguments %q\n", fs.Name(), fs.Args())
		return true, exitUsage
	}
	return false, 0
}

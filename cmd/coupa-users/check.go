package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/coupa-kit/coupa-users/contract"
)

// exitFailures is the exit status of a check run that ran and found failures; exitUsage (2) is also the status of a
// run that could not run at all (bad URL, no credentials, unreachable, credentials refused) or was interrupted.
const exitFailures = 1

// listFlag collects a repeatable, comma-separated flag (--only reading/* --only security,robustness).
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*l = append(*l, part)
		}
	}
	return nil
}

type checkFlags struct {
	baseURL, clientID, clientSecret, scopes, tokenURL, apiKey, token string
	format, junit, jsonOut, htmlOut, responseFilter                  string
	readOnly, list, quiet                                            bool
	only, skip                                                       listFlag
	rate                                                             float64
	generate                                                         int
	seed                                                             int64
	timeout, wait                                                    time.Duration
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var fl checkFlags
	fs := newFlagSet("check")
	fs.StringVar(&fl.baseURL, "base-url", os.Getenv("COUPA_BASE_URL"), "base URL of the implementation, e.g. https://acme.coupahost.com (env COUPA_BASE_URL)")
	fs.StringVar(&fl.clientID, "client-id", os.Getenv("COUPA_CLIENT_ID"), "OAuth2 client id (env COUPA_CLIENT_ID)")
	fs.StringVar(&fl.clientSecret, "client-secret", os.Getenv("COUPA_CLIENT_SECRET"), "OAuth2 client secret (env COUPA_CLIENT_SECRET)")
	fs.StringVar(&fl.scopes, "scopes", "", "scopes to request, space- or comma-separated (default core.user.read core.user.write; core.user.read with --read-only)")
	fs.StringVar(&fl.tokenURL, "token-url", "", "OAuth2 token endpoint (default: the base URL's /oauth2/token, or /oauth2/access_tokens when that answers 404)")
	fs.StringVar(&fl.apiKey, "api-key", os.Getenv("COUPA_API_KEY"), "legacy X-COUPA-API-KEY, instead of client credentials (env COUPA_API_KEY)")
	fs.StringVar(&fl.token, "token", os.Getenv("COUPA_TOKEN"), "a bearer token obtained elsewhere, instead of client credentials (env COUPA_TOKEN)")
	fs.BoolVar(&fl.readOnly, "read-only", false, "send GET requests only (and the token request, and GraphQL queries, never a mutation): skip the writing checks; safe against production")
	fs.StringVar(&fl.format, "format", "both", "formats to check: json, xml or both")
	fs.StringVar(&fl.responseFilter, "response-filter", "", "a response filter the implementation defines for users (Coupa: Setup > Integrations > API Filters), for reading/response-filter/named; without it that check is skipped")
	fs.Var(&fl.only, "only", "run only these checks: names, prefixes or globs, comma-separated or repeated (reading, writing/max-length/*)")
	fs.Var(&fl.skip, "skip", "skip these checks (same patterns as --only)")
	fs.Float64Var(&fl.rate, "rate", contract.DefaultRate, "requests per second (Coupa allows 25); 0 or less: no limit")
	fs.StringVar(&fl.junit, "junit", "", "write a JUnit XML report to this file")
	fs.StringVar(&fl.jsonOut, "json", "", "write a JSON report to this file")
	fs.StringVar(&fl.htmlOut, "html", "", "write a self-contained HTML report (summary, failures with evidence, created users) to this file")
	fs.DurationVar(&fl.timeout, "timeout", contract.DefaultTimeout, "timeout of each request")
	fs.DurationVar(&fl.wait, "wait", 0, "wait up to this long (30s) for a server that is still starting: retry, with backoff, while nothing answers at the base URL")
	fs.BoolVar(&fl.list, "list", false, "list the checks and exit")
	fs.IntVar(&fl.generate, "generate", 0, "robustness/generated: send N generated negative cases per format (bodies in write mode, queries always)")
	fs.Int64Var(&fl.seed, "seed", 1, "the seed of --generate: the same seed, the same cases")
	fs.BoolVar(&fl.quiet, "quiet", false, "no progress lines on stderr")
	fs.Usage = func() {
		w := fs.Output() // stdout for --help, stderr after a bad flag
		fmt.Fprintln(w, "Usage: coupa-users check --base-url URL (--client-id ID --client-secret SECRET | --api-key KEY | --token TOKEN) [flags]")
		fmt.Fprintln(w, "\nRuns the contract suite against an implementation of Coupa's Users API. Exit status: 0 every check passed,")
		fmt.Fprintln(w, "1 the suite ran and found failures, 2 it could not run (bad flags, bad URL, no credentials, unreachable,")
		fmt.Fprintln(w, "credentials refused) or was interrupted.\n\nFlags:")
		fs.PrintDefaults()
	}
	if done, code := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fl.list {
		for _, c := range contract.Checks() {
			w := ""
			if c.Write {
				w = " (writes)"
			}
			fmt.Fprintf(stdout, "%-50s %s%s\n", c.Name, c.Description, w)
		}
		return 0
	}
	cfg, err := fl.config(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "coupa-users check:", err)
		return exitUsage
	}
	if fl.wait > 0 {
		if !fl.quiet {
			fmt.Fprintf(stderr, "waiting up to %s for %s...\n", fl.wait, cfg.BaseURL)
		}
		if err := waitReachable(ctx, http.DefaultClient, cfg.BaseURL, fl.wait); err != nil {
			fmt.Fprintln(stderr, "coupa-users check: could not run:", err)
			return exitUsage
		}
	}
	rep, err := contract.Run(ctx, cfg)
	if rep == nil {
		fmt.Fprintln(stderr, "coupa-users check: could not run:", err)
		if errors.Is(err, contract.ErrNoCredentials) {
			fmt.Fprintln(stderr, "  give --client-id and --client-secret, --api-key, or --token")
		}
		return exitUsage
	}
	code := 0
	if werr := rep.WriteText(stdout); werr != nil {
		fmt.Fprintln(stderr, "coupa-users check:", werr)
		code = exitUsage
	}
	for _, out := range []struct {
		path  string
		write func(io.Writer) error
	}{{fl.junit, rep.WriteJUnit}, {fl.jsonOut, rep.WriteJSON}, {fl.htmlOut, rep.WriteHTML}} {
		if out.path == "" {
			continue
		}
		if werr := writeFile(out.path, out.write); werr != nil {
			fmt.Fprintln(stderr, "coupa-users check:", werr)
			code = exitUsage
		}
	}
	switch {
	case err != nil:
		fmt.Fprintln(stderr, "coupa-users check: interrupted:", err)
		return exitUsage
	case code != 0:
		return code
	case !rep.Passed():
		return exitFailures
	}
	return 0
}

// config turns the flags into a contract.Config.
func (fl *checkFlags) config(stderr io.Writer) (contract.Config, error) {
	formats, err := contract.ParseFormats(fl.format)
	if err != nil {
		return contract.Config{}, fmt.Errorf("--format: %w", err)
	}
	if fl.baseURL == "" {
		return contract.Config{}, errors.New("--base-url is required")
	}
	if fl.wait < 0 {
		return contract.Config{}, fmt.Errorf("--wait %s: a duration of 0 (no waiting) or more", fl.wait)
	}
	cfg := contract.Config{
		BaseURL: fl.baseURL, ClientID: fl.clientID, ClientSecret: fl.clientSecret, TokenURL: fl.tokenURL,
		APIKey: fl.apiKey, Token: fl.token, ReadOnly: fl.readOnly, Formats: formats,
		Only: fl.only, Skip: fl.skip, Rate: fl.rate, Timeout: fl.timeout, ResponseFilter: fl.responseFilter,
		Generate: fl.generate, Seed: fl.seed,
	}
	if fl.rate <= 0 {
		cfg.Rate = -1
	}
	if fl.scopes != "" {
		cfg.Scopes = strings.FieldsFunc(fl.scopes, func(r rune) bool { return r == ' ' || r == ',' })
	}
	if !fl.quiet {
		cfg.Progress = stderr
	}
	return cfg, nil
}

// writeFile writes a report to a file.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}

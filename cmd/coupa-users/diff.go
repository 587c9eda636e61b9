package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/coupa-kit/coupa-users/internal/diff"
	"github.com/coupa-kit/coupa-users/internal/readonly"
)

type diffFlags struct {
	tenant, fake       string
	tenantCreds, fakes readonly.Credentials
	jsonOut, htmlOut   string
	rate, minScore     float64
	timeout            time.Duration
}

func runDiff(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var fl diffFlags
	fs := newFlagSet("diff")
	fs.StringVar(&fl.tenant, "tenant", os.Getenv("COUPA_BASE_URL"), "base URL of the tenant (env COUPA_BASE_URL)")
	fs.StringVar(&fl.tenantCreds.ClientID, "tenant-client-id", os.Getenv("COUPA_CLIENT_ID"), "the tenant's OAuth2 client id (env COUPA_CLIENT_ID); the token asks for core.user.read only")
	fs.StringVar(&fl.tenantCreds.ClientSecret, "tenant-client-secret", os.Getenv("COUPA_CLIENT_SECRET"), "the tenant's OAuth2 client secret (env COUPA_CLIENT_SECRET)")
	fs.StringVar(&fl.tenantCreds.APIKey, "tenant-api-key", os.Getenv("COUPA_API_KEY"), "the tenant's legacy X-COUPA-API-KEY (env COUPA_API_KEY)")
	fs.StringVar(&fl.tenantCreds.Token, "tenant-token", os.Getenv("COUPA_TOKEN"), "a bearer token for the tenant (env COUPA_TOKEN)")
	fs.StringVar(&fl.fake, "fake", "http://127.0.0.1:8080", "base URL of the fake")
	fs.StringVar(&fl.fakes.ClientID, "fake-client-id", "coupa-fake-client", "the fake's OAuth2 client id")
	fs.StringVar(&fl.fakes.ClientSecret, "fake-client-secret", "coupa-fake-secret", "the fake's OAuth2 client secret")
	fs.StringVar(&fl.fakes.APIKey, "fake-api-key", "", "the fake's X-COUPA-API-KEY, instead of its client")
	fs.StringVar(&fl.fakes.Token, "fake-token", "", "a bearer token for the fake, instead of its client")
	fs.Float64Var(&fl.rate, "rate", 20, "requests per second to each side; 0: no limit")
	fs.Float64Var(&fl.minScore, "min-score", 1, "exit 1 when the overall score is below this (1: any difference)")
	fs.StringVar(&fl.jsonOut, "json", "", "write a JSON report to this file")
	fs.StringVar(&fl.htmlOut, "html", "", "write a self-contained HTML report to this file")
	fs.DurationVar(&fl.timeout, "timeout", 60*time.Second, "timeout of each request")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage: coupa-users diff --tenant URL (--tenant-client-id ID --tenant-client-secret SECRET | --tenant-api-key KEY | --tenant-token TOKEN) --fake URL [flags]")
		fmt.Fprintln(w, "\nSends the same GET requests to a tenant and to a fake and reports how their answers' structure differs,")
		fmt.Fprintln(w, "with a score per area. Exit status: 0 the overall score is at least --min-score, 1 below it, 2 the diff")
		fmt.Fprintln(w, "could not run.\n\nFlags:")
		fs.PrintDefaults()
	}
	if done, code := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if err := fl.check(); err != nil {
		fmt.Fprintln(stderr, "coupa-users diff:", err)
		return exitUsage
	}
	// The fake's own client is the default: credentials given for the fake in another form replace it.
	if fl.fakes.APIKey != "" || fl.fakes.Token != "" {
		fl.fakes.ClientID = ""
	}
	rep, err := diff.Run(ctx, diff.Options{
		Tenant: diff.Target{BaseURL: fl.tenant, Credentials: fl.tenantCreds},
		Fake:   diff.Target{BaseURL: fl.fake, Credentials: fl.fakes},
		Rate:   fl.rate, Timeout: fl.timeout,
	})
	if err != nil {
		fmt.Fprintln(stderr, "coupa-users diff: could not run:", err)
		return exitUsage
	}
	if err := rep.WriteText(stdout); err != nil {
		fmt.Fprintln(stderr, "coupa-users diff:", err)
		return exitUsage
	}
	for _, out := range []struct {
		path  string
		write func(io.Writer) error
	}{{fl.jsonOut, rep.WriteJSON}, {fl.htmlOut, rep.WriteHTML}} {
		if out.path == "" {
			continue
		}
		if err := writeFile(out.path, out.write); err != nil {
			fmt.Fprintln(stderr, "coupa-users diff:", err)
			return exitUsage
		}
	}
	if rep.Overall < fl.minScore {
		return exitFailures
	}
	return 0
}

func (fl *diffFlags) check() error {
	switch {
	case fl.tenant == "":
		return errors.New("--tenant is required")
	case fl.tenantCreds.ClientID == "" && fl.tenantCreds.APIKey == "" && fl.tenantCreds.Token == "":
		return errors.New("give the tenant's credentials: --tenant-client-id and --tenant-client-secret, --tenant-api-key, or --tenant-token")
	case fl.minScore < 0 || fl.minScore > 1:
		return fmt.Errorf("--min-score %g: between 0 and 1", fl.minScore)
	}
	return nil
}

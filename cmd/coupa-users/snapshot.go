package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/coupa-kit/coupa-users/internal/readonly"
	"github.com/coupa-kit/coupa-users/internal/snapshot"
)

type snapshotFlags struct {
	baseURL, clientID, clientSecret, apiKey, token, out, key string
	keep                                                     listFlag
	rate                                                     float64
	resume, quiet                                            bool
	timeout                                                  time.Duration
}

func runSnapshot(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var fl snapshotFlags
	fs := newFlagSet("snapshot")
	fs.StringVar(&fl.baseURL, "base-url", os.Getenv("COUPA_BASE_URL"), "base URL of the tenant, e.g. https://acme.coupahost.com (env COUPA_BASE_URL)")
	fs.StringVar(&fl.clientID, "client-id", os.Getenv("COUPA_CLIENT_ID"), "OAuth2 client id (env COUPA_CLIENT_ID); the token asks for core.user.read only")
	fs.StringVar(&fl.clientSecret, "client-secret", os.Getenv("COUPA_CLIENT_SECRET"), "OAuth2 client secret (env COUPA_CLIENT_SECRET)")
	fs.StringVar(&fl.apiKey, "api-key", os.Getenv("COUPA_API_KEY"), "legacy X-COUPA-API-KEY, instead of client credentials (env COUPA_API_KEY)")
	fs.StringVar(&fl.token, "token", os.Getenv("COUPA_TOKEN"), "a bearer token obtained elsewhere (env COUPA_TOKEN)")
	fs.StringVar(&fl.out, "out", "", "the fixture file to write (required); FILE.part and FILE.checkpoint hold progress until the run ends")
	fs.Float64Var(&fl.rate, "rate", 20, "requests per second (Coupa allows 25); 0: no limit")
	fs.Var(&fl.keep, "keep", "personal elements to keep as they are, comma-separated (login,email)")
	fs.StringVar(&fl.key, "key", os.Getenv("COUPA_SNAPSHOT_KEY"), "the pseudonymisation key (env COUPA_SNAPSHOT_KEY): the same key maps the same values the same way; default a random key, printed once")
	fs.BoolVar(&fl.resume, "resume", false, "go on with an interrupted run (FILE.checkpoint), with the same --key")
	fs.DurationVar(&fl.timeout, "timeout", 60*time.Second, "timeout of each request")
	fs.BoolVar(&fl.quiet, "quiet", false, "no progress bar on stderr")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage: coupa-users snapshot --base-url URL (--client-id ID --client-secret SECRET | --api-key KEY | --token TOKEN) --out FILE [flags]")
		fmt.Fprintln(w, "\nReads every user of a tenant (GET requests only) into a file that `serve --fixtures FILE` loads, with personal")
		fmt.Fprintln(w, "elements pseudonymised. Exit status: 0 written, 2 not (bad flags, unreachable, refused, interrupted: --resume).\n\nFlags:")
		fs.PrintDefaults()
	}
	if done, code := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	opts, err := fl.options(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "coupa-users snapshot:", err)
		return exitUsage
	}
	res, err := snapshot.Run(ctx, opts)
	if err != nil {
		fmt.Fprintln(stderr, "coupa-users snapshot:", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "wrote %d users to %s in %s (%d requests)\n", res.Users, fl.out, res.Took.Round(time.Millisecond), res.Requests)
	for _, name := range slices.Sorted(maps.Keys(res.Remapped)) {
		fmt.Fprintf(stdout, "  %s: %d references the fake lacks, replaced by its own records\n", name, res.Remapped[name])
	}
	return 0
}

// options turns the flags into snapshot.Options, making a random key when none is given.
func (fl *snapshotFlags) options(stderr io.Writer) (snapshot.Options, error) {
	if fl.baseURL == "" {
		return snapshot.Options{}, errors.New("--base-url is required")
	}
	if fl.out == "" {
		return snapshot.Options{}, errors.New("--out is required")
	}
	if fl.clientID == "" && fl.apiKey == "" && fl.token == "" {
		return snapshot.Options{}, errors.New("give --client-id and --client-secret, --api-key, or --token")
	}
	key := fl.key
	if key == "" {
		if fl.resume {
			return snapshot.Options{}, errors.New("--resume needs the --key of the interrupted run")
		}
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return snapshot.Options{}, fmt.Errorf("making a key: %w", err)
		}
		key = hex.EncodeToString(b)
		// Printed once, so that an interrupted run can be resumed and a later snapshot mapped the same way.
		fmt.Fprintf(stderr, "snapshot: no --key given; pseudonymising with the random key %s (keep it to --resume)\n", key)
	}
	opts := snapshot.Options{
		BaseURL:     strings.TrimRight(fl.baseURL, "/"),
		Credentials: readonly.Credentials{ClientID: fl.clientID, ClientSecret: fl.clientSecret, APIKey: fl.apiKey, Token: fl.token},
		Out:         fl.out, Rate: fl.rate, Keep: fl.keep, Key: []byte(key), Resume: fl.resume, Timeout: fl.timeout,
	}
	if !fl.quiet {
		opts.Progress = stderr
	}
	return opts, nil
}

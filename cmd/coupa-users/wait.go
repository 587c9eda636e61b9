package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// The backoff of check --wait: from the first retry to the longest pause between two attempts.
const (
	firstWaitBackoff = 50 * time.Millisecond
	maxWaitBackoff   = 2 * time.Second
	waitAttemptLimit = 5 * time.Second // one attempt, so that a server that accepts and never answers is retried
)

// waitReachable polls base until it answers anything at all, for at most d: check --wait lets a CI job start the
// fake and the suite together. Only a failure to connect is waited out (nothing listening yet, a name not yet
// resolvable); any other failure (TLS, a bad URL) ends the wait at once, for the run to report it. The error says
// that the server never answered.
func waitReachable(ctx context.Context, client *http.Client, base string, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	backoff := firstWaitBackoff
	for {
		err := probe(ctx, client, base)
		if err == nil || !notListening(err) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not answer within %s: %w", base, d, err)
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxWaitBackoff)
	}
}

// probe sends one GET to base and reads nothing of the answer but its status line.
func probe(ctx context.Context, client *http.Client, base string) error {
	ctx, cancel := context.WithTimeout(ctx, waitAttemptLimit)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	return resp.Body.Close()
}

// notListening reports whether err says the server is not there yet: the connection was refused or timed out, or
// its name does not resolve yet (a container still starting).
func notListening(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	return errors.As(err, &op) && op.Op == "dial" || errors.As(err, &dns) || errors.Is(err, context.DeadlineExceeded)
}

package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fake"
)

// refusingTransport refuses the first connections as a port nothing listens on does, then passes requests on.
type refusingTransport struct {
	refusals int32
	attempts atomic.Int32
}

func (rt *refusingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if rt.attempts.Add(1) <= rt.refusals {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestWaitReachableRetriesUntilTheServerAnswers(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler()) // any answer will do, a 404 too
	defer srv.Close()
	rt := &refusingTransport{refusals: 3}
	if err := waitReachable(context.Background(), &http.Client{Transport: rt}, srv.URL, time.Minute); err != nil {
		t.Fatal(err)
	}
	if n := rt.attempts.Load(); n != 4 {
		t.Errorf("%d attempts, want 3 refused and 1 answered", n)
	}
}

func TestWaitReachableGivesUp(t *testing.T) {
	rt := &refusingTransport{refusals: 1 << 30}
	err := waitReachable(context.Background(), &http.Client{Transport: rt}, "http://127.0.0.1:1", 300*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "did not answer within 300ms") || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("never reachable: %v", err)
	}
	if rt.attempts.Load() < 2 {
		t.Errorf("%d attempts: no retry", rt.attempts.Load())
	}
}

// A failure other than a refused connection is not waited out: the run reports it.
func TestWaitReachableDoesNotWaitOutOtherErrors(t *testing.T) {
	if err := waitReachable(context.Background(), http.DefaultClient, "ftp://example.com", time.Hour); err != nil {
		t.Errorf("a bad scheme: %v", err)
	}
}

// check --wait runs the suite against a fake that starts listening only after the check has started.
func TestCheckWaitsForAServerStarting(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	f, err := fake.New(fake.Options{Users: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	started := make(chan *http.Server, 1)
	go func() {
		time.Sleep(300 * time.Millisecond) // the check's first attempts find nothing listening
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Error(err)
			started <- nil
			return
		}
		srv := &http.Server{Handler: f}
		go srv.Serve(ln)
		started <- srv
	}()
	code, out, errOut := runCLI(t, append([]string{"check", "--base-url", "http://" + addr, "--wait", "30s", "--only", "security/token"}, creds...)...)
	if srv := <-started; srv != nil {
		defer srv.Close()
	}
	if code != 0 || !strings.Contains(errOut, "waiting up to 30s for http://"+addr) {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

func TestCheckWaitGivesUp(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := "http://" + ln.Addr().String()
	ln.Close()
	code, out, errOut := runCLI(t, append([]string{"check", "--quiet", "--base-url", closed, "--wait", "200ms"}, creds...)...)
	if code != exitUsage || !strings.Contains(errOut, "did not answer within 200ms") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, append([]string{"check", "--base-url", closed, "--wait", "-1s"}, creds...)...)
	if code != exitUsage || !strings.Contains(errOut, "--wait") {
		t.Errorf("a negative --wait: exit %d, %s", code, errOut)
	}
}

package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startServe runs serve with args on a free loopback port until the test ends, and returns its base URL.
func startServe(t *testing.T, args ...string) (base string, banner string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--users", "1"}, args...), &out, &errOut)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, errOut.String())
		}
	})
	re := regexp.MustCompile(`Base URL:\s+(\S+)`)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil && strings.Contains(out.String(), "First token") {
			return m[1], out.String()
		}
	}
	t.Fatalf("no base URL printed; stdout %q stderr %q", out.String(), errOut.String())
	return "", ""
}

// trusting is a client that trusts only the certificates in the PEM file.
func trusting(t *testing.T, pemFile string) *http.Client {
	t.Helper()
	data, err := os.ReadFile(pemFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		t.Fatalf("%s holds no certificate: %s", pemFile, data)
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

func TestServeTLSGeneratesATrustableCertificate(t *testing.T) {
	certFile := filepath.Join(t.TempDir(), "fake.pem")
	base, banner := startServe(t, "--tls", "--tls-cert-out", certFile)
	if !strings.HasPrefix(base, "https://127.0.0.1:") || !strings.Contains(banner, "curl --cacert "+certFile) {
		t.Errorf("the banner:\n%s", banner)
	}
	client := trusting(t, certFile)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(base, "https://"))
	for _, u := range []string{base, "https://localhost:" + port} {
		resp, err := client.Get(u + "/healthz")
		if err != nil {
			t.Errorf("%s: %v", u, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s/healthz: %d", u, resp.StatusCode)
		}
	}
	// A client that does not trust the certificate is refused it.
	if resp, err := http.Get(base + "/healthz"); err == nil {
		resp.Body.Close()
		t.Error("a client without the certificate trusted the fake")
	}
	// The key stays in memory: the file holds the certificate alone.
	if data, _ := os.ReadFile(certFile); bytes.Contains(data, []byte("PRIVATE KEY")) {
		t.Error("the certificate file holds the private key")
	}
}

func TestSelfSignedNamesTheHostOfAddr(t *testing.T) {
	for host, want := range map[string]string{"fake.internal": "fake.internal", "10.1.2.3": "10.1.2.3"} {
		cert, _, err := selfSigned(host, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		leaf, err := x509.ParseCertificate(cert.Certificate[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"localhost", "127.0.0.1", "::1", want} {
			if err := leaf.VerifyHostname(name); err != nil {
				t.Errorf("a certificate for --addr %s: %v", host, err)
			}
		}
	}
}

func TestServeTLSWithTheOperatorsCertificate(t *testing.T) {
	dir := t.TempDir()
	cert, certPEM, err := selfSigned("127.0.0.1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, certPEM, 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	base, banner := startServe(t, "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(base, "https://") || strings.Contains(banner, "--cacert") {
		t.Errorf("the banner:\n%s", banner)
	}
	resp, err := trusting(t, certFile).Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/healthz: %d", resp.StatusCode)
	}
}

func TestServeTLSBadFlags(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.pem")
	os.WriteFile(junk, []byte("not a certificate"), 0o644)
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"--tls-cert", filepath.Join(dir, "none.pem"), "--tls-key", filepath.Join(dir, "none.key")}, "none.pem"},
		{[]string{"--tls-cert", junk, "--tls-key", junk}, "junk.pem"},
		{[]string{"--tls-cert", junk}, "--tls-cert and --tls-key go together"},
		{[]string{"--tls", "--tls-cert", junk, "--tls-key", junk}, "not both"},
		{[]string{"--tls-cert-out", filepath.Join(dir, "out.pem")}, "needs --tls"},
	} {
		var out, errOut bytes.Buffer
		args := append([]string{"serve", "--addr", "127.0.0.1:0"}, c.args...)
		if code := run(context.Background(), args, &out, &errOut); code != exitUsage || !strings.Contains(errOut.String(), c.says) || out.Len() != 0 {
			t.Errorf("%v: exit %d (want %d), stderr %q (want %q)", c.args, code, exitUsage, errOut.String(), c.says)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer lets the test read what serve prints while serve still runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestServeStartsAndStopsGracefully(t *testing.T) {
	dir := t.TempDir()
	fixturesFile := filepath.Join(dir, "users.json")
	os.WriteFile(fixturesFile, []byte(`[{"login":"fixture.user","email":"fixture.user@example.com","firstname":"Fix","lastname":"Ture"}]`), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--users", "5", "--fixtures", fixturesFile,
			"--client-id", "my-client", "--client-secret", "my-secret", "--api-key", "abcdefghijabcdefghijabcdefghijabcdefghij",
			"--error-warnings", "omit"}, &out, &errOut)
	}()
	base := regexp.MustCompile(`Base URL:\s+(http://\S+)`)
	var url string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := base.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
			break
		}
	}
	if url == "" {
		cancel()
		t.Fatalf("no base URL printed; stdout %q stderr %q", out.String(), errOut.String())
	}
	banner := out.String()
	// 8 users: 5 generated, 1 fixture, and the API users of my-client and of the API key.
	for _, want := range []string{"/openapi.yaml", "client my-client / secret my-secret", "X-COUPA-API-KEY: abcdefghij", "8 users"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	if strings.Contains(banner, "coupa-fake-client") {
		t.Error("--client-id should replace the default credentials")
	}
	req, _ := http.NewRequest(http.MethodGet, url+"/api/users?login=fixture.user", nil)
	req.Header.Set("X-COUPA-API-KEY", "abcdefghijabcdefghijabcdefghijabcdefghij")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(body.String(), `"login":"fixture.user"`) {
		t.Errorf("fixture user: %d %s", resp.StatusCode, body.String())
	}
	// --error-warnings omit reaches the error bodies: older Coupa's form, without "warnings".
	req, _ = http.NewRequest(http.MethodGet, url+"/api/users/999999", nil)
	req.Header.Set("X-COUPA-API-KEY", "abcdefghijabcdefghijabcdefghijabcdefghij")
	req.Header.Set("Accept", "application/json")
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	body.Reset()
	body.ReadFrom(resp.Body)
	resp.Body.Close()
	if want := `{"errors":{"user":["Couldn't find User with 'id'=999999"]}}`; resp.StatusCode != 404 || body.String() != want {
		t.Errorf("unknown id with --error-warnings omit: %d %s, want 404 %s", resp.StatusCode, body.String(), want)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestServeRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--auth", "maybe"},
		{"serve", "--limit-over-max", "sometimes"},
		{"serve", "--error-warnings", "beside"},
		{"serve", "--client-id", "only-id"},
		{"serve", "--timezone", "Mars/Olympus"},
		{"serve", "--fixtures", "/no/such/file.json"},
		{"serve", "--validation-status", "418", "--addr", "127.0.0.1:0"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code == 0 || errOut.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut.String())
		}
	}
}

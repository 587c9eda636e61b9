package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fake"
)

// TestTimeoutsCutSlowClientsOff: a client that sends its headers, or its body, and then stalls has its connection
// closed by the server. The timeouts are short; what is asserted is that the server closes the connection, not when.
func TestTimeoutsCutSlowClientsOff(t *testing.T) {
	f, err := fake.New(fake.Options{Users: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	short := 100 * time.Millisecond
	srv := newHTTPServer(f, timeouts{readHeader: short, read: short, write: 5 * short, idle: short})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	for name, sent := range map[string]string{
		"slow headers": "POST /api/users HTTP/1.1\r\nHost: 127.0.0.1\r\n",
		"slow body": "POST /api/users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
			"Content-Length: 1000\r\n\r\n{\"login\":",
		"idle keep-alive": "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, sent); err != nil {
				t.Fatal(err)
			}
			// The deadline only keeps a broken server from hanging the test: far beyond any timeout above.
			conn.SetReadDeadline(time.Now().Add(30 * time.Second))
			_, err = io.Copy(io.Discard, bufio.NewReader(conn)) // whatever the server answers, then its close
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatal("the server kept the stalled connection open")
			}
			if err != nil && !strings.Contains(err.Error(), "reset") {
				t.Fatalf("reading until the server closed: %v", err)
			}
		})
	}
}

func TestServeRejectsNegativeTimeouts(t *testing.T) {
	var fl serveFlags
	fs := fl.flagSet()
	fs.SetOutput(io.Discard)
	if err := fs.Parse([]string{"--read-timeout", "-1s"}); err != nil {
		t.Fatal(err)
	}
	if err := fl.timeouts.check(); err == nil {
		t.Error("a negative --read-timeout passed")
	}
}

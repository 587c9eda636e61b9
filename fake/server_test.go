package fake_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
)

// A client that sends its whole body before it reads reads the answer even when the fake answers without reading
// that body: a 413 for a body over the limit, and net/http's own 400 for a request line it cannot parse. Without the
// linger of the fake's connections, the client's write meets a reset instead.
func TestServerLetsAClientStillSendingReadTheAnswer(t *testing.T) {
	srv := fake.NewTestServer(t, fake.Options{Users: 1, Seed: 1})
	tok, err := srv.Token()
	if err != nil {
		t.Fatal(err)
	}
	size := 4 * fake.MaxBodyBytes
	for name, tc := range map[string]struct {
		requestLine string
		status      int
		body        string
	}{
		"body over the limit":     {"POST /api/users HTTP/1.1", http.StatusRequestEntityTooLarge, `"errors"`},
		"request line refused":    {"DELETE /api/users/%zz HTTP/1.1", http.StatusBadRequest, "Bad Request"},
		"request line, .xml path": {"PUT /api/users/1%zz.xml HTTP/1.1", http.StatusBadRequest, "Bad Request"},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			written := make(chan error, 1)
			go func() {
				_, err := fmt.Fprintf(c, "%s\r\nHost: x\r\nAuthorization: Bearer %s\r\nAccept: application/json\r\n"+
					"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n{\"login\":\"", tc.requestLine, tok, size)
				if err == nil {
					_, err = io.WriteString(c, strings.Repeat("x", size-len(`{"login":"`)))
				}
				written <- err
			}()
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatalf("no answer: %v (the write: %v)", err, <-written)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.body) {
				t.Errorf("answer %d %q, want %d with %s", resp.StatusCode, body, tc.status, tc.body)
			}
			if err := <-written; err != nil {
				t.Errorf("the client's body did not get through: %v", err)
			}
		})
	}
}

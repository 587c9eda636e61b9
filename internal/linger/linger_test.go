package linger_test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/coupa-kit/coupa-users/internal/linger"
)

// bodyBytes is far more than a loopback socket buffers for a reader that does not read, so without the linger
// the client's write meets a reset.
const bodyBytes = 4 << 20

// start serves h through linger on an httptest server, over TLS or not, and returns a dial function for raw
// connections to it.
func start(t *testing.T, h http.Handler, useTLS bool, states func(http.ConnState)) func() net.Conn {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	if states != nil {
		srv.Config.ConnState = func(_ net.Conn, s http.ConnState) { states(s) }
	}
	srv.Listener = linger.Serve(srv.Config, srv.Listener)
	if useTLS {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	return func() net.Conn {
		var c net.Conn
		var err error
		if useTLS {
			c, err = tls.Dial("tcp", addr, srv.Client().Transport.(*http.Transport).TLSClientConfig)
		} else {
			c, err = net.Dial("tcp", addr)
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
}

// send writes head and then bodyBytes of body while it reads the answer, as a client that does not wait for the
// server's verdict before sending its body; it returns the answer and the error of the whole write.
func send(t *testing.T, c net.Conn, head string) (*http.Response, []byte, error) {
	t.Helper()
	writeErr := make(chan error, 1)
	go func() {
		_, err := io.WriteString(c, head+fmt.Sprintf("Content-Length: %d\r\n\r\n", bodyBytes))
		if err == nil {
			_, err = io.Copy(c, io.LimitReader(zeros{}, bodyBytes))
		}
		writeErr <- err
	}()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v (the write: %v)", err, <-writeErr)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the answer's body: %v", err)
	}
	return resp, body, <-writeErr
}

// readerConn reads through the bufio.Reader that already holds what came in on the connection.
type readerConn struct {
	net.Conn
	r *bufio.Reader
}

func (c readerConn) Read(p []byte) (int, error) { return c.r.Read(p) }

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestAClientStillSendingReadsTheAnswer(t *testing.T) {
	limited := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength == 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if _, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<10)); err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		t.Error("the handler read the whole body")
	})
	for _, useTLS := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%t", useTLS), func(t *testing.T) {
			t.Run("request line net/http refuses", func(t *testing.T) {
				dial := start(t, limited, useTLS, nil)
				resp, _, err := send(t, dial(), "DELETE /a/%zz HTTP/1.1\r\nHost: x\r\n")
				if resp.StatusCode != http.StatusBadRequest {
					t.Errorf("status %d, want 400", resp.StatusCode)
				}
				if err != nil {
					t.Errorf("the client's body did not get through: %v", err)
				}
			})
			t.Run("request line refused on a keep-alive connection", func(t *testing.T) {
				// net/http reads the start of the next request while the connection is idle, so the request is
				// refused without the connection ever becoming active.
				c := start(t, limited, useTLS, nil)()
				br := bufio.NewReader(c)
				if _, err := io.WriteString(c, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
					t.Fatal(err)
				}
				first, err := http.ReadResponse(br, nil)
				if err != nil || first.StatusCode != http.StatusNoContent {
					t.Fatalf("the first request: %v, %v", first, err)
				}
				resp, _, err := send(t, readerConn{c, br}, "DELETE /a/%zz HTTP/1.1\r\nHost: x\r\n")
				if resp.StatusCode != http.StatusBadRequest {
					t.Errorf("status %d, want 400", resp.StatusCode)
				}
				if err != nil {
					t.Errorf("the client's body did not get through: %v", err)
				}
			})
			t.Run("body over a handler's limit", func(t *testing.T) {
				dial := start(t, limited, useTLS, nil)
				resp, body, err := send(t, dial(), "POST /a HTTP/1.1\r\nHost: x\r\n")
				if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "too large") {
					t.Errorf("answer %d %q, want 413 with the handler's body", resp.StatusCode, body)
				}
				if err != nil {
					t.Errorf("the client's body did not get through: %v", err)
				}
			})
		})
	}
}

// A keep-alive connection goes on serving requests, and the hook already set on the server still hears every state.
func TestKeepAliveAndTheServersOwnHook(t *testing.T) {
	var mu sync.Mutex
	var seen []http.ConnState
	dial := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		fmt.Fprint(w, r.URL.Path)
	}), false, func(s http.ConnState) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, s)
	})
	c := dial()
	br := bufio.NewReader(c)
	for _, path := range []string{"/one", "/two"} {
		if _, err := fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", path); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if !bytes.Equal(body, []byte(path)) {
			t.Errorf("answer %q, want %q", body, path)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	want := []http.ConnState{http.StateNew, http.StateActive, http.StateIdle, http.StateActive}
	if len(seen) < len(want) || !slices.Equal(seen[:len(want)], want) {
		t.Errorf("the server's own hook saw %v, want %v first", seen, want)
	}
}

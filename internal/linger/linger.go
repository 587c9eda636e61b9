// Package linger closes an HTTP server's connections the way a careful server does: when a connection is closed
// in the middle of a request, it first shuts its writing side, then reads and throws away what the client is still
// sending, and only then closes.
//
// net/http closes a connection outright when it refuses a request before any handler runs (a request line it cannot
// parse, such as a path with "%zz", answers "400 Bad Request"), and after a 413 for a body larger than a handler's
// limit. If the client is still writing its body, the kernel answers the unread bytes with a reset, and the client
// sees "broken pipe" or "connection reset" in place of the answer the server did send. The fake is a test tool:
// the client under test must get to read that answer. Both cmd/coupa-users serve and fake.Server use it.
package linger

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// MaxBytes bounds what a closing connection reads and throws away: a client sending more gets a reset.
	MaxBytes = 8 << 20
	// Timeout bounds how long a closing connection waits for the client to finish sending and close its side.
	Timeout = 5 * time.Second
)

// Serve makes srv's connections from ln linger: it returns the listener to serve srv on, and chains srv.ConnState
// (keeping a hook already set) to learn when a connection is idle. A connection lingers only when bytes came in
// since it was last idle, so an idle keep-alive connection, a hijacked one and one that never sent a byte close at
// once, and Shutdown and httptest.Server.Close do not wait on them.
func Serve(srv *http.Server, ln net.Listener) net.Listener {
	next := srv.ConnState
	srv.ConnState = func(c net.Conn, state http.ConnState) {
		if tc, ok := c.(*tls.Conn); ok {
			c = tc.NetConn()
		}
		if lc, ok := c.(*conn); ok {
			switch state {
			case http.StateIdle:
				lc.unanswered.Store(false)
			case http.StateHijacked:
				// The hijacker owns the connection now, and a dropped connection is what a fault asks for.
				lc.hijacked.Store(true)
			}
		}
		if next != nil {
			next(c, state)
		}
	}
	return listener{ln}
}

type listener struct{ net.Listener }

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c, nil
	}
	return &conn{TCPConn: tc}, nil
}

// conn embeds the *net.TCPConn so that net/http still finds its CloseWrite and ReadFrom.
type conn struct {
	*net.TCPConn
	// unanswered says bytes came in since the connection was last idle. The server's state alone cannot say it:
	// net/http reads the start of a keep-alive connection's next request while the connection is still idle, and
	// when it refuses that request line the state never becomes active.
	unanswered atomic.Bool
	hijacked   atomic.Bool
	once       sync.Once
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.TCPConn.Read(p)
	if n > 0 {
		c.unanswered.Store(true)
	}
	return n, err
}

// Close closes at once, unless bytes came in since the connection was last idle: then it shuts the writing side,
// so that the client reads the whole answer and its end, and drains and closes in the background.
func (c *conn) Close() error {
	if !c.unanswered.Load() || c.hijacked.Load() {
		var err error
		c.once.Do(func() { err = c.TCPConn.Close() })
		return err
	}
	c.once.Do(func() {
		// An error here (the writing side already shut by net/http's 413 path, the client gone) changes nothing:
		// the drain ends at once on a dead connection and the close follows.
		_ = c.TCPConn.CloseWrite()
		go c.drain()
	})
	return nil
}

func (c *conn) drain() {
	defer c.TCPConn.Close()
	if err := c.TCPConn.SetReadDeadline(time.Now().Add(Timeout)); err != nil {
		return
	}
	_, _ = io.CopyN(io.Discard, c.TCPConn, MaxBytes)
}

package auth

import (
	"sync"
	"time"
)

// The throttle of client-secret guessing at the token endpoint: after MaxFailedSecrets wrong secrets for one
// client within FailureWindow, every request for that client is refused, the right secret included, until the
// window that began with the first of those failures ends. A client that holds its secret never fails, so only a
// guesser (or a misconfigured client, which learns it sooner) is held back. Time is the Service's clock, so tests
// move it instead of sleeping.
const (
	MaxFailedSecrets = 10
	FailureWindow    = time.Minute
)

// lockout counts the failed secrets of each known client; unknown ids are not counted (there is no secret to
// guess, and counting them would let anyone grow the map).
type lockout struct {
	mu     sync.Mutex
	tally  map[string]failures
	window time.Duration
	max    int
}

type failures struct {
	n     int
	since time.Time // the first failure of the window
}

func newLockout() *lockout {
	return &lockout{tally: map[string]failures{}, window: FailureWindow, max: MaxFailedSecrets}
}

// lockedFor returns how long the client stays locked out at now; 0 when it is not.
func (l *lockout) lockedFor(id string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, ok := l.tally[id]
	if !ok || f.n < l.max {
		return 0
	}
	left := f.since.Add(l.window).Sub(now)
	if left <= 0 {
		delete(l.tally, id)
		return 0
	}
	return left
}

// failed counts a wrong secret for the client at now.
func (l *lockout) failed(id string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.tally[id]
	if f.n == 0 || now.Sub(f.since) >= l.window || now.Before(f.since) {
		f = failures{since: now}
	}
	f.n++
	l.tally[id] = f
}

// reset forgets every failure.
func (l *lockout) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.tally)
}

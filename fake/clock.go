package fake

import (
	"sync"
	"time"
)

// Clock is the fake's time: the real time shifted by an offset, or frozen at an instant. Tests of incremental
// syncs (`updated_at[gt]=...`) move it forward instead of sleeping. Safe for concurrent use.
type Clock struct {
	base func() time.Time

	mu     sync.RWMutex
	offset time.Duration
	frozen bool
	at     time.Time
}

// NewClock returns a clock following base (time.Now when nil).
func NewClock(base func() time.Time) *Clock {
	if base == nil {
		base = time.Now
	}
	return &Clock{base: base}
}

// Now returns the fake's current time.
func (c *Clock) Now() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.frozen {
		return c.at
	}
	return c.base().Add(c.offset)
}

// Set moves the clock to t; frozen keeps it there until the next change, otherwise it runs on from t.
func (c *Clock) Set(t time.Time, frozen bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen, c.at = frozen, t
	c.offset = t.Sub(c.base())
}

// Advance moves the clock forward (or back, for a negative d), frozen or not.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
	c.at = c.at.Add(d)
}

// Reset returns the clock to the real time.
func (c *Clock) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset, c.frozen, c.at = 0, false, time.Time{}
}

// State describes the clock for the admin surface.
func (c *Clock) State() (now time.Time, frozen bool, offset time.Duration) {
	n := c.Now()
	c.mu.RLock()
	defer c.mu.RUnlock()
	return n, c.frozen, c.offset
}

package fake

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// The range the clock may be set or moved in: Rails writes a datetime's year in four digits, and tokens carry
// positive Unix times (iat, exp), so the fake keeps from the first second after 1970 to the end of 9999.
var (
	MinClockTime = time.Date(1970, 1, 1, 0, 0, 1, 0, time.UTC)
	MaxClockTime = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// checkClockTime refuses an instant outside [MinClockTime, MaxClockTime].
func checkClockTime(t time.Time) error {
	if t.Before(MinClockTime) || t.After(MaxClockTime) {
		return fmt.Errorf("the clock keeps between %s and %s, not %s", MinClockTime.Format(time.RFC3339),
			MaxClockTime.Format(time.RFC3339), t.Format(time.RFC3339))
	}
	return nil
}

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

// SetWithin is Set, refusing an instant outside [MinClockTime, MaxClockTime], or one a running clock cannot reach
// (its offset from the real time is a time.Duration, at most about 292 years).
func (c *Clock) SetWithin(t time.Time, frozen bool) error {
	if err := checkClockTime(t); err != nil {
		return err
	}
	if d := t.Sub(c.base()); !frozen && (d == math.MaxInt64 || d == math.MinInt64) {
		return fmt.Errorf("a running clock keeps within 292 years of the real time, not %s: freeze it", t.Format(time.RFC3339))
	}
	c.Set(t, frozen)
	return nil
}

// AdvanceWithin is Advance, refusing a move out of [MinClockTime, MaxClockTime] or beyond what the offset holds.
func (c *Clock) AdvanceWithin(d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.at
	if !c.frozen {
		now = c.base().Add(c.offset)
	}
	if err := checkClockTime(now.Add(d)); err != nil {
		return err
	}
	overflow := d > 0 && c.offset > math.MaxInt64-d || d < 0 && c.offset < math.MinInt64-d
	switch {
	case overflow && !c.frozen:
		return fmt.Errorf("a running clock keeps within 292 years of the real time; %s is further: freeze it", d)
	case overflow && d > 0: // frozen, the offset does not tell the time: it saturates, as Set's does
		c.offset = math.MaxInt64
	case overflow:
		c.offset = math.MinInt64
	default:
		c.offset += d
	}
	c.at = c.at.Add(d)
	return nil
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

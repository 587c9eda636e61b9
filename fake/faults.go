package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// FaultConfig is what the admin surface (and Options) can break on purpose. The zero value breaks nothing.
type FaultConfig struct {
	// Latency is added before each API response; Jitter adds up to that much more at random.
	Latency Duration `json:"latency"`
	Jitter  Duration `json:"jitter"`
	// ErrorRate is the fraction of API requests (0..1) answered with ErrorStatus (default 503) instead.
	ErrorRate   float64 `json:"error_rate"`
	ErrorStatus int     `json:"error_status,omitempty"`
	// RateLimit turns on Coupa's limit: Rate requests per second (default 25) with bursts of Burst (default 20);
	// beyond it, 429 without Retry-After.
	RateLimit bool    `json:"rate_limit"`
	Rate      float64 `json:"rate,omitempty"`
	Burst     int     `json:"burst,omitempty"`
}

// Duration is a time.Duration written as "250ms" in JSON.
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "250ms", "1s" or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("duration %q: %w", s, err)
		}
		*d = Duration(v)
		return nil
	}
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("duration: want a string such as \"250ms\": %w", err)
	}
	*d = Duration(n)
	return nil
}

func (c *FaultConfig) check() error {
	switch {
	case c.Latency < 0 || c.Jitter < 0:
		return fmt.Errorf("latency and jitter must not be negative")
	case time.Duration(c.Latency+c.Jitter) > time.Minute:
		return fmt.Errorf("latency plus jitter must be at most a minute")
	case c.ErrorRate < 0 || c.ErrorRate > 1:
		return fmt.Errorf("error_rate must be between 0 and 1")
	case c.ErrorStatus != 0 && (c.ErrorStatus < 400 || c.ErrorStatus > 599):
		return fmt.Errorf("error_status must be a 4xx or 5xx status")
	case c.Rate < 0 || c.Burst < 0:
		return fmt.Errorf("rate and burst must not be negative")
	}
	return nil
}

// faults applies a FaultConfig to API requests. The rate limiter is a token bucket on the real clock (moving the
// fake's clock must not refill it).
type faults struct {
	mu     sync.Mutex
	cfg    FaultConfig
	tokens float64
	last   time.Time
	rng    *rand.Rand
}

func newFaults() *faults {
	return &faults{rng: rand.New(rand.NewPCG(1, 2))}
}

func (f *faults) set(cfg FaultConfig) error {
	if err := cfg.check(); err != nil {
		return err
	}
	if cfg.ErrorStatus == 0 {
		cfg.ErrorStatus = http.StatusServiceUnavailable
	}
	if cfg.Rate == 0 {
		cfg.Rate = 25
	}
	if cfg.Burst == 0 {
		cfg.Burst = 20
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg, f.tokens, f.last = cfg, float64(cfg.Burst), time.Now()
	return nil
}

func (f *faults) get() FaultConfig {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg
}

// before decides a request's fate: the delay to wait, and a status to answer instead of serving (0 to serve).
func (f *faults) before() (delay time.Duration, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cfg
	delay = time.Duration(c.Latency)
	if c.Jitter > 0 {
		delay += time.Duration(f.rng.Int64N(int64(c.Jitter)))
	}
	if c.RateLimit {
		now := time.Now()
		f.tokens = min(float64(c.Burst), f.tokens+now.Sub(f.last).Seconds()*c.Rate)
		f.last = now
		if f.tokens < 1 {
			return delay, http.StatusTooManyRequests
		}
		f.tokens--
	}
	if c.ErrorRate > 0 && f.rng.Float64() < c.ErrorRate {
		return delay, c.ErrorStatus
	}
	return delay, 0
}

// sleep waits d or until the request is gone.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Coupa's rate limit, from its "Exception Handling and Error Codes" page: 25 requests per second, bursts of 20.
const (
	// CoupaRate is the requests per second Coupa allows.
	CoupaRate = 25
	// CoupaBurst is how many requests Coupa lets through at once.
	CoupaBurst = 20
)

// FaultConfig is what Options and the admin surface can break on purpose. The zero value breaks nothing.
type FaultConfig struct {
	// Latency is added before each API response; Jitter adds up to that much more at random.
	Latency Duration `json:"latency"`
	Jitter  Duration `json:"jitter"`
	// ErrorRate is the fraction of API requests (0..1) answered with ErrorStatus (default 503) instead.
	ErrorRate   float64 `json:"error_rate"`
	ErrorStatus int     `json:"error_status,omitempty"`
	// RateLimit turns on Coupa's limit: Rate requests per second (default CoupaRate) with bursts of Burst (default
	// CoupaBurst) for each caller, an OAuth client or an API key, and one more for requests without valid
	// credentials; beyond it, 429 with Coupa's error body and no Retry-After, as Coupa answers. It applies to the
	// Users API, not to the token endpoint, the spec or the admin surface.
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
	case c.Rate < 0 || c.Burst < 0 || math.IsNaN(c.Rate) || math.IsInf(c.Rate, 0):
		return fmt.Errorf("rate and burst must be positive numbers (0 for Coupa's %d and %d)", CoupaRate, CoupaBurst)
	}
	return nil
}

// faults applies a FaultConfig to API requests.
//
// The rate limiter is a token bucket per caller: Coupa documents its numbers but not whom they count, and a limit per
// integration client is what lets two clients (or a test suite's parallel runs with their own clients) share a fake
// without one's traffic refusing the other's, while a single client sees exactly Coupa's numbers. It is keyed by the
// client, not the token, so that a client cannot escape it by minting tokens, and the number of buckets is bounded by
// the configured credentials. It runs on its own time source, the real clock by default (moving the fake's clock must
// not refill it); tests inject another.
type faults struct {
	mu      sync.Mutex
	cfg     FaultConfig
	start   FaultConfig            // what Options set: DELETE /_admin/faults returns to it
	buckets map[string]*rateBucket // by caller; emptied when the configuration changes
	now     func() time.Time
	rng     *rand.Rand
}

// rateBucket is one caller's tokens: at most Burst, gaining Rate per second, one taken by each request.
type rateBucket struct {
	tokens float64
	last   time.Time
}

func newFaults(start FaultConfig) (*faults, error) {
	f := &faults{rng: rand.New(rand.NewPCG(1, 2)), now: time.Now}
	if err := f.set(start); err != nil {
		return nil, err
	}
	f.start = f.cfg
	return f, nil
}

// set replaces the configuration; every caller starts again with a full bucket.
func (f *faults) set(cfg FaultConfig) error {
	if err := cfg.check(); err != nil {
		return err
	}
	if cfg.ErrorStatus == 0 {
		cfg.ErrorStatus = http.StatusServiceUnavailable
	}
	if cfg.Rate == 0 {
		cfg.Rate = CoupaRate
	}
	if cfg.Burst == 0 {
		cfg.Burst = CoupaBurst
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg, f.buckets = cfg, map[string]*rateBucket{}
	return nil
}

// reset returns to the configuration the fake started with.
func (f *faults) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg, f.buckets = f.start, map[string]*rateBucket{}
}

func (f *faults) get() FaultConfig {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg
}

// setClock replaces the rate limiter's time source (tests).
func (f *faults) setClock(now func() time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now, f.buckets = now, map[string]*rateBucket{}
}

// before decides a request's fate before it is authenticated: the delay to wait, and a status to answer instead of
// serving (0 to serve).
func (f *faults) before() (delay time.Duration, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cfg
	delay = time.Duration(c.Latency)
	if c.Jitter > 0 {
		delay += time.Duration(f.rng.Int64N(int64(c.Jitter)))
	}
	if c.ErrorRate > 0 && f.rng.Float64() < c.ErrorRate {
		return delay, c.ErrorStatus
	}
	return delay, 0
}

// allow takes a token from caller's bucket, and reports false, with the limit's rate and burst for the refusal, when
// there is none. Without a rate limit it always allows.
func (f *faults) allow(caller string) (ok bool, rate float64, burst int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cfg
	if !c.RateLimit {
		return true, 0, 0
	}
	now := f.now()
	b := f.buckets[caller]
	if b == nil {
		b = &rateBucket{tokens: float64(c.Burst), last: now}
		f.buckets[caller] = b
	}
	if elapsed := now.Sub(b.last); elapsed > 0 { // a time source that steps back refills nothing
		b.tokens = min(float64(c.Burst), b.tokens+elapsed.Seconds()*c.Rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false, c.Rate, c.Burst
	}
	b.tokens--
	return true, c.Rate, c.Burst
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

package contract

import (
	"context"
	"sync"
	"time"
)

// bucket is a token bucket: it holds at most burst tokens, gains rate tokens per second, and each request takes
// one, waiting for it when the bucket is empty. A nil *bucket never waits (no limit).
type bucket struct {
	mu     sync.Mutex
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
	now    func() time.Time
}

// newBucket returns a full bucket, or nil (no limit) when rate is not positive.
func newBucket(rate float64, burst int) *bucket {
	if rate <= 0 {
		return nil
	}
	if burst < 1 {
		burst = 1
	}
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst), now: time.Now}
}

// wait takes a token, sleeping until one is available or ctx ends.
func (b *bucket) wait(ctx context.Context) error {
	if b == nil {
		return ctx.Err()
	}
	delay := b.reserve()
	if delay <= 0 {
		return ctx.Err()
	}
	return sleepCtx(ctx, delay)
}

// reserve takes a token now, even into debt, and returns how long the caller must wait for it: the debt is the
// wait, and callers queue in the order they came.
func (b *bucket) reserve() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.rate * float64(time.Second))
}

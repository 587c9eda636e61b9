// Package ratelimit paces a client's requests: a token bucket, and the backoff after a 429. The contract suite
// and the snapshot command share it, so both are as polite to a tenant.
package ratelimit

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Bucket is a token bucket: it holds at most burst tokens, gains rate tokens per second, and each request takes
// one, waiting for it when the bucket is empty. A nil *Bucket never waits (no limit).
type Bucket struct {
	mu     sync.Mutex
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
	now    func() time.Time
}

// New returns a full bucket, or nil (no limit) when rate is not positive.
func New(rate float64, burst int) *Bucket {
	if rate <= 0 {
		return nil
	}
	if burst < 1 {
		burst = 1
	}
	return &Bucket{rate: rate, burst: float64(burst), tokens: float64(burst), now: time.Now}
}

// Wait takes a token, sleeping until one is available or ctx ends.
func (b *Bucket) Wait(ctx context.Context) error {
	if b == nil {
		return ctx.Err()
	}
	delay := b.reserve()
	if delay <= 0 {
		return ctx.Err()
	}
	return Sleep(ctx, delay)
}

// reserve takes a token now, even into debt, and returns how long the caller must wait for it: the debt is the
// wait, and callers queue in the order they came.
func (b *Bucket) reserve() time.Duration {
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

// Sleep waits for d, or until ctx ends (its error then).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Backoff is the wait before attempt+1 after a 429: Retry-After (in seconds, up to a minute) when the server sends
// one, else 0.5 s doubling up to 8 s (Coupa sends no Retry-After; its window is a second).
func Backoff(attempt int, retryAfter string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(retryAfter)); err == nil && s >= 0 && s <= 60 {
		return time.Duration(s) * time.Second
	}
	return min(500*time.Millisecond<<(attempt-1), 8*time.Second)
}

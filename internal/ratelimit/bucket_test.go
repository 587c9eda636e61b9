package ratelimit

import (
	"context"
	"testing"
	"time"
)

func TestBucketPacesRequests(t *testing.T) {
	now := time.Unix(0, 0)
	b := New(10, 3)
	b.now = func() time.Time { return now }
	// The burst goes at once; then one request per 100 ms, each caller waiting its turn.
	want := []time.Duration{0, 0, 0, 100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond}
	for i, w := range want {
		if got := b.reserve(); got != w {
			t.Fatalf("request %d waits %s, want %s", i, got, w)
		}
	}
	// Two seconds later the debt is paid and the bucket is full again, up to its burst only.
	now = now.Add(2 * time.Second)
	for i := range 3 {
		if got := b.reserve(); got != 0 {
			t.Fatalf("after the pause, request %d waits %s", i, got)
		}
	}
	if got := b.reserve(); got != 100*time.Millisecond {
		t.Fatalf("the burst spent, a request waits %s", got)
	}
}

func TestBucketRealTime(t *testing.T) {
	b := New(100, 1)
	start := time.Now()
	for range 11 {
		if err := b.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if took := time.Since(start); took < 90*time.Millisecond {
		t.Errorf("11 requests at 100/s took %s, want ≥ 100 ms", took)
	}
	var none *Bucket
	if err := none.Wait(context.Background()); err != nil {
		t.Errorf("a nil bucket: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		attempt    int
		retryAfter string
		want       time.Duration
	}{
		{1, "", 500 * time.Millisecond}, {2, "", time.Second}, {9, "", 8 * time.Second},
		{1, "3", 3 * time.Second}, {1, "600", 500 * time.Millisecond}, {1, "soon", 500 * time.Millisecond},
	} {
		if got := Backoff(c.attempt, c.retryAfter); got != c.want {
			t.Errorf("Backoff(%d, %q) = %s, want %s", c.attempt, c.retryAfter, got, c.want)
		}
	}
}

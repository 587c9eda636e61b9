package fake

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkShowJSON measures GET /api/users/{id} in-process (handler only, no network), the path the load script
// measures over loopback.
func BenchmarkShowJSON(b *testing.B) {
	f, err := New(Options{Users: 1000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	tok, err := f.Token()
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/users/500", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkIndexContains100k measures an index query whose contains filter matches no one, so that every one of
// 100,000 users is scanned (the target: p50 ≤ 10 ms).
func BenchmarkIndexContains100k(b *testing.B) {
	f, err := New(Options{Users: 100_000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	f.background.Wait() // measure the compacted store, as a server settles to
	tok, err := f.Token()
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/users?email%5Bcontains%5D=no-such-substring", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || rec.Body.String() != "[]" {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

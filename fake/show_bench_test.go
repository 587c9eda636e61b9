package fake

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkShowJSON measures GET /api/users/{id} in-process (handler only, no network), the path the load script
// measures over loopback.
func BenchmarkShowJSON(b *testing.B) { benchShow(b, "application/json") }

// BenchmarkShowXML is BenchmarkShowJSON in Rails' XML, Coupa's default format.
func BenchmarkShowXML(b *testing.B) { benchShow(b, "application/xml") }

func benchShow(b *testing.B, accept string) {
	f, req := benchRequest(b, 1000, "/api/users/500")
	req.Header.Set("Accept", accept)
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
	benchIndex(b, "/api/users?email%5Bcontains%5D=no-such-substring", func(body string) bool { return body == "[]" })
}

// benchIndex serves an index request over 100,000 users b.N times; each answer must be 200 with a body that ok
// accepts.
func benchIndex(b *testing.B, target string, ok func(body string) bool) {
	f, req := benchRequest(b, 100_000, target)
	for b.Loop() {
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !ok(rec.Body.String()) {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

// benchRequest starts a fake with that many users, settled (compacted), and a JSON request with a token.
func benchRequest(b *testing.B, users int, target string) (*Fake, *http.Request) {
	b.Helper()
	f, err := New(Options{Users: users, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	f.background.Wait() // measure the store a server settles to
	tok, err := f.Token()
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	return f, req
}

// BenchmarkIndexSorted100k measures index queries that many users match, sorted by another element: every match
// is found, then the best page of them kept.
func BenchmarkIndexSorted100k(b *testing.B) {
	for _, c := range []struct{ name, target string }{
		{"starts-with-a-by-login", "/api/users?firstname%5Bstarts_with%5D=a&order_by=login&fields=%5B%22id%22%5D"},
		{"contains-e-by-login", "/api/users?email%5Bcontains%5D=e&order_by=login&fields=%5B%22id%22%5D"},
	} {
		b.Run(c.name, func(b *testing.B) {
			benchIndex(b, c.target, func(body string) bool { return strings.HasPrefix(body, "[{") })
		})
	}
}

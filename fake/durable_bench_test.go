package fake_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
)

// BenchmarkDurableCreate: creates through the HTTP handler with --state, from 16 concurrent writers, at 100 and at
// 100,000 users. creates/s is the throughput; written-B/create the bytes the process wrote (write(2), from
// /proc/self/io) per create, journal and snapshots both. The fake is built once per run: b.N grows it a little.
func BenchmarkDurableCreate(b *testing.B) {
	for _, users := range []int{100, 100_000} {
		b.Run(fmt.Sprintf("users=%d", users), func(b *testing.B) {
			f, err := fake.New(fake.Options{Users: users, NoAuth: true, StatePath: filepath.Join(b.TempDir(), "state.json")})
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			var next atomic.Int64
			run := strconv.Itoa(b.N)
			before := writtenBytes(b)
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := strconv.FormatInt(next.Add(1), 10)
					login := "bench." + run + "." + n
					body := `{"login":"` + login + `","email":"` + login + `@example.com","firstname":"Bench","lastname":"L` + run + "x" + n + `"}`
					req := httptest.NewRequest(http.MethodPost, "/api/users", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Accept", "application/json")
					rec := httptest.NewRecorder()
					f.ServeHTTP(rec, req)
					if rec.Code != http.StatusCreated {
						b.Errorf("create: %d %s", rec.Code, rec.Body)
						return
					}
				}
			})
			b.StopTimer()
			written := writtenBytes(b) - before
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
			b.ReportMetric(float64(written)/float64(b.N), "written-B/create")
		})
	}
}

// writtenBytes is the bytes this process has written so far (wchar of /proc/self/io).
func writtenBytes(b *testing.B) int64 {
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		b.Skip("no /proc/self/io:", err)
	}
	for line := range bytes.Lines(data) {
		if v, ok := bytes.CutPrefix(line, []byte("wchar: ")); ok {
			n, _ := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64)
			return n
		}
	}
	b.Skip("no wchar in /proc/self/io")
	return 0
}

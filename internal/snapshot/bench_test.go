package snapshot_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/internal/snapshot"
)

// BenchmarkSnapshot snapshots a fake of 10,000 users at no rate limit (the fake's rendering included). For the
// 100k figure in the README, run the command against `serve --users 100000` (see there).
func BenchmarkSnapshot(b *testing.B) {
	tenant := fake.NewTestServer(b, fake.Options{Users: 10_000})
	dir := b.TempDir()
	for b.Loop() {
		_, err := snapshot.Run(context.Background(), snapshot.Options{BaseURL: tenant.URL, Credentials: creds,
			Out: filepath.Join(dir, "users.json"), Key: testKey})
		if err != nil {
			b.Fatal(err)
		}
	}
}

package fake

import "testing"

// BenchmarkNew100k measures start-up with 100,000 generated users (the target: serving within 3 s).
func BenchmarkNew100k(b *testing.B) {
	for b.Loop() {
		f, err := New(Options{Users: 100_000, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

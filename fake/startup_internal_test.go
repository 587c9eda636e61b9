package fake

import (
	"reflect"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/spec"
)

// TestSeedPipelineMatchesSequential checks that generating users on one goroutine while loading them on another
// stores what loading Generate's finished list stores: the same records, ids and order.
func TestSeedPipelineMatchesSequential(t *testing.T) {
	at := time.Date(2025, time.June, 1, 9, 0, 0, 0, time.UTC)
	custom := []spec.CustomField{{Name: "cost-center", Type: "string"}, {Name: "badge", Type: "integer"}}
	extra := fixtures.User{Login: "late.joiner", Email: "late.joiner@example.com", FirstName: "Late", LastName: "Joiner"}
	for _, c := range []struct {
		name string
		opts Options
	}{
		{"plain", Options{Users: 5000, Seed: 3}},
		{"custom-and-fixtures", Options{Users: 2500, Seed: 11, CustomFields: custom, Fixtures: []fixtures.User{extra}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			piped := c.opts
			piped.Clock = NewClock(func() time.Time { return at })
			seq := c.opts
			seq.Clock = NewClock(func() time.Time { return at })
			ref, err := fixtures.LoadReference()
			if err != nil {
				t.Fatal(err)
			}
			gen := fixtures.Generate(ref, fixtures.GenerateOptions{Seed: c.opts.Seed, Count: c.opts.Users, CustomFields: c.opts.CustomFields})
			seq.Fixtures, seq.ReplaceGenerated = append(gen, c.opts.Fixtures...), true

			want, got := seededRecords(t, seq), seededRecords(t, piped)
			if len(got) != len(want) {
				t.Fatalf("%d users, want %d", len(got), len(want))
			}
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("user %d differs:\n got %+v\nwant %+v", i, got[i], want[i])
				}
			}
		})
	}
}

func seededRecords(t *testing.T, opts Options) []any {
	t.Helper()
	f, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.seedMu.Lock()
	defer f.seedMu.Unlock()
	out := make([]any, len(f.seeded))
	for i, r := range f.seeded {
		out[i] = r
	}
	return out
}

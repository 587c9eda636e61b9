package fake

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/internal/store"
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

			want, _ := seededRecords(t, seq)
			got, _ := seededRecords(t, piped)
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

// seededRecords starts a fake and returns the records it seeded (records never change once stored), and the fake.
func seededRecords(t *testing.T, opts Options) ([]*store.Record, *Fake) {
	t.Helper()
	f, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	f.seedMu.Lock()
	defer f.seedMu.Unlock()
	return slices.Clone(f.seeded), f
}

// seededHash is the SHA-256 of every seeded record, element by element (null or value), with its owned objects.
func seededHash(t *testing.T, opts Options) string {
	t.Helper()
	at := time.Date(2025, time.June, 1, 9, 0, 0, 0, time.UTC)
	opts.Clock = NewClock(func() time.Time { return at })
	recs, f := seededRecords(t, opts)
	h := sha256.New()
	for _, r := range recs {
		fmt.Fprintln(h, r.ID, r.Str, r.Int, r.Bool, r.Ref, r.List)
		for _, e := range f.layout.Elements {
			sl, _ := f.layout.Slot(e.Name)
			fmt.Fprint(h, e.Name, r.IsNull(sl))
			if e.List {
				fmt.Fprint(h, r.ListIDs(sl))
			}
		}
		for _, o := range r.Owned {
			if o != nil {
				fmt.Fprint(h, o.ID, o.Fields)
			}
		}
		fmt.Fprintln(h)
	}
	return hex.EncodeToString(h.Sum(nil))
}

var seededPinCases = []struct {
	name string
	opts Options
}{
	{"users-5000", Options{Users: 5000, Seed: 3}},
	{"users-1200-custom", Options{Users: 1200, Seed: 9, CustomFields: []spec.CustomField{
		{Name: "cost-center", Type: "string"}, {Name: "badge", Type: "integer"}, {Name: "remote", Type: "boolean"}}}},
}

// seededPins are seededPinCases' hashes as commit 2ccbfe3 stored them: start-up must store the same users.
var seededPins = map[string]string{
	"users-5000":        "01485500db1390b61404a4938bedf23683a7378a5b9d0c73795aec1af9c4bf73",
	"users-1200-custom": "7df97e19367c4c6b294b5efec7f5a34cc56b672849fa2b4412cf3a40f7fcbc20",
}

func TestSeededPinned(t *testing.T) {
	for _, c := range seededPinCases {
		if got := seededHash(t, c.opts); got != seededPins[c.name] {
			t.Errorf("%s: seeded records hash %s, want %s", c.name, got, seededPins[c.name])
		}
	}
}

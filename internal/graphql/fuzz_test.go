package graphql

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/internal/fuzzcount"
	"github.com/coupa-kit/coupa-users/internal/testexit"
	"github.com/coupa-kit/coupa-users/spec"
)

func TestMain(m *testing.M) { testexit.Exit(fuzzcount.Main(m)) }

// FuzzDo: whatever the query, the executor answers a result that encodes as JSON, without panicking (a panic in
// the library would be a 500 from the fake), within the limits of this package.
func FuzzDo(f *testing.F) {
	for _, q := range []string{introspection, `{ users(query: "id[gt]=5") { id roles { name } } }`,
		`query($id: ID!) { user(id: $id) { login } }`, `{ ...F } fragment F on Query { users { id } }`,
		`{ users(query: """x""") { customFields } }`, `{ a: users { id } b: user(id: 1) { id } }`} {
		f.Add(q)
	}
	ex, err := New(spec.MustLoad(), &recorder{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		fuzzcount.Inc()
		res := ex.Do(context.Background(), Request{Query: q, Variables: map[string]any{"id": "7"}})
		if res == nil {
			t.Fatal("no result")
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("result does not encode: %v", err)
		}
		// Do answers a panic of graphql-go as an error, so that the fake never answers 500; the fuzzer still
		// wants to hear of it.
		for _, e := range res.Errors {
			if strings.HasPrefix(e.Message, "the query could not be run") {
				t.Errorf("graphql-go panicked on %q: %s", q, e.Message)
			}
		}
	})
}

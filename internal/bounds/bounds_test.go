package bounds_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/internal/bounds"
)

func TestCheckJSON(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	values := func(n int) string { return "[" + strings.Repeat("1,", n-2) + "1]" } // n-1 numbers and the array
	for _, c := range []struct {
		name, doc string
		want      error
	}{
		{"a user", `{"login":"jdoe","roles":[{"name":"Buyer"}],"active":true,"manager":null}`, nil},
		{"deepest allowed", deep(bounds.MaxDepth), nil},
		{"too deep", deep(bounds.MaxDepth + 1), bounds.ErrTooDeep},
		{"objects too deep", strings.Repeat(`{"a":`, bounds.MaxDepth+1) + "1" + strings.Repeat("}", bounds.MaxDepth+1), bounds.ErrTooDeep},
		{"brackets in strings do not nest", `{"a":"` + deep(bounds.MaxDepth+1) + `"}`, nil},
		{"escaped quotes stay in the string", `["\"` + deep(bounds.MaxDepth+1) + `"]`, nil},
		{"most values allowed", values(bounds.MaxElements), nil},
		{"too many values", values(bounds.MaxElements + 1), bounds.ErrTooMany},
		{"keys count", "{" + strings.Repeat(`"k":1,`, bounds.MaxElements/2) + `"k":1}`, bounds.ErrTooMany},
		{"a long number is one value", "[" + strings.Repeat("1", 2*bounds.MaxElements) + "]", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := bounds.CheckJSON([]byte(c.doc))
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("CheckJSON = %v, want %v", err, c.want)
			}
		})
	}
}

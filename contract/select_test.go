package contract

import (
	"strings"
	"testing"
)

func TestMatchName(t *testing.T) {
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{"reading", "reading/paging/walk", true},
		{"reading/", "reading/paging/walk", true},
		{"reading/paging/walk", "reading/paging/walk", true},
		{"reading/*", "reading/paging/walk", true},
		{"*/contains", "reading/operators/string/contains", true},
		{"writing/max-length/*", "writing/max-length/firstname", true},
		{"writing/max-length/first?ame", "writing/max-length/firstname", true},
		{"read", "reading/paging/walk", false},
		{"reading/paging/w", "reading/paging/walk", false},
		{"writing/*", "reading/paging/walk", false},
	} {
		if got := matchName(tc.pattern, tc.name); got != tc.want {
			t.Errorf("matchName(%q, %q) = %v", tc.pattern, tc.name, got)
		}
	}
	all := allChecks()
	sel := selected(all, []string{"writing"}, []string{"writing/max-length"})
	for _, c := range sel {
		if !strings.HasPrefix(c.name, "writing/") || strings.HasPrefix(c.name, "writing/max-length/") {
			t.Errorf("selected %s", c.name)
		}
	}
	if len(sel) == 0 {
		t.Error("nothing selected")
	}
}

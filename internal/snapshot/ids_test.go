package snapshot

import (
	"slices"
	"testing"
)

func TestPageIDs(t *testing.T) {
	page := `[{"login":"a\"id","id":5,"manager":{"id":9,"login":"b"},"roles":[{"id":2}]},
	  {"manager":null,"id" : 12, "x":"}{,"}]`
	ids, err := pageIDs([]byte(page))
	if err != nil || !slices.Equal(ids, []int64{5, 12}) {
		t.Errorf("pageIDs = %v, %v; want [5 12]", ids, err)
	}
	if _, err := pageIDs([]byte(`[{"id":"x"}]`)); err == nil {
		t.Error("a string id was taken")
	}
}

package contract

import (
	"hash/maphash"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// Values that differ in type or content hash apart; objects hash alike whatever the order their members come in.
func TestHashJSONTellsValuesApart(t *testing.T) {
	seed := maphash.MakeSeed()
	values := []any{nil, false, true, 0.0, 1.0, "", "1", "true", []any{}, map[string]any{},
		[]any{"a", "b"}, []any{"b", "a"}, []any{[]any{"a"}, "b"}, []any{"a", []any{"b"}},
		map[string]any{"a": "b"}, map[string]any{"b": "a"}, map[string]any{"a": nil}, map[string]any{"a": []any{}},
		map[string]any{"a": "b", "c": "d"}, map[string]any{"a": "d", "c": "b"}, map[string]any{"ab": "", "": "ab"}}
	sums := map[uint64]int{}
	for i, v := range values {
		sum, ok := hashJSON(seed, v)
		if !ok {
			t.Fatalf("%#v: not hashed", v)
		}
		if j, dup := sums[sum]; dup {
			t.Errorf("%#v and %#v hash alike", values[j], v)
		}
		sums[sum] = i
	}
	a, _ := hashJSON(seed, map[string]any{"x": 1.0, "y": []any{"z"}, "w": map[string]any{"k": true}})
	b, _ := hashJSON(seed, map[string]any{"w": map[string]any{"k": true}, "y": []any{"z"}, "x": 1.0})
	if a != b {
		t.Error("one object hashes two ways")
	}
	if _, ok := hashJSON(seed, map[string]any{"n": int64(1)}); ok {
		t.Error("a value outside the JSON model was hashed: it could meet a JSON value that validates otherwise")
	}
}

// A list is valid when each item is; an invalid item is found again on every visit (only acceptance is
// remembered), with the path of the whole body.
func TestValidatedRemembersOnlyAcceptance(t *testing.T) {
	item := openapi3.NewObjectSchema().WithProperty("id", openapi3.NewIntegerSchema()).WithRequired([]string{"id"})
	list := openapi3.NewArraySchema().WithItems(item)
	var c validated
	good := []any{map[string]any{"id": 1.0}, map[string]any{"id": 2.0}}
	bad := []any{map[string]any{"id": 1.0}, map[string]any{"id": "two"}}
	for range 2 {
		if err := c.visit(list, good); err != nil {
			t.Fatalf("a valid list: %v", err)
		}
		err := c.visit(list, bad)
		if err == nil {
			t.Fatal("an invalid list passed")
		}
		var leaves []*openapi3.SchemaError
		collectSchemaErrors(err, &leaves)
		if len(leaves) != 1 || len(leaves[0].JSONPointer()) != 2 || leaves[0].JSONPointer()[0] != "1" {
			t.Errorf("want one error at /1/id, got %v", err)
		}
	}
	if len(c.seen) != 2 {
		t.Errorf("%d values remembered, want the two valid items", len(c.seen))
	}
	// A list schema that bounds the list is validated whole: its items alone do not decide.
	bounded := openapi3.NewArraySchema().WithItems(item).WithMaxItems(1)
	if err := c.visit(bounded, good); err == nil {
		t.Error("two items passed maxItems 1")
	}
}

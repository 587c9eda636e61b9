package store

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestUniqueIndexAgreesWithAMap: random adds and removes, from an empty table through its growth, with small tables
// that wrap around; every key finds its id, removed keys find nothing, and the slots keep the Robin Hood order.
func TestUniqueIndexAgreesWithAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 9))
	x := newUniqueIndex(0)
	model := map[string]int64{} // key → id
	byID := map[int64]string{}
	holds := func(key string) func(int64) bool { return func(id int64) bool { return byID[id] == key } }
	nextID := int64(1)
	for step := range 20_000 {
		key := fmt.Sprint("k", rng.IntN(3000))
		if id, ok := model[key]; ok {
			x.remove(key, id)
			delete(model, key)
			delete(byID, id)
		} else {
			x.add(key, nextID)
			model[key], byID[nextID] = nextID, key
			nextID++
		}
		if x.n != len(model) {
			t.Fatalf("step %d: %d held, want %d", step, x.n, len(model))
		}
		if step%500 == 0 || step > 19_900 {
			for i := range x.slots { // Robin Hood order: going round the table, a run's distances climb by at most one
				if prev := (i - 1) & (len(x.slots) - 1); x.slots[i] != 0 && x.dist(i) > 0 &&
					(x.slots[prev] == 0 || x.dist(prev) < x.dist(i)-1) {
					t.Fatalf("step %d: slot %d is %d from home after a slot %d from its own", step, i, x.dist(i), x.dist(prev))
				}
			}
			for k := range 3000 {
				key := fmt.Sprint("k", k)
				id, ok := x.find(key, holds(key))
				if want, held := model[key]; ok != held || id != want {
					t.Fatalf("step %d: find %s = %d %v, want %d %v", step, key, id, ok, want, held)
				}
			}
		}
	}
	if len(x.slots)*loadNum < x.n*loadDen {
		t.Errorf("%d values in %d slots: over the load factor", x.n, len(x.slots))
	}
}

// TestUniqueIndexComparesValues: a slot with the right hash but another value (as holds says) is passed over, and
// removing a value takes its own slot, not another's with the same hash.
func TestUniqueIndexComparesValues(t *testing.T) {
	x := newUniqueIndex(4)
	x.add("a", 1)
	x.add("a", 2) // the same key, as a hash collision looks to the table
	if id, ok := x.find("a", func(id int64) bool { return id == 2 }); !ok || id != 2 {
		t.Errorf("find passed over by value: %d %v", id, ok)
	}
	x.remove("a", 1)
	if id, ok := x.find("a", func(int64) bool { return true }); !ok || id != 2 {
		t.Errorf("after removing user 1: %d %v", id, ok)
	}
	if _, ok := x.find("a", func(int64) bool { return false }); ok {
		t.Error("found a value holds denies")
	}
}

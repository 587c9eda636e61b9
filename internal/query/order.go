package query

import (
	"cmp"
	"fmt"
	"math/big"

	"github.com/coupa-kit/coupa-users/internal/fold"
	"github.com/coupa-kit/coupa-users/internal/kinds"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// sortKey is an `order_by` other than the scan's own ascending id. Its order is total (ties by ascending id, in
// either direction), so the page does not depend on the algorithm that finds it; nulls sort first ascending and last
// descending, as MySQL sorts them.
type sortKey struct {
	e      *spec.Element
	slot   store.Slot
	kind   kinds.Kind
	desc   bool
	idDesc bool // `order_by=id&dir=desc`: the reverse of the scan order
}

// entry is a match with its sort key read out once, so that comparisons in the heap touch no record.
type entry struct {
	r    *store.Record
	null bool
	num  int64    // integers, booleans (0, 1), datetimes (µs)
	str  string   // strings
	dec  *big.Rat // decimals
}

// sortKey returns the order to sort by, nil for the default (ascending id).
func (p *planner) sortKey(e *spec.Element, desc bool) (*sortKey, error) {
	if e == nil || (e.Name == "id" && !desc) {
		return nil, nil
	}
	if e.Name == "id" {
		return &sortKey{e: e, desc: true, idDesc: true}, nil
	}
	s, ok := p.layout.Slot(e.Name)
	if !ok {
		return nil, fmt.Errorf("query: the layout has no element %s", e.Name)
	}
	kind, ok := kinds.Of(e.Kind)
	if !ok {
		return nil, fmt.Errorf("query: cannot order by %s (%v)", e.Name, e.Kind)
	}
	return &sortKey{e: e, slot: s, kind: kind, desc: desc}, nil
}

func (k *sortKey) entry(r *store.Record) entry {
	en := entry{r: r, null: r.IsNull(k.slot)}
	if en.null {
		return en
	}
	switch {
	case k.e.Kind == spec.KindString:
		en.str = r.String(k.slot)
	case k.e.Kind == spec.KindDecimal:
		en.dec = toDecimal(r.String(k.slot))
		en.null = en.dec == nil
	default: // integers, booleans and datetimes order by their number (package kinds)
		en.num, _ = k.kind.Number(k.kind.Get(r, k.slot))
	}
	return en
}

// compare orders two entries: negative when a comes first on the page.
func (k *sortKey) compare(a, b *entry) int {
	c := 0
	switch {
	case a.null || b.null:
		c = cmp.Compare(boolInt(!a.null), boolInt(!b.null))
	case k.e.Kind == spec.KindString:
		c = fold.Compare(a.str, b.str)
	case k.e.Kind == spec.KindDecimal:
		c = a.dec.Cmp(b.dec)
	default:
		c = cmp.Compare(a.num, b.num)
	}
	if k.desc {
		c = -c
	}
	if c == 0 {
		c = cmp.Compare(a.r.ID, b.r.ID)
	}
	return c
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

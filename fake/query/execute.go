package query

import (
	"context"
	"fmt"

	"github.com/coupa-kit/coupa-users/fake/store"
)

// Execute runs a query and returns its page of users, in order (empty when nothing matches).
//
// Association conditions are resolved first into sets of ids: users (manager, created-by...) by looking up or
// scanning the store, other objects through cat, which may be nil when no condition needs it. An exact match on id
// or a unique element (`login=jdoe`) is looked up instead of scanned; id bounds (`id[gt]=100`) narrow the scan. In
// the default order (ascending id) the scan stops as soon as the page is full; with `order_by` it scans every user
// and keeps the best offset+limit matches (ties by ascending id, in either direction; nulls first ascending, last
// descending, as MySQL sorts them). ctx is checked as the scan goes.
func Execute(ctx context.Context, st store.Store, layout *store.Layout, q *Query, cat Catalog) ([]*store.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if q.Limit < 1 {
		return nil, fmt.Errorf("query: limit %d", q.Limit)
	}
	p := &planner{ctx: ctx, st: st, layout: layout, cat: cat}
	preds, none, err := p.compile(q.Conditions)
	if err != nil || none {
		return nil, err
	}
	order, err := p.sortKey(q.OrderBy, q.Desc)
	if err != nil {
		return nil, err
	}
	pg := newPager(q.Offset, q.Limit, order)

	cands, looked, err := p.candidates(q.Conditions)
	if err != nil {
		return nil, err
	}
	if looked {
		for _, r := range cands {
			if all(preds, r) && !pg.add(r) {
				break
			}
		}
	} else {
		from, to, ok := idBounds(q.Conditions)
		if !ok {
			return nil, nil
		}
		match := func(r *store.Record) bool { return all(preds, r) }
		switch len(preds) {
		case 0:
			match = func(*store.Record) bool { return true }
		case 1:
			match = preds[0]
		}
		var n int
		err = st.Scan(ctx, from, func(r *store.Record) bool {
			if n++; n&1023 == 0 && ctx.Err() != nil {
				return false
			}
			if r.ID > to {
				return false
			}
			return !match(r) || pg.add(r)
		})
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			return nil, err
		}
	}
	return pg.result(), nil
}

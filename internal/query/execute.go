package query

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
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
		keep := q.Offset + q.Limit
		if keep < q.Offset { // an absurd offset: saturate
			keep = math.MaxInt
		}
		if err := walkStore(ctx, st, q.Conditions, preds, from, to, pg, keep, order); err != nil {
			return nil, err
		}
	}
	return pg.result(), nil
}

// walkStore feeds pg the users between ids from and to that meet preds: searched for where the store can search for
// the conditions (Store.Search), scanned where not. In id order a search runs on one goroutine, since it stops as
// soon as the page is full and one core searches a whole store in a fraction of a millisecond; otherwise the store
// is split across cores (walkAll), each range searched or scanned.
func walkStore(ctx context.Context, st store.Store, conds []Condition, preds []predicate, from, to int64, pg *pager, keep int, order *sortKey) error {
	match := func(r *store.Record) bool { return all(preds, r) }
	switch len(preds) {
	case 0:
		match = func(*store.Record) bool { return true }
	case 1:
		match = preds[0]
	}
	searchRange := func(from, to int64, add func(*store.Record) bool) (bool, error) {
		return search(ctx, st, conds, from, func(r *store.Record) bool {
			return r.ID <= to && (!match(r) || add(r))
		})
	}
	scan := func(from, to int64, add func(*store.Record) bool) error {
		return scanRange(ctx, st, from, to, match, add)
	}
	walk := func(from, to int64, add func(*store.Record) bool) error {
		if searched, err := searchRange(from, to, add); err != nil || searched {
			return err
		}
		return scan(from, to, add)
	}
	if order == nil {
		if searched, err := searchRange(from, to, pg.add); err != nil || searched {
			return err
		}
		walk = scan
	}
	return walkAll(ctx, st, from, to, walk, pg, keep, order)
}

// searchable are the string operators a store may answer from a search (Store.Search) rather than a scan.
var searchable = map[spec.Operator]store.Match{
	spec.Contains: store.Anywhere, spec.StartsWith: store.Prefix, spec.EndsWith: store.Suffix, spec.Eq: store.Whole,
}

// search offers add the users that the store finds may meet the conditions it can search for (Store.Search), from
// id from on; searched is false when there are none, and the caller scans. add tests each user it is offered
// against every condition.
func search(ctx context.Context, st store.Store, conds []Condition, from int64, add func(*store.Record) bool) (searched bool, err error) {
	var terms []store.Term
	for _, c := range conds {
		m, ok := searchable[c.Op]
		if !ok || c.Element.Kind != spec.KindString || len(c.Values) != 1 {
			continue
		}
		if v, ok := c.Values[0].(string); ok {
			terms = append(terms, store.Term{Element: c.Element.Name, Match: m, Value: v})
		}
	}
	if len(terms) == 0 {
		return false, nil
	}
	return st.Search(ctx, terms, from, add)
}

// parallelFrom is the store size from which a scan or a search is split across cores: below it, goroutines cost
// more than they save.
const parallelFrom = 16_384

// walkAll feeds the matches between ids from and to into pg, walk offering those of one range of ids (a search
// or a scan) to add until add says stop. A large store is split into id ranges walked at once, each keeping its
// own best keep matches; their results are then added to pg range by range, which gives the page a single walk
// would. Once the first range alone fills an ascending page, the other ranges stop.
func walkAll(ctx context.Context, st store.Store, from, to int64, walk func(from, to int64, add func(*store.Record) bool) error, pg *pager, keep int, order *sortKey) error {
	workers := min(runtime.GOMAXPROCS(0), 8)
	var starts []int64
	if workers > 1 {
		if n, err := st.Len(ctx); err == nil && n >= parallelFrom {
			var err error
			if starts, err = st.Split(ctx, from, workers); err != nil {
				return err
			}
		}
	}
	if len(starts) < 2 {
		return walk(from, to, pg.add)
	}
	parts := make([]*pager, len(starts))
	errs := make([]error, len(starts))
	var firstFull atomic.Bool
	var wg sync.WaitGroup
	for i, start := range starts {
		end := to
		if i+1 < len(starts) {
			end = min(to, starts[i+1]-1)
		}
		parts[i] = newPager(0, keep, order)
		wg.Go(func() {
			errs[i] = walk(start, end, func(r *store.Record) bool {
				if i > 0 && firstFull.Load() {
					return false
				}
				more := parts[i].add(r)
				if !more && i == 0 {
					firstFull.Store(true)
				}
				return more
			})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, part := range parts {
		for _, r := range part.kept() {
			if !pg.add(r) {
				return nil
			}
		}
	}
	return nil
}

// scanRange scans ids from..to, offering each match to add until add says stop.
func scanRange(ctx context.Context, st store.Store, from, to int64, match func(*store.Record) bool, add func(*store.Record) bool) error {
	var n int
	err := st.Scan(ctx, from, func(r *store.Record) bool {
		if n++; n&1023 == 0 && ctx.Err() != nil {
			return false
		}
		if r.ID > to {
			return false
		}
		return !match(r) || add(r)
	})
	if err == nil {
		err = ctx.Err()
	}
	return err
}

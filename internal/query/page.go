package query

import (
	"cmp"
	"math"
	"slices"

	"github.com/coupa-kit/coupa-users/internal/store"
)

// pager builds the page while the scan (ascending id) goes, keeping at most about offset+limit matches:
//   - in scan order it skips offset matches and stops after limit;
//   - for descending id it keeps the last offset+limit matches in a ring;
//   - for another order it gathers matches, each with its sort key read out once, and whenever it holds twice
//     offset+limit of them it keeps the best offset+limit (a quickselect) and from then on turns away at once any
//     match that is not better than the worst kept. A sorted page of a large store so costs a comparison or a few
//     per match and memory for two pages, not a sort of every user.
type pager struct {
	offset, limit int
	order         *sortKey // nil: scan order
	keep          int      // offset+limit, saturated
	skipped       int
	recs          []*store.Record // scan order: the page; descending id: the ring
	next          int             // descending id: where the ring writes next once full
	cands         []entry         // another order: the candidates
	bar           entry           // another order, once trimmed: the worst candidate kept
	barred        bool
}

func newPager(offset, limit int, order *sortKey) *pager {
	pg := &pager{offset: offset, limit: limit, order: order, keep: math.MaxInt}
	if offset <= math.MaxInt-limit {
		pg.keep = offset + limit
	}
	switch {
	case order == nil:
		pg.recs = make([]*store.Record, 0, limit)
	case order.idDesc:
		pg.recs = make([]*store.Record, 0, min(pg.keep, 256))
	default:
		pg.cands = make([]entry, 0, 2*min(pg.keep, 256)) // two pages at once; deep pages grow as they must
	}
	return pg
}

// add takes a match and reports whether the scan should go on.
func (pg *pager) add(r *store.Record) bool {
	switch {
	case pg.order == nil:
		if pg.skipped < pg.offset {
			pg.skipped++
			return true
		}
		pg.recs = append(pg.recs, r)
		return len(pg.recs) < pg.limit
	case pg.order.idDesc:
		if len(pg.recs) < pg.keep {
			pg.recs = append(pg.recs, r)
		} else {
			pg.recs[pg.next] = r
			pg.next = (pg.next + 1) % len(pg.recs)
		}
		return true
	}
	en := pg.order.entry(r)
	if pg.barred && pg.order.compare(&en, &pg.bar) >= 0 {
		return true
	}
	pg.cands = append(pg.cands, en)
	if pg.keep <= math.MaxInt/2 && len(pg.cands) >= 2*pg.keep {
		pg.trim()
	}
	return true
}

// trim keeps the best keep candidates and bars anything not better than the worst of them.
func (pg *pager) trim() {
	c := pg.cands
	k := pg.keep - 1 // the worst kept ends here
	lo, hi := 0, len(c)-1
	for lo < hi { // quickselect: c[:k] ≤ c[k] ≤ c[k+1:]
		mid := lo + (hi-lo)/2
		// median of three as pivot, moved to hi
		if pg.order.compare(&c[mid], &c[lo]) < 0 {
			c[mid], c[lo] = c[lo], c[mid]
		}
		if pg.order.compare(&c[hi], &c[lo]) < 0 {
			c[hi], c[lo] = c[lo], c[hi]
		}
		if pg.order.compare(&c[mid], &c[hi]) < 0 {
			c[mid], c[hi] = c[hi], c[mid]
		}
		p := lo
		for i := lo; i < hi; i++ {
			if pg.order.compare(&c[i], &c[hi]) < 0 {
				c[i], c[p] = c[p], c[i]
				p++
			}
		}
		c[p], c[hi] = c[hi], c[p]
		switch {
		case p == k:
			lo = hi
		case p < k:
			lo = p + 1
		default:
			hi = p - 1
		}
	}
	pg.bar, pg.barred = c[k], true
	pg.cands = c[:k+1]
}

// kept returns what the pager holds in scan order (ascending id), so that the pages of several scans of
// consecutive id ranges can be added to one pager, range by range.
func (pg *pager) kept() []*store.Record {
	switch {
	case pg.order == nil:
		return pg.recs
	case pg.order.idDesc:
		return append(pg.recs[pg.next:len(pg.recs):len(pg.recs)], pg.recs[:pg.next]...)
	}
	out := make([]*store.Record, len(pg.cands))
	for i := range pg.cands {
		out[i] = pg.cands[i].r
	}
	slices.SortFunc(out, func(a, b *store.Record) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// result returns the page, in order.
func (pg *pager) result() []*store.Record {
	var all []*store.Record
	switch {
	case pg.order == nil:
		return pg.recs
	case pg.order.idDesc:
		all = append(pg.recs[pg.next:len(pg.recs):len(pg.recs)], pg.recs[:pg.next]...) // oldest first
		slices.Reverse(all)
	default:
		if len(pg.cands) > pg.keep {
			pg.trim()
		}
		slices.SortFunc(pg.cands, func(a, b entry) int { return pg.order.compare(&a, &b) })
		all = make([]*store.Record, len(pg.cands))
		for i := range pg.cands {
			all[i] = pg.cands[i].r
		}
	}
	if pg.offset >= len(all) {
		return nil
	}
	all = all[pg.offset:]
	return all[:min(pg.limit, len(all))]
}

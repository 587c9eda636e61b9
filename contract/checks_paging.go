package contract

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/coupa-kit/coupa-users/spec"
)

// pageMax is Coupa's page size: 50 by default and at most.
const pageMax = spec.PageSize

const refLimit = "#/components/parameters/limit"

func pagingChecks() []*check {
	return []*check{
		{name: "reading/paging/default-limit", doc: "GET /api/users without limit returns the first 50 users (fewer when there are fewer), ascending id", run: checkDefaultLimit},
		{name: "reading/paging/max-limit", doc: "limit=50 returns 50 users; a limit above 50 returns at most 50, or is refused with 400 and an error body", run: checkMaxLimit},
		{name: "reading/paging/limit", doc: "limit=n returns exactly the first n users", run: checkLimit},
		{name: "reading/paging/offset", doc: "offset=k skips exactly k users; an offset past the end returns none", run: checkOffset},
		{name: "reading/paging/walk", doc: "limit/offset paging walks the whole collection in ascending id, without duplicates or gaps, whatever the page size", run: checkWalk},
	}
}

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// samePrefix checks that a page holds exactly the sample's users from offset on.
func samePrefix(t *checkRun, ex *exchange, got, sample []map[string]any, offset, want int, rule, spec string) {
	end := min(offset+want, len(sample))
	wantIDs := []int64{}
	if offset < len(sample) {
		wantIDs = ids(sample[offset:end])
	}
	gotIDs := ids(got)
	for i := 1; i < len(gotIDs); i++ {
		if gotIDs[i] <= gotIDs[i-1] {
			t.failBody(ex, compact(gotIDs, 400), "index pages are in ascending id", refIndex, "user %d comes after %d", gotIDs[i], gotIDs[i-1])
			return
		}
	}
	if !slices.Equal(gotIDs, wantIDs) {
		t.failBody(ex, compact(gotIDs, 400), rule, spec, "got users %v, want %v", short(gotIDs), short(wantIDs))
	}
}

// short renders a list of ids for a message, cut short.
func short(ids []int64) string {
	if len(ids) <= 12 {
		return fmt.Sprint(ids)
	}
	return fmt.Sprintf("%v … %v (%d)", ids[:6], ids[len(ids)-3:], len(ids))
}

// fewerThan skips the check when the sample holds fewer than n users, which it needs to tell a working server from
// one that ignores what is asked.
func fewerThan(t *checkRun, sample []map[string]any, n int, what string) {
	if len(sample) < n {
		t.skip("%d users, fewer than %d: %s", len(sample), n, what)
	}
}

func checkDefaultLimit(t *checkRun) {
	sample := t.env.getSample(t)
	fewerThan(t, sample, pageMax+1, "a default page of 50 cannot be told from no limit")
	got, ex := t.env.index(t, nil)
	want := min(len(sample), pageMax)
	if len(got) != want {
		t.failBody(ex, compact(ids(got), 400), "the default page size is 50", refLimit+"/schema/default", "got %d users, want %d", len(got), want)
		return
	}
	samePrefix(t, ex, got, sample, 0, want, "the default page is the first 50 users in ascending id", refIndex)
}

func checkMaxLimit(t *checkRun) {
	sample := t.env.getSample(t)
	fewerThan(t, sample, pageMax+1, "a page of at most 50 cannot be told from no limit")
	got, ex := t.env.index(t, q("limit", "50"))
	if want := min(len(sample), pageMax); len(got) != want {
		t.failBody(ex, compact(ids(got), 400), "limit=50 returns 50 users", refLimit, "got %d users, want %d", len(got), want)
	}
	for _, limit := range []string{"51", "1000"} {
		ex := t.get("/api/users", q("limit", limit))
		if ex.status == http.StatusBadRequest {
			if _, ok := errorMessages(ex.value); !ok {
				t.fail(ex, "a refused limit answers 400 with Coupa's error body", refBadRequest, "400 without an error body")
			}
			continue
		}
		users, ok := listOf(ex, t.format)
		switch {
		case !ok:
			t.fail(ex, "a limit above 50 returns at most 50 users, or is refused with 400", refLimit+"/schema/maximum", "limit=%s answered %d", limit, ex.status)
		case len(users) > pageMax:
			t.failBody(ex, compact(ids(users), 400), "a page holds at most 50 users", refLimit+"/schema/maximum", "limit=%s returned %d users", limit, len(users))
		}
	}
}

func checkLimit(t *checkRun) {
	sample := t.env.getSample(t)
	fewerThan(t, sample, 8, "limit=1 and limit=7 cannot be told from no limit")
	for _, n := range []int{1, 7} {
		got, ex := t.env.index(t, q("limit", strconv.Itoa(n)))
		want := min(n, len(sample))
		if len(got) != want {
			t.failBody(ex, compact(ids(got), 400), "limit=n returns n users", refLimit, "limit=%d returned %d users, want %d", n, len(got), want)
			continue
		}
		samePrefix(t, ex, got, sample, 0, n, "limit=n returns the first n users in ascending id", refIndex)
	}
}

func checkOffset(t *checkRun) {
	sample := t.env.getSample(t)
	if len(sample) < 3 {
		t.skip("fewer than 3 users: offsets cannot be told apart")
	}
	offset := min(10, len(sample)-2)
	got, ex := t.env.index(t, q("limit", "5", "offset", strconv.Itoa(offset)))
	samePrefix(t, ex, got, sample, offset, 5, "offset=k skips the first k users", "#/components/parameters/offset")
	if t.env.sampleComplete() {
		got, ex := t.env.index(t, q("limit", "5", "offset", strconv.Itoa(len(sample))))
		// Users created since the sample was read (by this run's other checks, or anyone on a live tenant) come
		// after it; only an older user past the end is wrong.
		last := ids(sample)[len(sample)-1]
		got = slices.DeleteFunc(slices.Clone(got), func(u map[string]any) bool { id, _ := idOf(u); return id > last })
		if len(got) != 0 {
			t.failBody(ex, compact(ids(got), 400), "an offset past the end returns no users", "#/components/parameters/offset",
				"offset=%d (the collection holds %d users) returned %d users", len(sample), len(sample), len(got))
		}
	}
}

// walk pages through the collection with a page size; it stops at a short page or after max users.
func walk(t *checkRun, limit, max int) ([]int64, *exchange) {
	var all []int64
	var last *exchange
	for offset := 0; offset < max; offset += limit {
		got, ex := t.env.index(t, q("limit", strconv.Itoa(limit), "offset", strconv.Itoa(offset)))
		last = ex
		if len(got) > limit {
			t.fatal(ex, "limit=n returns at most n users", refLimit, "limit=%d returned %d users", limit, len(got))
		}
		all = append(all, ids(got)...)
		if len(got) < limit {
			break
		}
	}
	return all, last
}

func checkWalk(t *checkRun) {
	sample := t.env.getSample(t)
	fewerThan(t, sample, 18, "pages of 17 cannot be told from one page")
	max := t.r.s.MaxWalk
	big, ex := walk(t, pageMax, max)
	rule := "paging walks the collection in ascending id without duplicates or gaps"
	for i := 1; i < len(big); i++ {
		if big[i] <= big[i-1] {
			t.fatal(ex, rule, refIndex, "walking with limit=50: user %d comes after %d (duplicate or out of order)", big[i], big[i-1])
		}
	}
	if n := min(len(sample), len(big)); !slices.Equal(big[:n], ids(sample)[:n]) {
		t.fail(ex, rule, refIndex, "walking with limit=50 gave %v, the first pages %v", short(big[:n]), short(ids(sample)[:n]))
	}
	small, ex := walk(t, 17, len(big)+17)
	if len(small) > len(big) {
		small = small[:len(big)]
	}
	if !slices.Equal(small, big) {
		for i := range min(len(small), len(big)) {
			if small[i] != big[i] {
				t.failBody(ex, fmt.Sprint(short(small)), rule, refIndex,
					"walking with limit=17 differs from limit=50 at position %d: user %d instead of %d", i, small[i], big[i])
				return
			}
		}
		t.failBody(ex, fmt.Sprint(short(small)), rule, refIndex, "walking with limit=17 found %d users, limit=50 found %d", len(small), len(big))
	}
}

package contract

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Named response filters (`filter=<name>`) are defined by each tenant's administrator (Setup > Integrations > API
// Filters), so the suite assumes none exists: the check of a defined filter runs only when Config.ResponseFilter
// names one, and what it judges holds for any filter (it changes what each user shows, never which users, nor their
// values). Both checks only read.

const refFilterParam = "#/components/parameters/filter"

// filterSampleSize is how many users the response filter checks compare.
const filterSampleSize = 5

func responseFilterChecks() []*check {
	return []*check{
		{name: "reading/response-filter/named", doc: "filter=<the name --response-filter gives> changes what each user shows, not which users or their values, on index and show (skipped without a name: a tenant need define no filter)", run: checkNamedFilter},
	}
}

// isProjection reports whether a query asks for part of each user (`fields`, `return_object`, or a response filter
// by a name that is not blank: a blank `filter=`, as Coupa's sample URLs carry it, asks for nothing).
func isProjection(query map[string][]string) bool {
	if len(query["fields"]) > 0 || len(query["return_object"]) > 0 {
		return true
	}
	return slices.ContainsFunc(query["filter"], func(v string) bool { return strings.TrimSpace(v) != "" })
}

func checkNamedFilter(t *checkRun) {
	name := t.r.s.ResponseFilter
	if name == "" {
		t.skip("no response filter named: a tenant defines its own (Setup > Integrations > API Filters), so the " +
			"suite assumes none; give one with --response-filter NAME")
	}
	sample := t.env.getSample(t)
	rule := "a response filter changes what each user shows, not which users, nor the values it shows"
	n := min(filterSampleSize, len(sample))
	ex := t.get("/api/users", q("limit", strconv.Itoa(n), "filter", name))
	got, ok := listOf(ex, t.format)
	if !ok {
		t.fatal(ex, "index applies a response filter the implementation defines", refFilterParam,
			"GET /api/users?filter=%s answered %d, not a list of users: does the implementation define that filter for users?", name, ex.status)
	}
	if len(got) != n {
		t.fatal(ex, rule, refFilterParam, "%d users with the filter, %d without", len(got), n)
	}
	reduced := 0
	for i, u := range got {
		if !t.filteredWithin(ex, u, sample[i], rule) {
			return
		}
		if !sameValue(u, sample[i]) {
			reduced++
		}
	}
	id, _ := idOf(sample[0])
	ex = t.get("/api/users/"+strconv.FormatInt(id, 10), q("filter", name))
	u, ok := ex.value.(map[string]any)
	if ex.status != http.StatusOK || !ok {
		t.fatal(ex, "show applies a response filter the implementation defines", refFilterParam,
			"GET /api/users/%d?filter=%s answered %d, not a user", id, name, ex.status)
	}
	if !t.filteredWithin(ex, u, sample[0], rule) {
		return
	}
	// A filter that shows each user whole cannot be told from one ignored; that is no fault (the filter may list
	// everything, or be the tenant's default filter, which the sample already went through), but it proves nothing.
	if reduced == 0 && sameValue(u, sample[0]) {
		t.skip("filter=%s answered the %d users whole, as without it: nothing shows that it applied (does it "+
			"list every field, or is it the tenant's default filter?)", name, n)
	}
	t.note("filter=%s showed less than the full record for %d of %d users", name, reduced, n)
}

// filteredWithin checks that a user as a response filter renders it agrees with the full record: the same user and
// the same values wherever both show one. A name the full record lacks passes: Coupa shows fields added to the API
// after a filter's creation only when a filter or `fields` names them ("API Response Filters" article).
func (t *checkRun) filteredWithin(ex *exchange, got, full map[string]any, rule string) bool {
	if where, ok := within(got, full, ""); !ok {
		id, _ := idOf(full)
		t.failBody(ex, compact(got, 600), rule, refFilterParam, "user %d: %s", id, where)
		return false
	}
	return true
}

// within reports where got shows a value that full contradicts: got's members, wherever full has them too, must
// hold the same values (a list the same items, each within its counterpart). A null is an absent member, on either
// side (Coupa leaves null associations out of some answers).
func within(got, full any, path string) (string, bool) {
	switch g := got.(type) {
	case map[string]any:
		f, ok := full.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s is an object, the full record says %s", orTop(path), compact(full, 100)), false
		}
		for _, k := range sortedKeys(g) {
			fv := f[k]
			if g[k] == nil || fv == nil { // null and absent are the same, on either side
				continue
			}
			if where, ok := within(g[k], fv, join(path, k)); !ok {
				return where, false
			}
		}
		return "", true
	case []any:
		f, ok := full.([]any)
		if !ok || len(f) != len(g) {
			return fmt.Sprintf("%s is %s, the full record says %s", orTop(path), compact(got, 200), compact(full, 200)), false
		}
		for i := range g {
			if where, ok := within(g[i], f[i], path+"["+strconv.Itoa(i)+"]"); !ok {
				return where, false
			}
		}
		return "", true
	}
	if !sameValue(got, full) {
		return fmt.Sprintf("%s is %s, the full record says %s", orTop(path), compact(got, 100), compact(full, 100)), false
	}
	return "", true
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orTop(path string) string {
	if path == "" {
		return "the user"
	}
	return path
}

func checkUnknownFilter(t *checkRun) {
	sample := t.env.getSample(t)
	n := min(filterSampleSize, len(sample))
	for _, name := range []string{t.env.tag + "-no-such-filter", ""} {
		what := fmt.Sprintf("filter=%s", name)
		if name == "" {
			what = "a blank filter="
		}
		rule := what + " answers 4xx with an error body, or is ignored, never 5xx"
		ex := t.try(request{method: http.MethodGet, path: "/api/users", query: q("limit", strconv.Itoa(n), "filter", name)})
		switch {
		case ex.err != nil:
			t.fail(ex, rule, refFilterParam, "no response: %v", ex.err)
		case ex.status >= 400 && ex.status <= 499:
			if _, ok := errorMessages(ex.value); !ok {
				t.fail(ex, rule, refErrors, "status %d without Coupa's error body", ex.status)
				continue
			}
			t.note("%s: %d", what, ex.status)
		default:
			got, ok := listOf(ex, t.format)
			if !ok {
				t.fail(ex, rule, refFilterParam, "status %d, not a list of users", ex.status)
				continue
			}
			// Ignored: the same users, whole.
			samePrefix(t, ex, got, sample, 0, n, "an ignored filter name changes nothing", refFilterParam)
			for i := range min(len(got), n) {
				if d := diffKeys(got[i], sample[i]); len(d) > 0 {
					id, _ := idOf(sample[i])
					t.failBody(ex, compact(got[i], 600), "an ignored filter name changes nothing", refFilterParam,
						"user %d: %v differ from the full record", id, d)
					break
				}
			}
			t.note("%s: ignored", what)
		}
	}
}

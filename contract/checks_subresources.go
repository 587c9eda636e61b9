package contract

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
)

// The sub-resources of a user that Coupa's R39 Swagger lists. A tenant may not expose them: a 404 for a user who
// exists skips the check, saying so, rather than failing it.

const refBusinessGroups = "#/paths/~1api~1users~1{id}~1business_groups"

func subresourceChecks() []*check {
	return []*check{
		{name: "reading/business-groups", doc: "GET /api/users/:id/business_groups lists the groups the user's content-groups holds", run: checkReadBusinessGroups},
		{name: "writing/business-groups", write: true, doc: "PUT /api/users/:id/business_groups/:group/add and /remove (and with the group in the body) change the user's content-groups, and answer with them", run: checkChangeBusinessGroups},
	}
}

// groupsOf is the ids of a list of objects (a user's content-groups, or a business_groups answer).
func groupsOf(v any) []int64 {
	var ids []int64
	for _, ob := range objectsOf(v) {
		if id, ok := idOf(ob); ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// businessGroups sends one request to a user's business_groups and returns the group ids of a 200; it skips the
// check when the implementation has no such resource.
func businessGroups(t *checkRun, r request, rule string) ([]int64, *exchange) {
	ex := t.do(r)
	if ex.status == http.StatusNotFound {
		t.skip("%s %s answered 404 for a user who exists: the implementation does not expose users' business groups", r.method, r.path)
	}
	list, ok := ex.value.([]any)
	if ex.status != http.StatusOK || !ok && ex.value != nil {
		t.fatal(ex, rule, refBusinessGroups, "%s %s answered %d without a list of business groups", r.method, r.path, ex.status)
	}
	return groupsOf(list), ex
}

func checkReadBusinessGroups(t *checkRun) {
	sample := t.env.getSample(t)
	var target map[string]any
	for _, u := range sample {
		if target == nil || len(groupsOf(u["content-groups"])) > len(groupsOf(target["content-groups"])) {
			target = u
		}
	}
	if target == nil {
		t.skip("no users to read")
	}
	id := userID(target)
	user, _ := t.env.show(t, id)
	want := groupsOf(user["content-groups"])
	rule := "a user's business groups are the groups of its content-groups"
	got, ex := businessGroups(t, request{method: http.MethodGet, path: fmt.Sprintf("/api/users/%d/business_groups", id)}, rule)
	if !slices.Equal(got, want) {
		t.failBody(ex, compact(got, 200), rule, refBusinessGroups, "user %d: business_groups lists %v, content-groups %v", id, got, want)
	}
	t.note("user %d is in %d business groups", id, len(want))
}

func checkChangeBusinessGroups(t *checkRun) {
	// A group to add: one some sampled user is in (its id, and its name to name it by).
	var group map[string]any
	for _, u := range t.env.getSample(t) {
		for _, g := range objectsOf(u["content-groups"]) {
			if _, ok := idOf(g); ok && g["name"] != nil {
				group = g
			}
		}
	}
	if group == nil {
		t.skip("no sampled user is in a business group: the suite has none to add")
	}
	gid, _ := idOf(group)
	u, _ := t.env.create(t, t.env.requiredBody("groups"))
	base := "/api/users/" + strconv.FormatInt(userID(u), 10) + "/business_groups"
	before := groupsOf(u["content-groups"])
	without := slices.DeleteFunc(slices.Clone(before), func(id int64) bool { return id == gid })
	with := append(slices.Clone(without), gid)
	slices.Sort(with)

	step := func(r request, want []int64, rule string) {
		got, ex := businessGroups(t, r, rule)
		if !slices.Equal(got, want) {
			t.failBody(ex, compact(got, 200), rule, refBusinessGroups, "answered groups %v, want %v", got, want)
		}
		shown, sex := t.env.show(t, userID(u))
		if cg := groupsOf(shown["content-groups"]); !slices.Equal(cg, want) {
			t.failBody(sex, compact(cg, 200), rule, refBusinessGroups, "content-groups %v afterwards, want %v", cg, want)
		}
	}
	step(request{method: http.MethodPut, path: fmt.Sprintf("%s/%d/add", base, gid)}, with,
		"adding a group by its id in the path adds it to the user's content-groups")
	step(request{method: http.MethodPut, path: fmt.Sprintf("%s/%d/remove", base, gid)}, without,
		"removing a group by its id in the path takes it out of the user's content-groups")
	step(request{method: http.MethodPut, path: base + "/add", body: map[string]any{"name": group["name"]}, bodySchema: "BusinessGroupInput"}, with,
		"adding a group named in the body adds it to the user's content-groups")
	step(request{method: http.MethodPut, path: base + "/remove", body: map[string]any{"id": gid}, bodySchema: "BusinessGroupInput"}, without,
		"removing a group named in the body takes it out of the user's content-groups")
}

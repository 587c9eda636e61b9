package contract

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The sub-resources of a user that Coupa's R39 Swagger lists. A tenant may not expose them: a 404 for a user who
// exists skips the check, saying so, rather than failing it.

const refBusinessGroups = "#/paths/~1api~1users~1{id}~1business_groups"

func subresourceChecks() []*check {
	return []*check{
		{name: "reading/business-groups", doc: "GET /api/users/:id/business_groups lists the groups the user's content-groups holds", run: checkReadBusinessGroups},
		{name: "writing/avatar", write: true, doc: "PUT /api/users/:id/avatar stores an image that GET gives back byte for byte and avatar-thumb-url names; DELETE removes it", run: checkAvatar},
		{name: "writing/addresses", write: true, doc: "POST /api/users/:id/addresses associates an address (201 with it) that GET lists and shows; PUT .../addresses/:address puts another in its place", run: checkAddresses},
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
	// Two users whose groups differ, so that an answer that ignores the user (a static mock) cannot pass.
	sample := t.env.getSample(t)
	var pair []map[string]any
	for _, u := range sample {
		if len(pair) == 0 || len(pair) == 1 && !slices.Equal(groupsOf(u["content-groups"]), groupsOf(pair[0]["content-groups"])) {
			pair = append(pair, u)
		}
	}
	if len(pair) < 2 {
		t.skip("the %d sampled users are all in the same business groups: an answer that ignores the user could not be told apart", len(sample))
	}
	rule := "a user's business groups are the groups of its content-groups"
	for _, u := range pair {
		id := userID(u)
		user, _ := t.env.show(t, id)
		want := groupsOf(user["content-groups"])
		got, ex := businessGroups(t, request{method: http.MethodGet, path: fmt.Sprintf("/api/users/%d/business_groups", id)}, rule)
		if !slices.Equal(got, want) {
			t.failBody(ex, compact(got, 200), rule, refBusinessGroups, "user %d: business_groups lists %v, content-groups %v", id, got, want)
		}
		t.note("user %d is in business groups %v", id, want)
	}
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

const refAvatar = "#/paths/~1api~1users~1{id}~1avatar"

// avatarPNG is a 1×1 PNG, drawn for the run so that no two runs upload the same bytes.
func avatarPNG(seed string) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 1, 1))
	sum := sha256.Sum256([]byte(seed))
	img.Set(0, 0, color.RGBA{sum[0], sum[1], sum[2], 255})
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

func checkAvatar(t *checkRun) {
	u, _ := t.env.create(t, t.env.requiredBody("avatar"))
	id := strconv.FormatInt(userID(u), 10)
	path := "/api/users/" + id + "/avatar"
	img := avatarPNG(t.env.loginFor("avatar"))
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreateFormFile("file", "avatar.png")
	part.Write(img)
	mw.Close()
	ex := t.do(request{method: http.MethodPut, path: path, raw: body.Bytes(), rawType: mw.FormDataContentType()})
	switch {
	case ex.status >= 400 && ex.status <= 499:
		// Coupa's element table says avatar updates by API are "no longer supported for security reasons".
		msgs, _ := errorMessages(ex.value)
		t.skip("the upload answered %d %s: the implementation does not take avatars by API", ex.status, compact(msgs, 120))
	case ex.status != http.StatusOK && ex.status != http.StatusCreated:
		t.fatal(ex, "an avatar upload answers 200 (201 for POST) with the user", refAvatar+"/put", "PUT %s answered %d", path, ex.status)
	}
	rule := "an uploaded avatar is served back byte for byte, and the user's avatar-thumb-url names it"
	if answered, ok := ex.value.(map[string]any); !ok || answered["avatar-thumb-url"] == nil {
		t.failBody(ex, excerpt(ex.body, 300), rule, refAvatar+"/put", "the answer's avatar-thumb-url is not set")
	}
	got := t.do(request{method: http.MethodGet, path: path})
	if got.status != http.StatusOK || !bytes.Equal(got.body, img) || !strings.HasPrefix(got.contentType(), "image/png") {
		t.fail(got, rule, refAvatar+"/get", "GET %s answered %d, %s, %d bytes; uploaded %d bytes of image/png", path,
			got.status, got.contentType(), len(got.body), len(img))
	}
	del := t.do(request{method: http.MethodDelete, path: path})
	rule = "a deleted avatar is gone: GET answers 404 and avatar-thumb-url is null"
	if del.status != http.StatusOK && del.status != http.StatusNoContent {
		t.fatal(del, rule, refAvatar+"/delete", "DELETE %s answered %d", path, del.status)
	}
	if after := t.do(request{method: http.MethodGet, path: path}); after.status != http.StatusNotFound {
		t.fail(after, rule, refAvatar+"/get", "GET %s after the delete answered %d", path, after.status)
	}
	if shown, sex := t.env.show(t, userID(u)); shown["avatar-thumb-url"] != nil {
		t.failBody(sex, compact(shown["avatar-thumb-url"], 200), rule, refAvatar+"/delete", "avatar-thumb-url is still set")
	}
}

const refAddresses = "#/paths/~1api~1users~1{id}~1addresses"

// addressesOf lists a user's addresses; it skips the check when the implementation has no such resource.
func addressesOf(t *checkRun, path string) []int64 {
	ex := t.do(request{method: http.MethodGet, path: path})
	if ex.status == http.StatusNotFound {
		t.skip("GET %s answered 404 for a user who exists: the implementation does not expose users' addresses", path)
	}
	list, ok := ex.value.([]any)
	if ex.status != http.StatusOK || !ok && ex.value != nil {
		t.fatal(ex, "a user's addresses are a list", refAddresses, "GET %s answered %d without a list of addresses", path, ex.status)
	}
	return groupsOf(list)
}

func checkAddresses(t *checkRun) {
	// Two addresses to associate: the default addresses of sampled users.
	var known []int64
	for _, u := range t.env.getSample(t) {
		if id, ok := idOf(asObject(u["default-address"])); ok && !slices.Contains(known, id) {
			known = append(known, id)
		}
	}
	if len(known) < 2 {
		t.skip("fewer than two addresses among the sampled users' default addresses: the suite has none to associate")
	}
	first, second := known[0], known[1]
	u, _ := t.env.create(t, t.env.requiredBody("addresses"))
	base := "/api/users/" + strconv.FormatInt(userID(u), 10) + "/addresses"
	if got := addressesOf(t, base); len(got) != 0 {
		t.note("a new user already has addresses %v", got)
	}
	rule := "an address associated with a user is answered 201, then listed and shown"
	ex := t.do(request{method: http.MethodPost, path: base, body: map[string]any{"id": first}, bodySchema: "AddressInput"})
	if got, _ := idOf(asObject(ex.value)); (ex.status != http.StatusCreated && ex.status != http.StatusOK) || got != first {
		t.fatal(ex, rule, refAddresses+"/post", "POST %s answered %d with address %d, want 201 with %d", base, ex.status, got, first)
	}
	if got := addressesOf(t, base); !slices.Contains(got, first) {
		t.fail(ex, rule, refAddresses+"/get", "the user's addresses %v lack %d", got, first)
	}
	one := fmt.Sprintf("%s/%d", base, first)
	if sex := t.do(request{method: http.MethodGet, path: one}); sex.status != http.StatusOK {
		t.fail(sex, rule, refAddresses+"~1{address_id}/get", "GET %s answered %d", one, sex.status)
	}
	rule = "replacing one of a user's addresses puts the other in its place"
	ex = t.do(request{method: http.MethodPut, path: one, body: map[string]any{"id": second}, bodySchema: "AddressInput"})
	if got, _ := idOf(asObject(ex.value)); ex.status != http.StatusOK || got != second {
		t.fail(ex, rule, refAddresses+"~1{address_id}/put", "PUT %s answered %d with address %d, want 200 with %d", one, ex.status, got, second)
	}
	if got := addressesOf(t, base); slices.Contains(got, first) || !slices.Contains(got, second) {
		t.fail(ex, rule, refAddresses+"/get", "the user's addresses are %v after replacing %d by %d", got, first, second)
	}
}

func asObject(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

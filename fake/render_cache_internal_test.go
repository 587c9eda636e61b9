package fake

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestCachedRenderingsAreFreshOnes: a user served from the rendering cache is byte for byte the user rendered
// afresh, in JSON and in XML, alone (show) and inside a list (index), where Rails' XML indents it one level deeper,
// and as a whole answer.
func TestCachedRenderingsAreFreshOnes(t *testing.T) {
	f, err := New(Options{Users: 40, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx := context.Background()
	rd := f.render
	for id := int64(1); id <= 43; id++ {
		r, ok, err := f.users.Get(ctx, id)
		if err != nil || !ok {
			t.Fatalf("user %d: %v, %v", id, ok, err)
		}
		// Each write goes through user() twice: the first fills the cache, the second reads it.
		type place struct {
			name  string
			fresh func() encoder
			write func(enc encoder, viaCache bool)
		}
		alone := func(enc encoder, viaCache bool) {
			if viaCache {
				rd.user(ctx, enc, "user", r, view{})
			} else {
				rd.render(ctx, enc, "user", r, view{})
			}
		}
		inList := func(enc encoder, viaCache bool) {
			enc.openList("users", "user")
			alone2 := func() {
				if viaCache {
					rd.user(ctx, enc, "", r, view{})
				} else {
					rd.render(ctx, enc, "", r, view{})
				}
			}
			alone2()
			alone2()
			enc.closeList()
		}
		for _, p := range []place{
			{"JSON alone", func() encoder { return newJSONEncoder(nil) }, alone},
			{"JSON in a list", func() encoder { return newJSONEncoder(nil) }, inList},
			{"XML alone", func() encoder { return newXMLEncoder(nil) }, alone},
			{"XML in a list", func() encoder { return newXMLEncoder(nil) }, inList},
		} {
			want := p.fresh()
			p.write(want, false)
			for round := 1; round <= 2; round++ {
				got := p.fresh()
				p.write(got, true)
				if !bytes.Equal(got.bytes(), want.bytes()) {
					t.Fatalf("user %d, %s, round %d: cached rendering differs:\n%s\nwant:\n%s", id, p.name, round, got.bytes(), want.bytes())
				}
			}
		}
	}
	// A whole answer from the cache is the answer renderAndSend would write: JSON, or XML with its declaration.
	for id := int64(1); id <= 43; id++ {
		r, _, _ := f.users.Get(ctx, id)
		for _, enc := range []encoder{newJSONEncoder(nil), newXMLEncoder(nil)} {
			_, xml := enc.(*xmlEncoder)
			rd.render(ctx, enc, "user", r, view{})
			for round := 1; round <= 2; round++ {
				if got := rd.document(ctx, xml, r); !bytes.Equal(got, enc.bytes()) {
					t.Fatalf("user %d, XML %v, round %d: document differs:\n%s\nwant:\n%s", id, xml, round, got, enc.bytes())
				}
			}
		}
	}
	if rd.cache.bytes == 0 {
		t.Error("nothing was cached")
	}
}

// TestCachedRenderingsFollowWrites: renaming a manager shows in the users who report to them at once, in both
// formats, alone and in a list, however often they were shown before.
func TestCachedRenderingsFollowWrites(t *testing.T) {
	f, tok := internalFake(t, Options{Users: 10, Seed: 3})
	do := func(method, target, accept, body string) string {
		t.Helper()
		rec := serve(f, tok, method, target, accept, body)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s %s: %d %s", method, target, rec.Code, rec.Body)
		}
		return rec.Body.String()
	}
	do(http.MethodPut, "/api/users/5", "application/json", `{"manager":{"id":2}}`)
	targets := []string{"/api/users/5", "/api/users?id=5"}
	for i, name := range []string{"Firstname-One", "Firstname-Two"} {
		for _, accept := range []string{"application/json", "application/xml"} {
			for _, target := range targets {
				do(http.MethodGet, target, accept, "") // fill the cache with the name before this one
			}
		}
		// The answer shows only the id, so that this write does not render (and so re-cache) a full user itself.
		do(http.MethodPut, "/api/users/2?fields=%5B%22id%22%5D", "application/json", fmt.Sprintf(`{"firstname":%q}`, name))
		for _, accept := range []string{"application/json", "application/xml"} {
			for _, target := range targets {
				if body := do(http.MethodGet, target, accept, ""); !strings.Contains(body, name) {
					t.Errorf("write %d: %s as %s does not show the manager's new name %s:\n%.400s", i+1, target, accept, name, body)
				}
			}
		}
	}
}

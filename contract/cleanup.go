package contract

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// cleanupTimeout bounds the deactivation of what a run created, which runs even after the run's context ended.
const cleanupTimeout = 2 * time.Minute

// registry remembers every user the run created, as soon as a response names it.
type registry struct {
	mu    sync.Mutex
	users []*CreatedUser
}

// add records a created user (once per id).
func (g *registry) add(id int64, login string, f Format, check string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, u := range g.users {
		if u.ID == id {
			return
		}
	}
	g.users = append(g.users, &CreatedUser{ID: id, Login: login, Format: f, Check: check})
}

// has reports whether a user is recorded.
func (g *registry) has(id int64) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, u := range g.users {
		if u.ID == id {
			return true
		}
	}
	return false
}

// cleanup deactivates every user the run created: those the registry knows, and any other whose login carries the
// run's prefix (a create whose response was lost to an interruption). It runs on its own context, so that it also
// runs when the run's context has ended (SIGINT).
func (r *runner) cleanup(parent context.Context) []CreatedUser {
	if r.s.ReadOnly {
		return nil
	}
	ctx, cancel := context.WithTimeout(parent, cleanupTimeout)
	defer cancel()
	r.sweep(ctx)
	r.created.mu.Lock()
	users := append([]*CreatedUser(nil), r.created.users...)
	r.created.mu.Unlock()
	out := make([]CreatedUser, 0, len(users))
	for _, u := range users {
		ex := r.c.send(ctx, "cleanup", request{method: http.MethodPut, path: "/api/users/" + strconv.FormatInt(u.ID, 10),
			format: FormatJSON, body: map[string]any{"active": false}, bodySchema: "UserUpdate"})
		switch {
		case ex.err != nil:
			u.Error = ex.err.Error()
		case ex.status != http.StatusOK:
			u.Error = fmt.Sprintf("PUT {\"active\": false} answered %d: %s", ex.status, excerpt(ex.body, 200))
		default:
			m, _ := ex.value.(map[string]any)
			if active, ok := m["active"].(bool); ok && active {
				u.Error = "PUT {\"active\": false} answered 200 but the user is still active"
			} else {
				u.Deactivated = true
			}
		}
		out = append(out, *u)
	}
	return out
}

// sweep finds users with the run's prefix that the registry does not know. It checks each login itself before
// adopting a user: a server that ignores the filter must not get other users deactivated.
func (r *runner) sweep(ctx context.Context) {
	for offset := 0; offset < 1000; offset += 50 {
		q := url.Values{"login[starts_with]": {r.runID + "-"}, "limit": {"50"}, "offset": {strconv.Itoa(offset)}}
		ex := r.c.send(ctx, "cleanup", request{method: http.MethodGet, path: "/api/users", query: q, format: FormatJSON})
		list, ok := ex.value.([]any)
		if ex.err != nil || ex.status != http.StatusOK || !ok {
			return
		}
		for _, x := range list {
			u, _ := x.(map[string]any)
			login, _ := u["login"].(string)
			id, ok := idOf(u)
			if ok && strings.HasPrefix(login, r.runID+"-") && !r.created.has(id) {
				r.created.add(id, login, "", "cleanup (found by its prefix)")
			}
		}
		if len(list) < 50 {
			return
		}
	}
}

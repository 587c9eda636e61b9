package fake

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/coupa-kit/coupa-users/internal/store"
)

// businessGroupsElement is the user's list of business groups: Coupa's REST element for them is content-groups
// (the 2016 show sample), and /users/{id}/business_groups (R39 Swagger) reads and changes the same list.
const businessGroupsElement = "content-groups"

// businessGroups answers GET /api/users/{id}/business_groups: the business groups the user is in.
func (f *Fake) businessGroups(w http.ResponseWriter, r *http.Request) {
	u, e := f.userID(r.Context(), r)
	if e != nil {
		f.fail(w, r, e)
		return
	}
	f.sendBusinessGroups(w, r, u)
}

// changeBusinessGroups answers PUT /api/users/{id}/business_groups/add and /remove, which name the group in the
// body ({"id": 3} or {"name": "EMEA"}, or XML <business-group>), and /business_groups/{group}/add and /remove,
// which name it in the path. The answer is the user's business groups after the change (the R39 Swagger answers
// with a list of BusinessGroup); removing a group the user is not in changes nothing.
func (f *Fake) changeBusinessGroups(remove bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		u, e := f.userID(ctx, r)
		if e != nil {
			f.fail(w, r, e)
			return
		}
		var ref any
		if raw := routeVar(r, "group"); raw != "" { // the route names a group
			// Rails reads the id's leading digits; none is an id no group has, refused as an update's would be.
			id, _ := railsID(raw)
			ref = map[string]any{"id": float64(id)}
		} else {
			body, e := f.readBody(w, r, "BusinessGroupInput")
			if e != nil {
				f.fail(w, r, e)
				return
			}
			ref = body
		}
		updated, _, err := f.users.ChangeList(ctx, u.ID, businessGroupsElement, []any{ref}, remove, f.actorFor(principal(r)))
		if errors.Is(err, store.ErrNotFound) {
			f.fail(w, r, notFound(strconv.FormatInt(u.ID, 10)))
			return
		}
		if err != nil {
			f.fail(w, r, f.writeFailure(err))
			return
		}
		f.sendBusinessGroups(w, r, updated)
	}
}

func (f *Fake) sendBusinessGroups(w http.ResponseWriter, r *http.Request, u *store.Record) {
	el := f.spec.Element(businessGroupsElement)
	slot, _ := f.layout.Slot(businessGroupsElement)
	ids := u.ListIDs(slot)
	f.renderAndSend(w, r, http.StatusOK, func(enc encoder) {
		enc.openList("business-groups", el.XMLItem)
		for _, id := range ids {
			f.render.object(context.WithoutCancel(r.Context()), enc, "", el.Object, id, false, nil)
		}
		enc.closeList()
	})
}

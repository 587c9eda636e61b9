package fake

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/coupa-kit/coupa-users/fake/auth"
	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/internal/store"
)

// addressesElement is the user's list of associated addresses, which only /users/{id}/addresses reads and changes
// (Coupa's R39 Swagger): no user answer shows it.
const addressesElement = "addresses"

// addressRoutes are the operations of /api/users/{id}/addresses: the user's addresses, an association made (by id
// or location code, answered 201 with the address), one shown, and one replaced by another.
func (f *Fake) addressRoutes(handle func(path, scope string, h http.HandlerFunc, methods ...string)) {
	const list, one = "/api/users/{id:[^/.]+}/addresses", "/api/users/{id:[^/.]+}/addresses/{address:[^/.]+}"
	handle(list, auth.ScopeRead, f.listAddresses, http.MethodGet, http.MethodHead)
	handle(list, auth.ScopeWrite, f.associateAddress, http.MethodPost)
	handle(one, auth.ScopeRead, f.showAddress, http.MethodGet, http.MethodHead)
	handle(one, auth.ScopeWrite, f.replaceAddress, http.MethodPut, http.MethodPatch)
}

func (f *Fake) listAddresses(w http.ResponseWriter, r *http.Request) {
	u, e := f.userID(r.Context(), r)
	if e != nil {
		f.fail(w, r, e)
		return
	}
	el := f.spec.Element(addressesElement)
	slot, _ := f.layout.Slot(addressesElement)
	f.renderAndSend(w, r, http.StatusOK, func(enc encoder) {
		enc.openList("addresses", el.XMLItem)
		for _, id := range u.ListIDs(slot) {
			f.render.object(context.WithoutCancel(r.Context()), enc, "", el.Object, id, false, nil)
		}
		enc.closeList()
	})
}

// userAddress finds the user of the path and the address of the path among the user's addresses.
func (f *Fake) userAddress(r *http.Request) (*store.Record, int64, *apiError) {
	u, e := f.userID(r.Context(), r)
	if e != nil {
		return nil, 0, e
	}
	raw := routeVar(r, "address")
	slot, _ := f.layout.Slot(addressesElement)
	id, ok := railsID(raw)
	if !ok || !slices.Contains(u.ListIDs(slot), id) {
		return nil, 0, newError(http.StatusNotFound, problem.RecordNotFound("Address", raw))
	}
	return u, id, nil
}

func (f *Fake) showAddress(w http.ResponseWriter, r *http.Request) {
	_, id, e := f.userAddress(r)
	if e != nil {
		f.fail(w, r, e)
		return
	}
	f.sendAddress(w, r, http.StatusOK, id)
}

func (f *Fake) associateAddress(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, e := f.userID(ctx, r)
	if e != nil {
		f.fail(w, r, e)
		return
	}
	body, e := f.readBody(w, r, "AddressInput")
	if e != nil {
		f.fail(w, r, e)
		return
	}
	_, ids, err := f.users.ChangeList(ctx, u.ID, addressesElement, []any{body}, false, f.actorFor(principal(r)))
	switch {
	case err != nil:
		f.fail(w, r, f.userWriteFailure(err, u.ID))
	case len(ids) == 0:
		f.fail(w, r, newError(f.opts.ValidationStatus, problem.NotAnObject("address")))
	default:
		f.sendAddress(w, r, http.StatusCreated, ids[0])
	}
}

func (f *Fake) replaceAddress(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, old, e := f.userAddress(r)
	if e != nil {
		f.fail(w, r, e)
		return
	}
	body, e := f.readBody(w, r, "AddressInput")
	if e != nil {
		f.fail(w, r, e)
		return
	}
	_, id, err := f.users.ReplaceInList(ctx, u.ID, addressesElement, old, body, f.actorFor(principal(r)))
	switch {
	case errors.Is(err, store.ErrNotFound):
		f.fail(w, r, newError(http.StatusNotFound, problem.RecordNotFound("Address", strconv.FormatInt(old, 10))))
	case err != nil:
		f.fail(w, r, f.writeFailure(err))
	case id == 0:
		f.fail(w, r, newError(f.opts.ValidationStatus, problem.NotAnObject("address")))
	default:
		f.sendAddress(w, r, http.StatusOK, id)
	}
}

func (f *Fake) sendAddress(w http.ResponseWriter, r *http.Request, status int, id int64) {
	el := f.spec.Element(addressesElement)
	f.renderAndSend(w, r, status, func(enc encoder) {
		f.render.object(context.WithoutCancel(r.Context()), enc, "address", el.Object, id, false, nil)
	})
}

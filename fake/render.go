package fake

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/coupa-kit/coupa-users/internal/catalog"
	"github.com/coupa-kit/coupa-users/internal/kinds"
	"github.com/coupa-kit/coupa-users/internal/query"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// view says how much of a user to render: everything, ids only (return_object=limited), associations reduced to
// their id and natural keys (shallow), or only the named fields (fields=[...]).
type view struct {
	limited bool
	shallow bool
	fields  *query.Projection // nil: every field
}

// viewOf turns a parsed `fields`/`return_object` into a view.
func viewOf(sh query.Shape) view {
	return view{limited: sh.Return == query.ReturnLimited, shallow: sh.Return == query.ReturnShallow, fields: sh.Fields}
}

// renderer renders users; it resolves associations through the catalog and, for users referring to users, the
// store (outside any scan).
type renderer struct {
	layout  *store.Layout
	catalog *catalog.Catalog
	store   store.Store
	loc     *time.Location
	// outs are the user's output elements with their slots, and refFields the elements a user reference shows,
	// looked up once: rendering is the hot path of show and index.
	outs      []placed
	refFields []placed
	// jsonCache holds the JSON of catalog objects (immutable), full and shallow, keyed by cacheKey; objects that
	// show users (their authors) are rendered afresh, since users change.
	jsonCache sync.Map
	// cache holds the full renderings of recently shown users, JSON and XML.
	cache *userCache
}

// placed is an element, where it lives in a record and, for a scalar, its kind.
type placed struct {
	el        *spec.Element
	slot      store.Slot
	kind      kinds.Kind // nil for associations
	namespace bool       // the custom-fields object
}

func place(layout *store.Layout, e *spec.Element) placed {
	s, _ := layout.Slot(e.Name)
	k, _ := kinds.Of(e.Kind)
	ob := layout.Object(e.Object)
	return placed{e, s, k, ob != nil && ob.Namespace}
}

type cacheKey struct {
	entry   *catalog.Entry
	shallow bool
}

func newRenderer(layout *store.Layout, cat *catalog.Catalog, st store.Store, loc *time.Location) *renderer {
	rd := &renderer{layout: layout, catalog: cat, store: st, loc: loc, cache: newUserCache(defaultUserCacheBytes)}
	for _, e := range layout.Elements {
		if e.Out {
			rd.outs = append(rd.outs, place(layout, e))
		}
	}
	for _, f := range layout.Object(spec.UserRef).Fields {
		if e := layout.Element(f.Name); e != nil {
			rd.refFields = append(rd.refFields, place(layout, e))
		}
	}
	return rd
}

func (rd *renderer) user(ctx context.Context, enc encoder, name string, r *store.Record, v view) {
	if v == (view{}) && rd.cachedUser(ctx, enc, name, r) {
		return
	}
	rd.render(ctx, enc, name, r, v)
}

// render renders a user without the cache.
func (rd *renderer) render(ctx context.Context, enc encoder, name string, r *store.Record, v view) {
	enc.open(name)
	for _, p := range rd.outs {
		e := p.el
		if v.limited && e.Name != "id" {
			continue
		}
		if !v.fields.Has(e.Name) {
			continue
		}
		rd.element(ctx, enc, r, p, v.shallow, v.fields.Sub(e.Name))
	}
	enc.close()
}

func (rd *renderer) element(ctx context.Context, enc encoder, r *store.Record, p placed, shallow bool, sub *query.Projection) {
	e, s := p.el, p.slot
	if e.List {
		enc.openList(e.Name, e.XMLItem)
		for _, id := range r.ListIDs(s) {
			rd.object(ctx, enc, "", e.Object, id, shallow, sub)
		}
		enc.closeList()
		return
	}
	if r.IsNull(s) {
		enc.null(e.Name)
		return
	}
	switch {
	case p.kind != nil:
		text := p.kind.Text(p.kind.Get(r, s), rd.loc)
		if e.XMLType != "" {
			enc.typed(e.Name, e.XMLType, text)
		} else {
			enc.str(e.Name, text)
		}
	case s.Owned():
		rd.owned(ctx, enc, e.Name, rd.layout.Object(e.Object), r.OwnedOf(s), sub)
	default:
		rd.object(ctx, enc, e.Name, e.Object, r.RefID(s), shallow, sub)
	}
}

// object renders one associated object by id; a reference that no longer resolves renders as null.
func (rd *renderer) object(ctx context.Context, enc encoder, name, object string, id int64, shallow bool, sub *query.Projection) {
	ob := rd.layout.Object(object)
	if object == spec.UserRef {
		u, ok, err := rd.store.Get(ctx, id)
		if err != nil || !ok {
			enc.null(name)
			return
		}
		enc.open(name)
		for _, p := range rd.refFields {
			if !sub.Has(p.el.Name) || (shallow && !isKey(ob, p.el.Name)) {
				continue
			}
			if p.namespace { // Coupa's user references carry custom-fields, always null
				enc.null(p.el.Name)
				continue
			}
			rd.element(ctx, enc, u, p, true, nil)
		}
		enc.close()
		return
	}
	entry := rd.catalog.Get(object, id)
	if entry == nil {
		enc.null(name)
		return
	}
	if je, ok := enc.(*jsonEncoder); ok && sub == nil && !showsUsers(rd.layout, ob, shallow) {
		key := cacheKey{entry, shallow}
		cached, ok := rd.jsonCache.Load(key)
		if !ok {
			one := newJSONEncoder(nil)
			rd.fields(ctx, one, "", ob, entry.Fields, shallow, nil)
			cached, _ = rd.jsonCache.LoadOrStore(key, one.bytes())
		}
		je.raw(name, cached.([]byte))
		return
	}
	rd.fields(ctx, enc, name, ob, entry.Fields, shallow, sub)
}

// showsUsers reports whether rendering an object shows users: its authors (created-by, updated-by), its own or
// those of the objects nested in it. A shallow rendering shows only keys.
func showsUsers(layout *store.Layout, ob *spec.Object, shallow bool) bool {
	if shallow {
		return false
	}
	for _, f := range ob.Fields {
		if f.Object == spec.UserRef {
			return true
		}
		if nested := layout.Object(f.Object); f.Kind == spec.KindObject && nested != nil && nested != ob && showsUsers(layout, nested, false) {
			return true
		}
	}
	return false
}

func isKey(ob *spec.Object, field string) bool {
	if field == "id" {
		return true
	}
	for _, k := range ob.NaturalKeys {
		if k == field {
			return true
		}
	}
	return false
}

// fields renders a catalog object from its field values. An author a record lacks is left out, not null: Coupa's
// system roles carry no created-by key at all (the 2024 user of its Delegates API page).
func (rd *renderer) fields(ctx context.Context, enc encoder, name string, ob *spec.Object, values map[string]any, shallow bool, sub *query.Projection) {
	enc.open(name)
	for _, f := range ob.Fields {
		if !sub.Has(f.Name) || (shallow && !isKey(ob, f.Name)) {
			continue
		}
		v := values[f.Name]
		if f.Object == spec.UserRef && v == nil {
			continue
		}
		rd.value(ctx, enc, f, v)
	}
	enc.close()
}

func (rd *renderer) value(ctx context.Context, enc encoder, f *spec.Field, v any) {
	xmlType := f.Kind.XMLType()
	switch v := v.(type) {
	case nil:
		enc.null(f.Name)
	case string:
		if xmlType != "" {
			enc.typed(f.Name, xmlType, v)
		} else {
			enc.str(f.Name, v)
		}
	case int64:
		enc.typed(f.Name, "integer", strconv.FormatInt(v, 10))
	case float64:
		enc.typed(f.Name, "float", strconv.FormatFloat(v, 'f', -1, 64))
	case bool:
		enc.typed(f.Name, "boolean", strconv.FormatBool(v))
	case time.Time:
		enc.typed(f.Name, "dateTime", kinds.DateTime{}.Text(kinds.Value{Time: v}, rd.loc))
	case map[string]any:
		if f.Object == spec.UserRef { // an author: the user as it is now
			id, _ := kinds.ID(v["id"])
			rd.object(ctx, enc, f.Name, spec.UserRef, id, false, nil)
			return
		}
		if nested := rd.layout.Object(f.Object); nested != nil {
			// A nested reference ({id, name}) renders as the full catalog object, every field of its schema.
			if id, ok := kinds.ID(v["id"]); ok {
				if e := rd.catalog.Get(f.Object, id); e != nil {
					v = e.Fields
				}
			}
			rd.fields(ctx, enc, f.Name, nested, v, false, nil)
		} else {
			enc.null(f.Name)
		}
	default:
		enc.null(f.Name)
	}
}

// owned renders an object stored inside the user (a phone number).
func (rd *renderer) owned(ctx context.Context, enc encoder, name string, ob *spec.Object, o *store.Owned, sub *query.Projection) {
	enc.open(name)
	i := 0
	for _, f := range ob.Fields {
		if f.Name == "id" {
			if sub.Has("id") {
				enc.typed("id", "integer", strconv.FormatInt(o.ID, 10))
			}
			continue
		}
		if i < len(o.Fields) && sub.Has(f.Name) {
			rd.value(ctx, enc, f, o.Fields[i])
		}
		i++
	}
	enc.close()
}

package users

import (
	"context"
	"strings"

	"github.com/coupa-kit/coupa-users/internal/catalog"
	"github.com/coupa-kit/coupa-users/internal/kinds"
	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// resolver finds the record a reference names: other users through the store's unique indexes, everything else in
// the catalog. It is the one place where a reference becomes an id, for request bodies and fixtures alike.
type resolver struct {
	store   store.Store
	catalog *catalog.Catalog
	users   *spec.Object
	targets []target // by element index (setTargets)
}

// resolve resolves a reference as a request body gives it ({"id": 3}, {"login": "jdoe"}, keys with dashes or
// underscores). A reference that names nothing, or whose keys disagree, gives Coupa's NotFound problem.
func (rs *resolver) resolve(ctx context.Context, el *spec.Element, ref map[string]any) (int64, *problem.Problem, error) {
	ref = dashed(ref)
	if el.Object != spec.UserRef {
		if e, ok := rs.catalog.Resolve(el.Object, ref); ok {
			return e.ID, nil, nil
		}
		return 0, notFound(el, catalog.HumanName(el.Object), rs.catalog.NaturalKeys(el.Object), ref), nil
	}
	missing := func() *problem.Problem { return notFound(el, "User", rs.users.NaturalKeys, ref) }
	if raw, ok := ref["id"]; ok && raw != nil {
		id, ok := kinds.ID(raw)
		if !ok {
			return 0, missing(), nil
		}
		_, found, err := rs.store.Get(ctx, id)
		if err != nil || !found {
			return 0, missing(), err
		}
		return id, nil, nil
	}
	var found int64
	for _, k := range rs.users.NaturalKeys {
		s, ok := ref[k].(string)
		if !ok {
			continue
		}
		u, ok, err := rs.store.Lookup(ctx, k, s)
		if err != nil {
			return 0, nil, err
		}
		if !ok || (found != 0 && found != u.ID) {
			return 0, missing(), nil
		}
		found = u.ID
	}
	if found == 0 {
		return 0, missing(), nil
	}
	return found, nil, nil
}

// byKey resolves a reference by the object's first natural key (the one fixtures are written in: login, code,
// name, location-code) without building a map: the common hit of a bulk load costs no allocation. A miss is
// resolved the way a request's would be, for the same problem. index is el's in the layout.
func (rs *resolver) byKey(ctx context.Context, el *spec.Element, index int, key string) (int64, *problem.Problem, error) {
	t := rs.targetOf(el, index)
	ob := t.object
	if len(ob.NaturalKeys) == 0 {
		return 0, notFound(el, catalog.HumanName(el.Object), nil, map[string]any{"key": key}), nil
	}
	if el.Object == spec.UserRef {
		u, ok, err := rs.store.Lookup(ctx, ob.NaturalKeys[0], key)
		if err != nil || ok {
			return idOf(u), nil, err
		}
	} else if t.lookup != nil {
		if e := t.lookup(key); e != nil {
			return e.ID, nil, nil
		}
	}
	return rs.resolve(ctx, el, map[string]any{ob.NaturalKeys[0]: key})
}

// target is what an element refers to: its object type and, for reference data, the lookup by its first natural
// key in the catalog.
type target struct {
	object *spec.Object
	lookup func(value string) *catalog.Entry
}

// targetOf returns the target of the element at index in the layout, worked out once per element (a bulk load
// resolves some twenty references per user).
func (rs *resolver) targetOf(el *spec.Element, index int) target {
	if index < len(rs.targets) && rs.targets[index].object != nil {
		return rs.targets[index]
	}
	return rs.newTarget(el)
}

func (rs *resolver) newTarget(el *spec.Element) target {
	t := target{object: rs.object(el)}
	if tb := rs.catalog.Table(el.Object); tb != nil && len(t.object.NaturalKeys) > 0 && el.Object != spec.UserRef {
		t.lookup = tb.By(t.object.NaturalKeys[0])
	}
	return t
}

// setTargets works out the target of every object element of the layout.
func (rs *resolver) setTargets(elements []*spec.Element) {
	rs.targets = make([]target, len(elements))
	for i, el := range elements {
		if el.Kind == spec.KindObject {
			rs.targets[i] = rs.newTarget(el)
		}
	}
}

func (rs *resolver) object(el *spec.Element) *spec.Object {
	if el.Object == spec.UserRef {
		return rs.users
	}
	if t := rs.catalog.Table(el.Object); t != nil {
		return t.Object
	}
	return &spec.Object{Name: el.Object}
}

func notFound(el *spec.Element, object string, keys []string, ref map[string]any) *problem.Problem {
	return &problem.Problem{Code: problem.NotFound, Element: el.Name, Object: object, Keys: ref,
		Valid: append([]string{"id"}, keys...)}
}

// dashed spells a reference's keys with dashes, as the spec names fields; most references need no copy.
func dashed(ref map[string]any) map[string]any {
	for k := range ref {
		if strings.IndexByte(k, '_') >= 0 {
			norm := make(map[string]any, len(ref))
			for k, v := range ref {
				norm[strings.ReplaceAll(k, "_", "-")] = v
			}
			return norm
		}
	}
	return ref
}

func idOf(r *store.Record) int64 {
	if r == nil {
		return 0
	}
	return r.ID
}

// Package users is the fake's domain without HTTP: Coupa's rules for creating, updating and finding users (defaults,
// derived values, validations, references), over the store, the catalog and the query engine. The HTTP handlers,
// the fixture loader, the admin surface and the Go API all write through one Service, so a rule holds for every
// door, and a refused write changes nothing.
package users

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/internal/catalog"
	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/internal/query"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// Config is what a Service works over.
type Config struct {
	Spec    *spec.Spec
	Layout  *store.Layout
	Store   store.Store
	Catalog *catalog.Catalog
	// Now is the fake's clock (timestamps of writes).
	Now func() time.Time
	// StrictReferences makes an unresolvable reference on update a problem, as it is on create (Coupa ignores it).
	StrictReferences bool
	// ReplaceRoles makes `roles` on update replace the user's roles. By default a non-empty list adds to them, as
	// Coupa's playbooks say (1.6 adds a role with a one-role PUT; 1.7 removes one by clearing, then putting back
	// the rest); an empty list or null clears them either way.
	ReplaceRoles bool
}

// Service runs Coupa's writes and reads of users. It is safe for concurrent use.
type Service struct {
	layout   *store.Layout
	store    store.Store
	catalog  *catalog.Catalog
	now      func() time.Time
	strict   bool
	replace  bool // roles on update replace (Config.ReplaceRoles)
	resolver *resolver
	template *store.Record // a new user's defaults
	inboxes  []int64       // the tenant's invoice inboxes (catalog ids), for users who may upload from mobile

	// nullable marks, by element index, the elements a request may set to null.
	nullable []bool
	// ownedRequired lists, by object, the fields an object stored by value must have (a phone number's number).
	ownedRequired map[string][]string
	// ownedFields holds, by object, what ownedValue checks each field against (in the object's field order), worked
	// out once: a bulk load checks two phone numbers for each of 100,000 users.
	ownedFields map[string][]ownedField
	ownedIDs    atomic.Int64
	stampSlots  stampSlots
	// required and patterned are the elements check looks at, in the spec's order, with their slots.
	required, patterned []elementSlot
	// fixtureSlots are the slots of fixtures.UserKeys, by position (Layout.Slot's answers, looked up once).
	fixtureSlots []fixtureSlot
}

type elementSlot struct {
	el   *spec.Element
	slot store.Slot
}

type fixtureSlot struct {
	slot store.Slot
	ok   bool // the spec knows the key
}

// ownedField is a field of an object stored by value, as the kinds check it.
type ownedField struct {
	el       *spec.Element // the field as an element: its name, kind, maximum length and values
	required bool          // the object's input schema requires it
}

// New builds a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Spec == nil || cfg.Layout == nil || cfg.Store == nil || cfg.Catalog == nil || cfg.Now == nil {
		return nil, errors.New("users: a Service needs a spec, a layout, a store, a catalog and a clock")
	}
	users := cfg.Layout.Object(spec.UserRef)
	if users == nil {
		return nil, fmt.Errorf("users: the spec has no %s object", spec.UserRef)
	}
	s := &Service{
		layout: cfg.Layout, store: cfg.Store, catalog: cfg.Catalog, now: cfg.Now, strict: cfg.StrictReferences,
		replace:       cfg.ReplaceRoles,
		resolver:      &resolver{store: cfg.Store, catalog: cfg.Catalog, users: users},
		ownedRequired: map[string][]string{},
		ownedFields:   map[string][]ownedField{},
	}
	input := cfg.Spec.Schema("UserUpdate")
	if input == nil {
		return nil, errors.New("users: the spec has no UserUpdate schema")
	}
	for _, e := range cfg.Layout.Elements {
		nullable := e.Nullable
		if p := input.Properties[e.Name]; p != nil && p.Value != nil {
			nullable = p.Value.Nullable
		}
		s.nullable = append(s.nullable, nullable)
		if e.Kind == spec.KindObject && !e.List {
			if ob := cfg.Layout.Object(e.Object); ob != nil && len(ob.NaturalKeys) == 0 {
				if in := cfg.Spec.Schema(e.Object + "Input"); in != nil {
					s.ownedRequired[e.Object] = in.Required
				}
				fields := make([]ownedField, len(ob.Fields))
				for i, fl := range ob.Fields {
					fields[i] = ownedField{
						el:       &spec.Element{Name: fl.Name, Kind: fl.Kind, MaxLength: fl.MaxLength, Enum: fl.Enum},
						required: slices.Contains(s.ownedRequired[e.Object], fl.Name),
					}
				}
				s.ownedFields[e.Object] = fields
			}
		}
	}
	s.resolver.setTargets(cfg.Layout.Elements)
	s.stampSlots = newStampSlots(cfg.Layout)
	for _, e := range cfg.Layout.Elements {
		sl, _ := cfg.Layout.Slot(e.Name)
		if e.Required {
			s.required = append(s.required, elementSlot{e, sl})
		}
		if e.Pattern != nil {
			s.patterned = append(s.patterned, elementSlot{e, sl})
		}
	}
	for _, key := range fixtures.UserKeys() {
		sl, ok := cfg.Layout.Slot(key)
		s.fixtureSlots = append(s.fixtureSlots, fixtureSlot{sl, ok})
	}
	s.template = s.newTemplate()
	if t := cfg.Catalog.Table("InvoiceInbox"); t != nil {
		for _, e := range t.Entries {
			s.inboxes = append(s.inboxes, e.ID)
		}
	}
	return s, nil
}

// Get returns the user with that id; ok is false when there is none.
func (s *Service) Get(ctx context.Context, id int64) (*store.Record, bool, error) {
	return s.store.Get(ctx, id)
}

// Lookup finds a user by a unique element's value, ignoring case as Coupa does.
func (s *Service) Lookup(ctx context.Context, element, value string) (*store.Record, bool, error) {
	return s.store.Lookup(ctx, element, value)
}

// Find runs an index query: the page of users that match it.
func (s *Service) Find(ctx context.Context, q *query.Query) ([]*store.Record, error) {
	return query.Execute(ctx, s.store, s.layout, q, s.catalog)
}

// Create runs Coupa's create: defaults, the body's values, derived values, validations, and the store's unique
// indexes. A refusal is a *problem.Error listing every problem found; nothing is stored then.
func (s *Service) Create(ctx context.Context, body map[string]any, actor int64) (*store.Record, error) {
	p, err := s.planBody(ctx, body, true)
	if err != nil {
		return nil, err
	}
	return s.create(ctx, p, actor, nil)
}

// create stores a planned user; preset, when given, sets what only fixtures and the fake itself may (output-only
// elements, timestamps).
func (s *Service) create(ctx context.Context, p *plan, actor int64, preset func(*store.Record)) (*store.Record, error) {
	r := s.template.Clone()
	p.apply(r)
	s.stamp(r, true, actor, s.now())
	if preset != nil {
		preset(r)
	}
	if ps := append(p.problems, s.check(r, p)...); len(ps) > 0 {
		return nil, s.refused(ps)
	}
	mention, _ := s.layout.Slot("mention-name")
	derive := r.IsNull(mention) || r.String(mention) == ""
	for attempt := 0; ; attempt++ {
		if derive {
			name, err := s.mentionName(ctx, r)
			if err != nil {
				return nil, err
			}
			r.SetString(mention, name)
		}
		stored, err := s.store.Create(ctx, r)
		var conflict *store.ConflictError
		if errors.As(err, &conflict) {
			// A derived mention name raced with another create: derive again.
			if derive && len(conflict.Elements) == 1 && conflict.Elements[0] == "mention-name" && attempt < 5 {
				continue
			}
			return nil, s.refused(taken(conflict))
		}
		return stored, err
	}
}

// Update runs Coupa's update: the body's values over the stored user, fullname recomputed, validations; the stored
// user is replaced only if everything passes. store.ErrNotFound when there is no such user; a refusal is a
// *problem.Error.
func (s *Service) Update(ctx context.Context, id int64, body map[string]any, actor int64) (*store.Record, error) {
	p, err := s.planBody(ctx, body, s.strict)
	if err != nil {
		return nil, err
	}
	if !s.replace {
		p.addRoles()
	}
	r, err := s.store.Update(ctx, id, func(r *store.Record) error {
		p.apply(r)
		s.stamp(r, false, actor, s.now())
		if ps := append(p.problems, s.check(r, p)...); len(ps) > 0 {
			return s.refused(ps)
		}
		return nil
	})
	var conflict *store.ConflictError
	if errors.As(err, &conflict) {
		return nil, s.refused(taken(conflict))
	}
	return r, err
}

// ChangeList adds the objects refs name to a user's list association, or removes them from it, in one write:
// Coupa's /users/{id}/business_groups/add and /remove, and /users/{id}/addresses. refs are named as an update names them (by id or natural
// key); one that names nothing is refused as an update's would be, and removing an object the user lacks changes
// nothing. It returns the ids refs resolved to.
func (s *Service) ChangeList(ctx context.Context, id int64, element string, refs []any, remove bool, actor int64) (*store.Record, []int64, error) {
	return s.changeList(ctx, id, element, 0, refs, remove, actor)
}

// ReplaceInList puts the object ref names in place of the object old in a user's list association, in one write
// (Coupa's PUT /users/{id}/addresses/{old}), and returns the id ref resolved to (0 when ref names nothing). old
// must be in the list: store.ErrNotFound otherwise.
func (s *Service) ReplaceInList(ctx context.Context, id int64, element string, old int64, ref any, actor int64) (*store.Record, int64, error) {
	r, ids, err := s.changeList(ctx, id, element, old, []any{ref}, false, actor)
	if err != nil || len(ids) == 0 {
		return r, 0, err
	}
	return r, ids[0], nil
}

// changeList is ChangeList, taking the object old out first when it is not 0; it returns the ids refs resolved to.
func (s *Service) changeList(ctx context.Context, id int64, element string, old int64, refs []any, remove bool, actor int64) (*store.Record, []int64, error) {
	el := s.layout.Element(element)
	if el == nil || !el.List || !el.In && !el.Subresource {
		return nil, nil, fmt.Errorf("users: %s is not a list a request may change", element)
	}
	sl, _ := s.layout.Slot(element)
	p := &plan{}
	if old != 0 {
		p.sets = append(p.sets, assignment{slot: sl, el: el, list: []int64{old}, drop: true})
	}
	a := assignment{slot: sl, el: el}
	pr, skip, err := s.planValue(ctx, &a, refs, true)
	switch {
	case err != nil:
		return nil, nil, err
	case pr != nil:
		p.problems = append(p.problems, *pr)
	case !skip:
		a.add, a.drop = !remove, remove
		p.sets = append(p.sets, a)
	}
	r, err := s.store.Update(ctx, id, func(r *store.Record) error {
		if old != 0 && !slices.Contains(r.ListIDs(sl), old) {
			return store.ErrNotFound
		}
		p.apply(r)
		s.stamp(r, false, actor, s.now())
		if len(p.problems) > 0 {
			return s.refused(p.problems)
		}
		return nil
	})
	return r, a.list, err
}

// SetAvatar records where a user's avatar is served (url), or that it has none (""): avatar-thumb-url, which no
// request body may set, changes only with the avatar itself (/users/{id}/avatar).
func (s *Service) SetAvatar(ctx context.Context, id int64, url string, actor int64) (*store.Record, error) {
	sl, ok := s.layout.Slot("avatar-thumb-url")
	if !ok {
		return nil, fmt.Errorf("users: the spec has no avatar-thumb-url")
	}
	return s.store.Update(ctx, id, func(r *store.Record) error {
		if url == "" {
			r.SetNull(sl)
		} else {
			r.SetString(sl, url)
		}
		s.stamp(r, false, actor, s.now())
		return nil
	})
}

// CreateAPIUsers creates the users that act for API clients (Coupa records API writes as done by an API user), one
// per login; they are stamped as created by the first of them.
func (s *Service) CreateAPIUsers(ctx context.Context, logins []string) ([]int64, error) {
	apiUser, _ := s.layout.Slot("api-user")
	ids := make([]int64, 0, len(logins))
	for _, login := range logins {
		last := login
		if len(last) > 40 {
			last = last[:40]
		}
		body := map[string]any{
			"login": login, "email": login + "@api.coupa-fake.test", "firstname": "API", "lastname": last,
			"roles": []any{map[string]any{"name": "Integration API"}},
		}
		p, err := s.planBody(ctx, body, true)
		if err != nil {
			return nil, err
		}
		r, err := s.create(ctx, p, 0, func(r *store.Record) { r.SetBoolean(apiUser, true) })
		if err != nil {
			return nil, fmt.Errorf("users: creating the API user %s: %w", login, err)
		}
		ids = append(ids, r.ID)
	}
	for _, id := range ids {
		_, err := s.store.Update(ctx, id, func(r *store.Record) error {
			s.stamp(r, true, ids[0], s.now())
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// NoteOwnedID makes the ids of objects stored by value (phone numbers) continue above id, after a restore.
func (s *Service) NoteOwnedID(id int64) {
	for {
		cur := s.ownedIDs.Load()
		if cur >= id || s.ownedIDs.CompareAndSwap(cur, id) {
			return
		}
	}
}

// Refused reports whether err is a write refused for Coupa's reasons, and its problems.
func Refused(err error) ([]problem.Problem, bool) {
	var pe *problem.Error
	if errors.As(err, &pe) {
		return pe.Problems, true
	}
	return nil, false
}

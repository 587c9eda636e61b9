package fake

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// writeError is a write refused for Coupa's reasons: the messages go back in Coupa's error body.
type writeError struct{ messages []string }

func (e *writeError) Error() string { return strings.Join(e.messages, "; ") }

// defaultRecord holds what Coupa fills in on create where the request is silent: active, coupa_credentials, security type
// 0, every flag false, ERP payment, the User role and the instance's reporting currency. They are worked out once
// once and cloned for each new record.
func (f *Fake) defaultRecord() *store.Record {
	f.defaultOnce.Do(func() {
		r := f.layout.New()
		for _, e := range f.layout.Elements {
			s, _ := f.layout.Slot(e.Name)
			if e.Kind == spec.KindBoolean {
				r.SetBoolean(s, e.Name == "active")
			}
			if e.List {
				r.SetList(s, []int64{})
			}
		}
		set := func(name, v string) {
			if s, ok := f.layout.Slot(name); ok {
				r.SetString(s, v)
			}
		}
		set("authentication-method", "coupa_credentials")
		set("employee-payment-channel", "ERP")
		if s, ok := f.layout.Slot("account-security-type"); ok {
			r.SetInteger(s, 0)
		}
		if s, ok := f.layout.Slot("default-currency"); ok {
			r.SetRef(s, f.catalog.DefaultCurrency.ID)
		}
		if s, ok := f.layout.Slot("roles"); ok {
			if role := f.catalog.Lookup("Role", "name", "User"); role != nil {
				r.SetList(s, []int64{role.ID})
			}
		}
		f.template = r
	})
	return f.template
}

// stamp maintains what Coupa derives on every write: fullname from the names, and the timestamps and author.
func (f *Fake) stamp(r *store.Record, create bool, actor int64, now time.Time) {
	first, _ := f.layout.Slot("firstname")
	last, _ := f.layout.Slot("lastname")
	if s, ok := f.layout.Slot("fullname"); ok {
		r.SetString(s, strings.TrimSpace(r.String(first)+" "+r.String(last)))
	}
	if create {
		if s, ok := f.layout.Slot("created-at"); ok {
			r.SetTime(s, now)
		}
		if s, ok := f.layout.Slot("created-by"); ok {
			r.SetRef(s, actor)
		}
	}
	if s, ok := f.layout.Slot("updated-at"); ok {
		r.SetTime(s, now)
	}
	if s, ok := f.layout.Slot("updated-by"); ok {
		r.SetRef(s, actor)
	}
}

// requiredMissing lists "X can't be blank" for every required element that is null or blank.
func (f *Fake) requiredMissing(r *store.Record) []string {
	var msgs []string
	for _, e := range f.layout.Elements {
		if !e.Required {
			continue
		}
		s, _ := f.layout.Slot(e.Name)
		if r.IsNull(s) || (e.Kind == spec.KindString && strings.TrimSpace(r.String(s)) == "") {
			msgs = append(msgs, label(e.Name)+" can't be blank")
		}
	}
	if s, ok := f.layout.Slot("email"); ok && !r.IsNull(s) {
		if v := r.String(s); v != "" && !validEmail(v) {
			msgs = append(msgs, "Email is invalid")
		}
	}
	return msgs
}

func validEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && domain != "" && !strings.ContainsAny(s, " \t\r\n,;<>") && !strings.Contains(domain, "@")
}

// mentionName derives a free mention name from the user's names ("JaneDoe", then "JaneDoe2"...), as Coupa does when
// a request gives none.
func (f *Fake) mentionName(ctx context.Context, r *store.Record) (string, error) {
	first, _ := f.layout.Slot("firstname")
	last, _ := f.layout.Slot("lastname")
	var b strings.Builder
	for _, part := range []string{r.String(first), r.String(last)} {
		for _, c := range part {
			if unicode.IsLetter(c) || unicode.IsDigit(c) {
				b.WriteRune(c)
			}
		}
	}
	base := b.String()
	if base == "" {
		login, _ := f.layout.Slot("login")
		base = r.String(login)
	}
	for i := 1; i < 10000; i++ {
		candidate := base
		if i > 1 {
			candidate += strconv.Itoa(i)
		}
		_, taken, err := f.store.Lookup(ctx, "mention-name", candidate)
		if err != nil {
			return "", err
		}
		if !taken {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("no free mention name for %q", base)
}

// createUser runs Coupa's create: defaults, the request's values, derived values, checks, and the store's unique
// indexes. A *writeError carries Coupa's messages; nothing is stored when any check fails.
func (f *Fake) createUser(ctx context.Context, body map[string]any, actor int64, preset func(*store.Record)) (*store.Record, error) {
	p, err := f.planBody(ctx, body, true)
	if err != nil {
		return nil, err
	}
	return f.createFromPlan(ctx, p, actor, preset)
}

// createFromPlan is createUser for a body already planned.
func (f *Fake) createFromPlan(ctx context.Context, p *plan, actor int64, preset func(*store.Record)) (*store.Record, error) {
	if len(p.errors) > 0 {
		return nil, &writeError{messages: p.errors}
	}
	r := f.defaultRecord().Clone()
	p.apply(r)
	f.stamp(r, true, actor, f.clock.Now())
	if preset != nil {
		preset(r)
	}
	if msgs := f.requiredMissing(r); len(msgs) > 0 {
		return nil, &writeError{messages: msgs}
	}
	mention, _ := f.layout.Slot("mention-name")
	derive := r.IsNull(mention) || r.String(mention) == ""
	for attempt := 0; ; attempt++ {
		if derive {
			name, err := f.mentionName(ctx, r)
			if err != nil {
				return nil, err
			}
			r.SetString(mention, name)
		}
		stored, err := f.store.Create(ctx, r)
		var conflict *store.ConflictError
		if errors.As(err, &conflict) {
			// A derived mention name raced with another create: derive again.
			if derive && len(conflict.Elements) == 1 && conflict.Elements[0] == "mention-name" && attempt < 5 {
				continue
			}
			return nil, &writeError{messages: takenMessages(conflict)}
		}
		return stored, err
	}
}

func takenMessages(c *store.ConflictError) []string {
	msgs := make([]string, len(c.Elements))
	for i, e := range c.Elements {
		msgs[i] = label(e) + " has already been taken"
	}
	return msgs
}

// updateUser runs Coupa's update: the request's values over the stored user, fullname recomputed, checks; the
// stored user is replaced only if everything passes.
func (f *Fake) updateUser(ctx context.Context, id int64, body map[string]any, actor int64) (*store.Record, error) {
	p, err := f.planBody(ctx, body, f.opts.StrictReferences)
	if err != nil {
		return nil, err
	}
	if len(p.errors) > 0 {
		return nil, &writeError{messages: p.errors}
	}
	manager, hasManager := f.layout.Slot("manager")
	r, err := f.store.Update(ctx, id, func(r *store.Record) error {
		p.apply(r)
		f.stamp(r, false, actor, f.clock.Now())
		msgs := f.requiredMissing(r)
		if hasManager && r.RefID(manager) == id {
			msgs = append(msgs, "Manager can't be the user themselves")
		}
		if len(msgs) > 0 {
			return &writeError{messages: msgs}
		}
		return nil
	})
	var conflict *store.ConflictError
	if errors.As(err, &conflict) {
		return nil, &writeError{messages: takenMessages(conflict)}
	}
	return r, err
}

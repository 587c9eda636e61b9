package users

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/coupa-kit/coupa-users/internal/kinds"
	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// newTemplate builds what Coupa fills in on create where the request is silent: active, coupa_credentials,
// account and business group security types 0, every flag false, ERP payment, the User role and the instance's
// reporting currency. It is worked out once and cloned for each new record.
func (s *Service) newTemplate() *store.Record {
	r := s.layout.New()
	for _, e := range s.layout.Elements {
		sl, _ := s.layout.Slot(e.Name)
		if e.Kind == spec.KindBoolean {
			r.SetBoolean(sl, e.Name == "active")
		}
		if e.List {
			r.SetList(sl, []int64{})
		}
		if ob := s.layout.Object(e.Object); ob != nil && ob.Namespace && len(ob.Fields) > 0 {
			// Every user has the tenant's custom fields, null until set, as Coupa returns them (a tenant without
			// any: custom-fields is null).
			r.SetOwned(sl, &store.Owned{Fields: make([]any, len(ob.Fields))})
		}
	}
	set := func(name, v string) {
		if sl, ok := s.layout.Slot(name); ok {
			r.SetString(sl, v)
		}
	}
	set("authentication-method", "coupa_credentials")
	set("employee-payment-channel", "ERP")
	// The R39 Swagger declares both security types as integers (0 or 1), never null, and Coupa's samples carry a
	// value: a new user gets 0 for each, API users and generated users included.
	for _, name := range []string{"account-security-type", "business-group-security-type"} {
		if sl, ok := s.layout.Slot(name); ok {
			r.SetInteger(sl, 0)
		}
	}
	if sl, ok := s.layout.Slot("default-currency"); ok {
		r.SetRef(sl, s.catalog.DefaultCurrency.ID)
	}
	if sl, ok := s.layout.Slot("roles"); ok {
		if role := s.catalog.Lookup("Role", "name", "User"); role != nil {
			r.SetList(sl, []int64{role.ID})
		}
	}
	return r
}

// stamp maintains what Coupa derives on every write: fullname from the names, the invoice inboxes the user may
// send to, and the timestamps and author.
func (s *Service) stamp(r *store.Record, create bool, actor int64, now time.Time) {
	sl := &s.stampSlots
	if sl.hasFullname {
		r.SetString(sl.fullname, strings.TrimSpace(r.String(sl.firstname)+" "+r.String(sl.lastname)))
	}
	// The 2024 user of Coupa's Delegates API page, allowed to upload invoices from Coupa Mobile, lists the tenant's
	// inboxes; who may not upload has none to send to.
	if sl.hasInboxes {
		inboxes := []int64{}
		if !r.IsNull(sl.mobile) && r.Boolean(sl.mobile) {
			inboxes = s.inboxes
		}
		r.SetList(sl.inboxes, inboxes)
	}
	stamped := kinds.Value{Time: now}
	if create {
		if sl.hasCreatedAt {
			kinds.DateTime{}.Set(r, sl.createdAt, stamped)
		}
		if sl.hasCreatedBy {
			r.SetRef(sl.createdBy, actor)
		}
	}
	if sl.hasUpdatedAt {
		kinds.DateTime{}.Set(r, sl.updatedAt, stamped)
	}
	if sl.hasUpdatedBy {
		r.SetRef(sl.updatedBy, actor)
	}
}

// stampSlots are the slots stamp writes, looked up once: every write is stamped.
type stampSlots struct {
	firstname, lastname, fullname, mobile, inboxes, createdAt, createdBy, updatedAt, updatedBy store.Slot

	hasFullname, hasInboxes, hasCreatedAt, hasCreatedBy, hasUpdatedAt, hasUpdatedBy bool
}

func newStampSlots(l *store.Layout) stampSlots {
	var sl stampSlots
	sl.firstname, _ = l.Slot("firstname")
	sl.lastname, _ = l.Slot("lastname")
	sl.fullname, sl.hasFullname = l.Slot("fullname")
	sl.inboxes, sl.hasInboxes = l.Slot("allowed-invoice-inboxes")
	sl.mobile, _ = l.Slot("allow-user-to-upload-invoice-from-mobile")
	sl.createdAt, sl.hasCreatedAt = l.Slot("created-at")
	sl.createdBy, sl.hasCreatedBy = l.Slot("created-by")
	sl.updatedAt, sl.hasUpdatedAt = l.Slot("updated-at")
	sl.updatedBy, sl.hasUpdatedBy = l.Slot("updated-by")
	return sl
}

// check runs the validations on the record as it would be stored: every required element present and not blank,
// a well-formed email, no user managing themselves. Elements the plan already found fault with are not reported
// twice.
func (s *Service) check(r *store.Record, p *plan) []problem.Problem {
	var out []problem.Problem
	for _, es := range s.required {
		e, sl := es.el, es.slot
		if p.faulty(e.Name) {
			continue
		}
		if r.IsNull(sl) || (e.Kind == spec.KindString && strings.TrimSpace(r.String(sl)) == "") {
			out = append(out, problem.Problem{Code: problem.Blank, Element: e.Name})
		}
	}
	for _, es := range s.patterned {
		e, sl := es.el, es.slot
		if p.faulty(e.Name) {
			continue
		}
		if v := r.String(sl); !r.IsNull(sl) && v != "" && !e.Pattern.MatchString(v) {
			out = append(out, problem.Problem{Code: problem.Invalid, Element: e.Name})
		}
	}
	if sl, ok := s.layout.Slot("manager"); ok && r.ID != 0 && r.RefID(sl) == r.ID {
		out = append(out, problem.Problem{Code: problem.OwnManager, Element: "manager"})
	}
	return out
}

// mentionName derives a free mention name from the user's names ("JaneDoe", then "JaneDoe2"...), as Coupa does when
// a request gives none.
func (s *Service) mentionName(ctx context.Context, r *store.Record) (string, error) {
	first, _ := s.layout.Slot("firstname")
	last, _ := s.layout.Slot("lastname")
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
		login, _ := s.layout.Slot("login")
		base = r.String(login)
	}
	for i := 1; i < 10000; i++ {
		candidate := base
		if i > 1 {
			candidate += strconv.Itoa(i)
		}
		_, taken, err := s.store.Lookup(ctx, "mention-name", candidate)
		if err != nil {
			return "", err
		}
		if !taken {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("users: no free mention name for %q", base)
}

// refused is the error of a write with problems, in the model's order, as Rails lists a record's errors: the
// spec's element order, which is Coupa's model order (spec/elements.yaml, "order"). Coupa's samples agree where
// they show more than one message: "Login has already been taken" before "Email has already been taken" (the 2016
// "User Create with Errors" sample), "First Name can't be blank" before "Last Name can't be blank" (the body
// baton-coupa quotes). A problem of the request as a whole comes first.
func (s *Service) refused(ps []problem.Problem) error {
	index := func(p problem.Problem) int {
		if sl, ok := s.layout.Slot(p.Element); ok {
			return sl.Index
		}
		return -1
	}
	sorted := slices.Clone(ps)
	slices.SortStableFunc(sorted, func(a, b problem.Problem) int { return cmp.Compare(index(a), index(b)) })
	return &problem.Error{Problems: sorted}
}

func taken(c *store.ConflictError) []problem.Problem {
	out := make([]problem.Problem, len(c.Elements))
	for i, e := range c.Elements {
		out[i] = problem.Problem{Code: problem.Taken, Element: e}
	}
	return out
}

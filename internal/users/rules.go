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

// stamp maintains what Coupa derives on every write: fullname from the names, and the timestamps and author.
func (s *Service) stamp(r *store.Record, create bool, actor int64, now time.Time) {
	first, _ := s.layout.Slot("firstname")
	last, _ := s.layout.Slot("lastname")
	if sl, ok := s.layout.Slot("fullname"); ok {
		r.SetString(sl, strings.TrimSpace(r.String(first)+" "+r.String(last)))
	}
	if create {
		if sl, ok := s.layout.Slot("created-at"); ok {
			r.SetTime(sl, now)
		}
		if sl, ok := s.layout.Slot("created-by"); ok {
			r.SetRef(sl, actor)
		}
	}
	if sl, ok := s.layout.Slot("updated-at"); ok {
		r.SetTime(sl, now)
	}
	if sl, ok := s.layout.Slot("updated-by"); ok {
		r.SetRef(sl, actor)
	}
}

// check runs the validations on the record as it would be stored: every required element present and not blank,
// a well-formed email, no user managing themselves. Elements the plan already found fault with are not reported
// twice.
func (s *Service) check(r *store.Record, p *plan) []problem.Problem {
	var out []problem.Problem
	for _, e := range s.layout.Elements {
		if !e.Required || p.faulty(e.Name) {
			continue
		}
		sl, _ := s.layout.Slot(e.Name)
		if r.IsNull(sl) || (e.Kind == spec.KindString && strings.TrimSpace(r.String(sl)) == "") {
			out = append(out, problem.Problem{Code: problem.Blank, Element: e.Name})
		}
	}
	if sl, ok := s.layout.Slot("email"); ok && !r.IsNull(sl) && !p.faulty("email") {
		if v := r.String(sl); v != "" && !validEmail(v) {
			out = append(out, problem.Problem{Code: problem.Invalid, Element: "email"})
		}
	}
	if sl, ok := s.layout.Slot("manager"); ok && r.ID != 0 && r.RefID(sl) == r.ID {
		out = append(out, problem.Problem{Code: problem.OwnManager, Element: "manager"})
	}
	return out
}

func validEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && domain != "" && !strings.ContainsAny(s, " \t\r\n,;<>") && !strings.Contains(domain, "@")
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

// modelOrder is the order of a user's attributes in Coupa's own responses: the 2024 (R41) user of Coupa's Delegates
// API page, the fullest sample published. Rails lists a record's errors in the order its model validates, and
// Coupa's samples agree with this order where they show more than one message: "Login has already been taken"
// before "Email has already been taken" (the 2016 "User Create with Errors" sample), "First Name can't be blank"
// before "Last Name can't be blank" (the body baton-coupa quotes). The spec's element order is alphabetical, which
// would put Email first.
var modelOrder = []string{
	"id", "created-at", "updated-at", "login", "email", "purchasing-user", "expense-user", "sourcing-user",
	"inventory-user", "contracts-user", "analytics-user", "spend-guard-user", "ccw-user", "clm-advanced-user",
	"supply-chain-user", "risk-assess-user", "travel-user", "treasury-user", "invoicing-user", "employee-number",
	"firstname", "lastname", "fullname", "api-user", "salesforce-id", "account-security-type",
	"authentication-method", "sso-identifier", "default-locale", "business-group-security-type", "avatar-thumb-url",
	"mention-name", "aic-user", "seniority-level", "business-function", "employee-payment-channel",
	"allow-employee-payment-account-creation", "middlename", "supplier-id", "category-planner-user", "intake-user",
	"supplier-user", "support-user", "active", "eligible-for-virtual-cards", "allowed-invoice-inboxes",
	"allow-user-to-upload-invoice-from-mobile", "gpo-entity", "phone-work", "phone-mobile", "country-of-residence",
	"roles", "manager", "default-address", "default-account", "default-account-type", "default-currency", "pcard",
	"department", "legal-entity", "requisition-approval-limit", "expense-approval-limit", "invoice-approval-limit",
	"contract-approval-limit", "requisition-self-approval-limit", "expense-self-approval-limit",
	"invoice-self-approval-limit", "contract-self-approval-limit", "work-confirmation-approval-limit",
	"escalation-threshold", "expenses-delegated-to", "can-expense-for", "content-groups", "account-groups",
	"approval-groups", "user-groups", "working-warehouses", "inventory-organizations", "created-by", "updated-by",
	"custom-fields",
}

// modelRank is each element's place in modelOrder.
var modelRank = func() map[string]int {
	m := make(map[string]int, len(modelOrder))
	for i, name := range modelOrder {
		m[name] = i
	}
	return m
}()

// refused is the error of a write with problems, in the model's order, as Rails lists a record's errors: Coupa's
// attribute order (modelOrder), then the elements that sample lacks in the spec's order; a problem of the request
// as a whole comes first.
func (s *Service) refused(ps []problem.Problem) error {
	index := func(p problem.Problem) int {
		if r, ok := modelRank[p.Element]; ok {
			return r
		}
		if sl, ok := s.layout.Slot(p.Element); ok {
			return len(modelOrder) + sl.Index
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

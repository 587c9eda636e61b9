package contract

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/coupa-kit/coupa-users/internal/fold"
	"github.com/coupa-kit/coupa-users/spec"
)

// The filter checks are derived from the spec's filter table (x-coupa-filters): one check per operator and type of
// attribute, one per filterable attribute, one per association. Their test data comes from the sample: a value a
// known user has, so that the check knows which users must come back.

// operatorKinds are the kinds whose operators the suite checks, in order.
var operatorKinds = []spec.Kind{spec.KindString, spec.KindInteger, spec.KindBoolean, spec.KindDateTime, spec.KindDecimal}

func filterChecks() []*check {
	sp := theSpec()
	var out []*check
	for _, kind := range operatorKinds {
		ops := []spec.Operator{spec.Eq}
		for _, attr := range sortedFilters() {
			if k, _, _, err := filterKind(attr); err != nil || k != kind {
				continue
			}
			for _, op := range sp.Filters[attr] {
				if !slices.Contains(ops, op) {
					ops = append(ops, op)
				}
			}
		}
		if len(ops) == 1 && !hasKind(kind) {
			continue
		}
		for _, op := range ops {
			out = append(out, &check{
				name: fmt.Sprintf("reading/operators/%s/%s", kind, op),
				doc: fmt.Sprintf("%s on a %s attribute returns only the users that match (checked on the returned data) and misses no known match",
					paramShape(op), kind),
				run: func(t *checkRun) { checkOperator(t, kind, op) },
			})
		}
	}
	for _, attr := range sortedFilters() {
		if strings.Contains(attr, "[") {
			continue
		}
		out = append(out, &check{
			name: "reading/attributes/" + attr,
			doc:  fmt.Sprintf("%s=value returns exactly the users whose %s is the value", attr, attr),
			run:  func(t *checkRun) { checkAttribute(t, attr) },
		})
	}
	for _, e := range sp.Elements {
		if e.Kind != spec.KindObject || associationField(e) == "" {
			continue
		}
		out = append(out, &check{
			name: "reading/associations/" + e.Name,
			doc:  fmt.Sprintf("%s[%s]=value filters on the associated %s", e.Name, associationField(e), e.Object),
			run:  func(t *checkRun) { checkAssociation(t, e) },
		})
	}
	out = append(out,
		&check{name: "reading/filters/underscore-names", doc: "attribute names may be spelt with underscores (employee_number) as well as dashes, with the same results", run: checkUnderscoreNames},
		&check{name: "reading/filters/and", doc: "several conditions all hold (AND)", run: checkConjunction},
	)
	return out
}

func hasKind(kind spec.Kind) bool {
	for _, attr := range sortedFilters() {
		if k, _, _, err := filterKind(attr); err == nil && k == kind {
			return true
		}
	}
	return false
}

func paramShape(op spec.Operator) string {
	if op == spec.Eq {
		return "attr=value"
	}
	return "attr[" + op.Spelling() + "]=value"
}

// associationField is the field the association check filters on: the object's first filterable natural key, else
// its first filterable string field, else id; "" when the association cannot be filtered.
func associationField(e *spec.Element) string {
	sp := theSpec()
	ob := sp.Objects[e.Object]
	if ob == nil {
		return ""
	}
	ok := func(f string) bool { _, has := sp.Filters[e.Name+"["+f+"]"]; return has }
	for _, k := range ob.NaturalKeys {
		if ok(k) {
			return k
		}
	}
	for _, f := range ob.Fields {
		if f.Kind == spec.KindString && ok(f.Name) {
			return f.Name
		}
	}
	if ok("id") {
		return "id"
	}
	return ""
}

// attributesFor lists the filterable attributes of a kind that take the operator, best first: the user's own
// attributes before associations', id and unique ones first (their values tell users apart).
func attributesFor(kind spec.Kind, op spec.Operator) []string {
	sp := theSpec()
	var top, uniq, nested []string
	for _, attr := range sortedFilters() {
		k, e, f, err := filterKind(attr)
		if err != nil || k != kind || op != spec.Eq && !slices.Contains(sp.Filters[attr], op) {
			continue
		}
		switch {
		case f != nil:
			nested = append(nested, attr)
		case e.Name == "id" || e.Unique:
			uniq = append(uniq, attr)
		default:
			top = append(top, attr)
		}
	}
	return slices.Concat(uniq, top, nested)
}

// observed returns the distinct values of an attribute in the sample, rendered as a query sends them, in order.
func observed(c cond, sample []map[string]any) []string {
	var out []string
	for _, u := range sample {
		for _, v := range c.valuesOf(u) {
			s, ok := render(v)
			if ok && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		if len(out) >= 40 {
			break
		}
	}
	return out
}

// render writes a value as a query parameter.
func render(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, x != "" && strings.TrimSpace(x) == x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// middleFirst orders values from the middle outwards, so that order comparisons split the sample.
func middleFirst(vals []string) []string {
	if len(vals) < 3 {
		return vals
	}
	m := len(vals) / 2
	out := []string{vals[m]}
	for i := 1; len(out) < len(vals); i++ {
		if m-i >= 0 {
			out = append(out, vals[m-i])
		}
		if m+i < len(vals) {
			out = append(out, vals[m+i])
		}
	}
	return out
}

// candidates are the values to try for an operator, from the values observed. Beyond the text operators they follow
// the operator's value form, so that an operator added to spec's table gets sensible values here unaided.
func candidates(op spec.Operator, vals []string) []string {
	vals = middleFirst(vals)
	var out []string
	switch {
	case op == spec.Contains:
		for _, v := range vals {
			r := []rune(v)
			if len(r) < 4 {
				continue
			}
			chunk := string(r[1 : 1+min(6, len(r)-2)])
			if p := fold.NewPattern(chunk); !p.PrefixOf(v) {
				out = append(out, chunk)
			}
		}
	case op == spec.StartsWith:
		for _, v := range vals {
			r := []rune(v)
			out = append(out, string(r[:min(3, len(r))]))
		}
	case op == spec.EndsWith:
		for _, v := range vals {
			r := []rune(v)
			out = append(out, string(r[len(r)-min(3, len(r)):]))
		}
	case op.Value() == spec.ListValue:
		var plain []string
		for _, v := range vals {
			if !strings.Contains(v, ",") {
				plain = append(plain, v)
			}
		}
		for i := 0; i+1 < len(plain); i += 2 {
			out = append(out, plain[i]+","+plain[i+1])
		}
		if len(plain) == 1 {
			out = append(out, plain[0])
		}
	case op.Value() == spec.BoolValue:
		out = []string{"true", "false"}
	default:
		out = vals
	}
	return out
}

// pickCond chooses a condition the sample can judge and that discriminates: among the attributes and values given,
// the first that some sampled users surely match and others surely do not. A condition every sampled user matches
// proves nothing (a server that ignores the filter passes it), so there is none then, and why says what the sample
// lacked.
func pickCond(t *checkRun, attrs []string, op spec.Operator, sample []map[string]any) (c cond, ok bool, why string) {
	var all string
	for _, attr := range attrs {
		probe, err := newCond(attr, op, "")
		if err != nil {
			t.fatal(nil, "the spec's filter table is consistent", refFilters, "%v", err)
		}
		for _, v := range candidates(op, observed(probe, sample)) {
			c := probe
			c.value = v
			m, n := count(sample, c)
			if m > 0 && n > 0 {
				return c, true, ""
			}
			if m > 0 && all == "" {
				all = c.String()
			}
		}
	}
	if all != "" {
		return cond{}, false, fmt.Sprintf("the %d sampled users cannot tell a working filter from an ignored one: every one matches %s, or cannot be judged", len(sample), all)
	}
	return cond{}, false, ""
}

// judgedFields is the `fields` projection a filter check asks for: the id and what the conditions judge. The
// answer is then a few bytes per user rather than kilobytes, which is most of what a run costs; a server that
// ignores `fields` answers with whole users and is judged just the same.
func judgedFields(conds []cond) string {
	list := []any{"id"}
	sub := map[string][]any{}
	for _, c := range conds {
		name := c.el.Name
		switch {
		case c.field != nil:
			if sub[name] == nil {
				list = append(list, map[string]any{name: []any{}})
			}
			sub[name] = append(sub[name], c.field.Name)
		case !slices.Contains(list, any(name)):
			list = append(list, name)
		}
	}
	for i, x := range list {
		if m, ok := x.(map[string]any); ok {
			for k := range m {
				list[i] = map[string]any{k: sub[k]}
			}
		}
	}
	b, _ := json.Marshal(list)
	return string(b)
}

// runFilter sends the conditions and verifies the results against the sample.
func runFilter(t *checkRun, conds ...cond) []map[string]any { return runFilterKnown(t, nil, conds...) }

// runFilterKnown is runFilter with one more known user (nil: none), made for the check, which the results must
// include if it matches.
func runFilterKnown(t *checkRun, made map[string]any, conds ...cond) []map[string]any {
	sample := t.env.getSample(t)
	if made != nil {
		sample = append(slices.Clip(sample), made)
	}
	query := q("limit", strconv.Itoa(pageMax), "fields", judgedFields(conds))
	for _, c := range conds {
		query.Add(c.param(), c.value)
	}
	got, ex := t.env.index(t, query)
	for _, c := range conds {
		m, n := count(sample, c)
		t.note("%s: %d of the %d sampled users match, %d do not", c, m, len(sample), n)
	}
	t.note("%d returned", len(got))
	verifyFilter(t, ex, got, sample, conds, pageMax)
	return got
}

func checkOperator(t *checkRun, kind spec.Kind, op spec.Operator) {
	sample := t.env.getSample(t)
	attrs := attributesFor(kind, op)
	c, ok, why := pickCond(t, attrs, op, sample)
	var made map[string]any
	if !ok {
		c, made, ok = t.env.distinctive(t, attrs, op)
	}
	if !ok {
		t.skip("%s", cmp.Or(why, fmt.Sprintf("no user of the sample has a value to test %s on (attributes: %s)", paramShape(op), strings.Join(attrs, ", "))))
	}
	runFilterKnown(t, made, c)
}

func checkAttribute(t *checkRun, attr string) {
	sample := t.env.getSample(t)
	c, ok, why := pickCond(t, []string{attr}, spec.Eq, sample)
	var made map[string]any
	if !ok {
		c, made, ok = t.env.distinctive(t, []string{attr}, spec.Eq)
	}
	if ok {
		runFilterKnown(t, made, c)
		return
	}
	if slices.Contains(theSpec().Filters[attr], spec.Blank) {
		c, _ := newCond(attr, spec.Blank, "true")
		if m, n := count(sample, c); m > 0 && n > 0 {
			runFilter(t, c)
			return
		}
	}
	t.skip("%s%s", cmp.Or(why, fmt.Sprintf("no user of the sample has a %s", attr)), t.env.whyNotMade(theSpec().Element(attr)))
}

// whyNotMade says why the suite did not make the user a skipped filter check needed.
func (e *env) whyNotMade(el *spec.Element) string {
	switch {
	case e.r.s.ReadOnly:
		return "; read-only mode makes no users"
	case el != nil && !el.In:
		return "; " + el.Name + " is output only, so no write can make a user who differs"
	}
	return ""
}

func checkAssociation(t *checkRun, e *spec.Element) {
	sample := t.env.getSample(t)
	attr := e.Name + "[" + associationField(e) + "]"
	c, ok, why := pickCond(t, []string{attr}, spec.Eq, sample)
	var made map[string]any
	if !ok {
		c, made, ok = t.env.distinctiveAssociation(t, e)
	}
	if !ok {
		t.skip("%s%s", cmp.Or(why, fmt.Sprintf("no user of the sample has a %s with a %s", e.Name, associationField(e))), t.env.whyNotMade(e))
	}
	runFilterKnown(t, made, c)
}

func checkUnderscoreNames(t *checkRun) {
	sample := t.env.getSample(t)
	var attrs []string
	for _, attr := range sortedFilters() {
		if strings.Contains(attr, "-") && !strings.Contains(attr, "[") {
			attrs = append(attrs, attr)
		}
	}
	c, ok, why := pickCond(t, attrs, spec.Eq, sample)
	if !ok {
		t.skip("%s", cmp.Or(why, "no user of the sample has a value for a hyphenated attribute"))
	}
	dashed := runFilter(t, c)
	u := c
	u.attr = strings.ReplaceAll(c.attr, "-", "_")
	query := q("limit", strconv.Itoa(pageMax), u.param(), u.value)
	got, ex := t.env.index(t, query)
	if !slices.Equal(ids(got), ids(dashed)) {
		t.failBody(ex, compact(ids(got), 400), "attribute names may be spelt with underscores", refIndex+"/description",
			"%s gave users %v, %s gave %v", u, short(ids(got)), c, short(ids(dashed)))
	}
}

func checkConjunction(t *checkRun) {
	sample := t.env.getSample(t)
	if len(sample) < 3 {
		t.skip("fewer than 3 users")
	}
	target := sample[len(sample)/2]
	login, _ := target["login"].(string)
	id, _ := idOf(target)
	if login == "" {
		t.skip("the sample's users have no login")
	}
	c1, err1 := newCond("login", spec.StartsWith, string([]rune(login)[:1]))
	c2, err2 := newCond("id", spec.LtOrEq, strconv.FormatInt(id, 10))
	if err1 != nil || err2 != nil {
		t.skip("the spec does not let login[starts_with] and id[lt_or_eq] filter")
	}
	runFilter(t, c1, c2)
}

package query

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/coupa-kit/coupa-users/internal/bounds"
	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/spec"
)

// The page size Coupa documents: 50 by default and at most.
const (
	DefaultLimit = spec.PageSize
	MaxLimit     = spec.PageSize
)

// ignored are the parameters real clients send harmlessly and Coupa evidently ignores: `_` is the cache-buster
// jQuery and similar libraries append (`_=1700000000000`). Everything else that is neither reserved nor a filter is an
// error, so that a misspelt filter cannot silently widen a result.
var ignored = map[string]bool{"_": true}

// shapeParams are the reserved parameters ParseShape reads: what to render rather than what to match.
var shapeParams = map[string]bool{"fields": true, "filter": true, "return_object": true}

// Options are the choices the notes leave open and the fake exposes as configuration.
type Options struct {
	// RejectOverLimit makes `limit` above MaxLimit an error rather than clamping it to MaxLimit (what Coupa does
	// beyond 50 is unknown; clients clamp themselves).
	RejectOverLimit bool
	// StrictFields makes an unknown or never-returned name in `fields` an error. By default it is ignored: Rails'
	// serialisation skips names a model lacks, and clients send lists written for other releases.
	StrictFields bool
	// Filters are the response filters `filter=<name>` names; nil means none is defined, so that every name is
	// unknown.
	Filters *ResponseFilters
}

// Query is a parsed index request: what to match, which page, in what order, and how much of each user to render.
type Query struct {
	// Conditions all hold for a user to match, in the order of their parameters' names (so errors and plans are
	// deterministic whatever the order of the URL).
	Conditions []Condition
	Limit      int
	Offset     int
	// OrderBy is a scalar element returned to clients; id unless `order_by` says otherwise.
	OrderBy *spec.Element
	// Desc is `dir=desc`. Ties are always broken by ascending id, whatever the direction.
	Desc bool
	// Shape is what `fields`, `filter` and `return_object` ask to render.
	Shape
}

// Condition is one filter. Element and Field keep the spec's view so that execution and error messages need no
// second lookup; Values are already parsed by type, so a bad value fails at parse time, never mid-scan.
type Condition struct {
	// Param is the parameter as the client sent it ("updated_at[gt]"), for messages.
	Param string
	// Element is the user's element ("login", "manager", "roles"; "active" for `status`).
	Element *spec.Element
	// Field is the associated object's field for `assoc[field]...`; nil when the condition is on Element itself
	// (for an association, only `assoc[blank]` is).
	Field *spec.Field
	// Op is spec.Eq for `attr=value` and `status`.
	Op spec.Operator
	// Values holds what the operator's value form says: one value, several for a list (in, not_in), a bool for
	// blank. Their types follow the kind of the attribute: string, int64, bool, time.Time (UTC, to the microsecond)
	// or *big.Rat (decimal).
	Values []any
}

// Kind is the data type the condition compares: the field's for `assoc[field]`, the element's otherwise.
func (c *Condition) Kind() spec.Kind {
	if c.Field != nil {
		return c.Field.Kind
	}
	return c.Element.Kind
}

// Parse reads an index query string with the default Options.
func Parse(values url.Values, s *spec.Spec) (*Query, error) { return Options{}.Parse(values, s) }

// Parse reads an index query string. Every mistake is an *Error naming the parameter, so that a misspelt filter
// fails loudly instead of widening the result; the one parameter tolerated besides the reserved ones and filters is
// `_`, the cache-buster some HTTP libraries append. A filter parameter given more than once yields one condition per
// value, all of which must hold (`id[not_eq]=1&id[not_eq]=2`); a reserved parameter (limit, offset, order_by, dir,
// status, fields, filter, return_object) given more than once must repeat the same value. Parameters are read in the order
// of their names, so the first error reported does not depend on the URL's order.
func (o Options) Parse(values url.Values, s *spec.Spec) (*Query, error) {
	q := &Query{Limit: DefaultLimit, OrderBy: s.Element("id")}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		vals := values[key]
		if len(vals) == 0 || ignored[key] || shapeParams[key] {
			continue
		}
		var err error
		switch key {
		case "limit":
			err = o.parseLimit(q, vals)
		case "offset":
			err = parseOffset(q, vals)
		case "order_by":
			err = parseOrderBy(q, vals, s)
		case "dir":
			err = parseDir(q, vals)
		case "status":
			err = parseStatus(q, vals, s)
		default:
			for _, v := range vals {
				var c Condition
				if c, err = parseFilter(key, v, s); err != nil {
					break
				}
				q.Conditions = append(q.Conditions, c)
			}
			if err == nil && len(q.Conditions) > bounds.MaxConditions {
				err = errorf(key, "%s", problem.TooManyConditions(bounds.MaxConditions))
			}
		}
		if err != nil {
			return nil, err
		}
	}
	shape, err := o.ParseShape(values, s, false)
	if err != nil {
		return nil, err
	}
	q.Shape = shape
	return q, nil
}

// single returns the value of a reserved parameter, which may be repeated only with the same value.
func single(key string, vals []string) (string, error) {
	for _, v := range vals[1:] {
		if v != vals[0] {
			return "", errorf(key, "Parameter '%s' is given %d times with different values; give it once", key, len(vals))
		}
	}
	return vals[0], nil
}

func (o Options) parseLimit(q *Query, vals []string) error {
	v, err := single("limit", vals)
	if err != nil {
		return err
	}
	bad := errorf("limit", "limit must be an integer between 1 and %d", MaxLimit)
	n, perr := strconv.ParseInt(v, 10, 64)
	switch {
	case errors.Is(perr, strconv.ErrRange) && !strings.HasPrefix(v, "-"):
		n = MaxLimit + 1 // a huge positive number is still "above 50"
	case perr != nil || n < 1:
		return bad
	}
	if n > MaxLimit {
		if o.RejectOverLimit {
			return bad
		}
		n = MaxLimit
	}
	q.Limit = int(n)
	return nil
}

func parseOffset(q *Query, vals []string) error {
	v, err := single("offset", vals)
	if err != nil {
		return err
	}
	n, perr := strconv.ParseInt(v, 10, 0)
	if perr != nil || n < 0 {
		return errorf("offset", "offset must be an integer of at least 0")
	}
	q.Offset = int(n)
	return nil
}

func parseOrderBy(q *Query, vals []string, s *spec.Spec) error {
	v, err := single("order_by", vals)
	if err != nil {
		return err
	}
	if err := checkLength("order_by", v, spec.MaxNameParamLength); err != nil {
		return err
	}
	e := s.Element(v)
	switch {
	case e == nil:
		return errorf("order_by", "Unknown attribute %s in 'order_by'", quote(v))
	case !e.Out:
		return errorf("order_by", "Cannot order by '%s': it is never returned", e.Name)
	case e.Kind == spec.KindObject:
		return errorf("order_by", "Cannot order by '%s': it is an association; order by one of the user's own attributes", e.Name)
	}
	q.OrderBy = e
	return nil
}

func parseDir(q *Query, vals []string) error {
	v, err := single("dir", vals)
	if err != nil {
		return err
	}
	// SQL keywords: any case.
	switch strings.ToLower(v) {
	case "asc":
		q.Desc = false
	case "desc":
		q.Desc = true
	default:
		return errorf("dir", "dir must be asc or desc, not %s", quote(v))
	}
	return nil
}

func parseStatus(q *Query, vals []string, s *spec.Spec) error {
	v, err := single("status", vals)
	if err != nil {
		return err
	}
	active := s.Element("active")
	if active == nil {
		return errorf("status", "status cannot be used: the spec has no 'active' element")
	}
	var want bool
	switch v {
	case "active":
		want = true
	case "inactive":
	default:
		return errorf("status", "status must be active or inactive, not %s", quote(v))
	}
	q.Conditions = append(q.Conditions, Condition{Param: "status", Element: active, Op: spec.Eq, Values: []any{want}})
	return nil
}

// splitKey splits `manager[login][starts_with]` into "manager" and ["login", "starts_with"]. ok is false for keys
// Rails would read differently or not at all (`a[]`, `a[b`, `a]b`, `a[b]c`, an empty name).
func splitKey(key string) (name string, segs []string, ok bool) {
	i := strings.IndexByte(key, '[')
	if i < 0 {
		return key, nil, key != "" && !strings.Contains(key, "]")
	}
	name, rest := key[:i], key[i:]
	if name == "" || strings.Contains(name, "]") {
		return "", nil, false
	}
	for rest != "" {
		end := strings.IndexByte(rest, ']')
		if rest[0] != '[' || end < 2 || strings.Contains(rest[1:end], "[") {
			return "", nil, false
		}
		segs = append(segs, rest[1:end])
		rest = rest[end+1:]
	}
	return name, segs, true
}

// parseFilter reads one filter parameter and its value.
func parseFilter(key, raw string, s *spec.Spec) (Condition, error) {
	name, segs, ok := splitKey(key)
	if !ok {
		return Condition{}, errorf(key, "Malformed parameter %s; filters are written attribute=value, "+
			"attribute[operator]=value or association[field][operator]=value", quote(key))
	}
	e := s.Element(name)
	if e == nil {
		return Condition{}, errorf(key, "Unknown attribute %s in filter %s", quote(name), quote(key))
	}
	c := Condition{Param: key, Element: e, Op: spec.Eq}
	if e.Kind == spec.KindObject {
		if err := parseAssociation(&c, segs, s); err != nil {
			return Condition{}, err
		}
	} else {
		ops, filterable := s.Filters[e.Name]
		if !filterable {
			return Condition{}, errorf(key, "Attribute '%s' cannot be used in a filter", e.Name)
		}
		switch len(segs) {
		case 0:
		case 1:
			op, err := operator(key, e.Name, e.Kind, segs[0], ops)
			if err != nil {
				return Condition{}, err
			}
			c.Op = op
		default:
			return Condition{}, errorf(key, "'%s' is not an association: write %s=value or %s[operator]=value",
				e.Name, name, name)
		}
	}
	if err := checkLength(key, raw, bounds.MaxFilterValue); err != nil {
		return Condition{}, err
	}
	vals, err := parseValues(key, c.Kind(), c.Op, raw)
	if err != nil {
		return Condition{}, err
	}
	c.Values = vals
	return c, nil
}

// parseAssociation reads the brackets after an association: `[field]`, `[field][operator]` or `[blank]`.
func parseAssociation(c *Condition, segs []string, s *spec.Spec) error {
	e, key := c.Element, c.Param
	ob := s.Objects[e.Object]
	fields := filterableFields(s, e)
	if ob == nil || len(fields) == 0 {
		return errorf(key, "Attribute '%s' cannot be used in a filter", e.Name)
	}
	if len(segs) == 0 || len(segs) > 2 {
		return errorf(key, "A filter on the association '%s' names one of its fields, as in %s[%s]=value or "+
			"%s[%s][operator]=value (fields: %s)", e.Name, e.Name, fields[0], e.Name, fields[0], strings.Join(fields, ", "))
	}
	f := ob.Field(segs[0])
	if f == nil {
		op, isOp := spec.ParseOperator(segs[0])
		if isOp && len(segs) == 1 && op.AppliesTo(spec.KindObject) {
			c.Op = op
			return nil
		}
		if isOp {
			return errorf(key, "Operator '%s' needs a field of '%s', as in %s[%s][%s]=value",
				segs[0], e.Name, e.Name, fields[0], segs[0])
		}
		return errorf(key, "Unknown field %s of '%s' in filter %s; use one of %s",
			quote(segs[0]), e.Name, quote(key), strings.Join(fields, ", "))
	}
	attr := e.Name + "[" + f.Name + "]"
	ops, filterable := s.Filters[attr]
	if !filterable {
		return errorf(key, "Field '%s' of '%s' cannot be used in a filter; use one of %s",
			f.Name, e.Name, strings.Join(fields, ", "))
	}
	c.Field = f
	if len(segs) == 2 {
		op, err := operator(key, attr, f.Kind, segs[1], ops)
		if err != nil {
			return err
		}
		c.Op = op
	}
	return nil
}

// filterableFields lists the fields of an association that the spec lets clients filter on, natural keys first (they
// make the best examples in messages).
func filterableFields(s *spec.Spec, e *spec.Element) []string {
	ob := s.Objects[e.Object]
	if ob == nil {
		return nil
	}
	var out []string
	for _, k := range ob.NaturalKeys {
		if _, ok := s.Filters[e.Name+"["+k+"]"]; ok {
			out = append(out, k)
		}
	}
	for _, f := range ob.Fields {
		if _, ok := s.Filters[e.Name+"["+f.Name+"]"]; ok && !slices.Contains(out, f.Name) {
			out = append(out, f.Name)
		}
	}
	return out
}

// operator checks an operator against the ones the spec lists for the attribute.
func operator(key, attr string, kind spec.Kind, seg string, allowed []spec.Operator) (spec.Operator, error) {
	use := "only the exact match applies (" + attr + "=value)"
	if len(allowed) > 0 {
		spellings := make([]string, len(allowed))
		for i, op := range allowed {
			spellings[i] = op.Spelling()
		}
		use = "use one of " + strings.Join(spellings, ", ")
	}
	op, known := spec.ParseOperator(seg)
	if !known {
		return "", errorf(key, "Unknown operator %s for '%s'; %s", quote(seg), attr, use)
	}
	if !slices.Contains(allowed, op) {
		return "", errorf(key, "Operator '%s' does not apply to '%s' (%s); %s", seg, attr, kind, use)
	}
	return op, nil
}

// checkLength refuses a parameter's value longer than max characters (counted only when its bytes could be).
func checkLength(param, v string, max int) error {
	if len(v) > max && utf8.RuneCountInString(v) > max {
		return errorf(param, "%s", problem.ParamTooLong(param, max))
	}
	return nil
}

// quote puts a client's text in single quotes for a message, cut short when long (problem.Short).
func quote(s string) string { return "'" + problem.Short(s) + "'" }

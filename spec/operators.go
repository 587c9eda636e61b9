package spec

import "slices"

// Operator is a filter operator of Coupa's query language. Its value is its name, which is also how URLs spell it
// (`attr[starts_with]=j`), except for Eq: the exact match is written without brackets (`attr=value`).
//
// The operators table below is their one definition: the generator writes x-coupa-filters from it, the fake parses
// URLs by it and the contract suite must judge every operator it lists. Whatever the operator, a null matches nothing
// but Blank.
type Operator string

// The operators, in the table's order.
const (
	Eq         Operator = "eq"
	Contains   Operator = "contains"
	StartsWith Operator = "starts_with"
	EndsWith   Operator = "ends_with"
	NotEq      Operator = "not_eq"
	Gt         Operator = "gt"
	Lt         Operator = "lt"
	GtOrEq     Operator = "gt_or_eq"
	LtOrEq     Operator = "lt_or_eq"
	In         Operator = "in"
	NotIn      Operator = "not_in"
	Blank      Operator = "blank"
)

// ValueForm is what an operator's URL value holds.
type ValueForm int

// The forms of an operator's value.
const (
	OneValue  ValueForm = iota + 1 // one value of the attribute's kind
	ListValue                      // values of the attribute's kind, comma-separated (`id[in]=1,2`)
	BoolValue                      // true or false, whatever the attribute's kind (`middlename[blank]=true`)
)

type operatorInfo struct {
	op       Operator
	spelling string // "" for the exact match
	kinds    []Kind
	value    ValueForm
	doc      string
}

// Text operators make no sense on numbers, dates or booleans; booleans are not ordered; a list of datetimes is not
// something Coupa documents.
var (
	scalarKinds  = []Kind{KindString, KindInteger, KindDecimal, KindBoolean, KindDateTime}
	orderedKinds = []Kind{KindString, KindInteger, KindDecimal, KindDateTime}
	listKinds    = []Kind{KindString, KindInteger, KindDecimal}
	textKinds    = []Kind{KindString}
	anyKind      = []Kind{KindString, KindInteger, KindDecimal, KindBoolean, KindDateTime, KindObject}
)

// operators is in the order x-coupa-filters lists the operators of an attribute.
var operators = []operatorInfo{
	{Eq, "", scalarKinds, OneValue, "equals the value"},
	{Contains, "contains", textKinds, OneValue, "contains the value"},
	{StartsWith, "starts_with", textKinds, OneValue, "starts with the value"},
	{EndsWith, "ends_with", textKinds, OneValue, "ends with the value"},
	{NotEq, "not_eq", scalarKinds, OneValue, "differs from the value"},
	{Gt, "gt", orderedKinds, OneValue, "is greater than the value"},
	{Lt, "lt", orderedKinds, OneValue, "is less than the value"},
	{GtOrEq, "gt_or_eq", orderedKinds, OneValue, "is greater than or equal to the value"},
	{LtOrEq, "lt_or_eq", orderedKinds, OneValue, "is less than or equal to the value"},
	{In, "in", listKinds, ListValue, "equals one of the values"},
	{NotIn, "not_in", listKinds, ListValue, "equals none of the values"},
	// An association is blank when it is absent or an empty list (`roles[blank]=true`).
	{Blank, "blank", anyKind, BoolValue, "true: is null or empty; false: has a value"},
}

// operatorInfos and bySpelling index the table: parsing a URL looks an operator up per filter.
var (
	operatorInfos = func() map[Operator]*operatorInfo {
		m := map[Operator]*operatorInfo{}
		for i := range operators {
			m[operators[i].op] = &operators[i]
		}
		return m
	}()
	bySpelling = func() map[string]Operator {
		m := map[string]Operator{}
		for _, o := range operators {
			if o.spelling != "" {
				m[o.spelling] = o.op
			}
		}
		return m
	}()
)

// Operators returns every operator in the table's order, Eq first.
func Operators() []Operator {
	out := make([]Operator, len(operators))
	for i, o := range operators {
		out[i] = o.op
	}
	return out
}

// OperatorsFor returns the operators that apply to a kind, Eq included where it applies, in the table's order.
func OperatorsFor(kind Kind) []Operator {
	var out []Operator
	for _, o := range operators {
		if o.op.AppliesTo(kind) {
			out = append(out, o.op)
		}
	}
	return out
}

// ParseOperator reads an operator as a URL spells it between brackets. Eq has no spelling: `attr[eq]=x` is not
// Coupa's.
func ParseOperator(spelling string) (Operator, bool) {
	op, ok := bySpelling[spelling]
	return op, ok
}

// Spelling is how a URL writes the operator between brackets; "" for Eq and for an operator not in the table.
func (op Operator) Spelling() string {
	if o := operatorInfos[op]; o != nil {
		return o.spelling
	}
	return ""
}

// Kinds returns the kinds of attribute the operator applies to.
func (op Operator) Kinds() []Kind {
	if o := operatorInfos[op]; o != nil {
		return slices.Clone(o.kinds)
	}
	return nil
}

// AppliesTo reports whether the operator applies to attributes of a kind.
func (op Operator) AppliesTo(kind Kind) bool {
	o := operatorInfos[op]
	return o != nil && slices.Contains(o.kinds, kind)
}

// Value is the form of the operator's value; 0 for an operator not in the table.
func (op Operator) Value() ValueForm {
	if o := operatorInfos[op]; o != nil {
		return o.value
	}
	return 0
}

// Doc says what the operator matches: the attribute's value "contains the value" the URL gives.
func (op Operator) Doc() string {
	if o := operatorInfos[op]; o != nil {
		return o.doc
	}
	return ""
}

package query

// Catalog is the reference data users point at (roles, currencies, departments...), as the query engine needs it
// to resolve a filter such as `roles[name]=Buyer` into the ids of the matching roles before scanning users, the way
// SQL would join. object is the spec's schema name ("Role", "Currency"); field returns a field's value by its
// hyphenated name as string, int64, float64 (or a string, for money), bool, time.Time or nil, with ok false for a
// field the object lacks (read as null). Each stops when fn returns false. internal/catalog.Catalog implements it.
type Catalog interface {
	Each(object string, fn func(id int64, field func(name string) (any, bool)) bool)
}

package spec

// The longest values of the index's reserved string parameters, in characters: the maxLength the generated
// document declares for them, and the fake enforces.
const (
	// MaxFieldsLength bounds `fields`, a JSON list: room for every element, nested lists of every association
	// included.
	MaxFieldsLength = 4096
	// MaxNameParamLength bounds `order_by` and `filter`, which name one thing: a Rails string column.
	MaxNameParamLength = 255
)

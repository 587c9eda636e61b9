package spec

// The longest values of the index's reserved string parameters, in characters: the maxLength the generated
// document declares for them, and the fake enforces.
const (
	// PageSize is the most users a page holds, and the page size when `limit` is absent: a larger limit is taken
	// as PageSize (Coupa's clients clamp to it; what Coupa does above it is not published).
	PageSize = 50
	// MaxFieldsLength bounds `fields`, a JSON list: room for every element, nested lists of every association
	// included.
	MaxFieldsLength = 4096
	// MaxNameParamLength bounds `order_by` and `filter`, which name one thing: a Rails string column.
	MaxNameParamLength = 255
)

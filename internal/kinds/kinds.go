// Package kinds defines, once for each scalar element kind (string, integer, boolean, datetime, decimal), what a
// value of that kind is to the fake: how a request's value is cast, as Rails casts input into a column; how a query
// string's value reads; how a loosely typed value (catalog and owned objects, state files) reads; where it lives in
// a record; and how Coupa writes it. The write pipeline (package users), the query engine, the renderer and the
// state file ask here rather than switching on spec.Kind each in their own way.
//
// Associations (spec.KindObject) are not values of a kind: they resolve against the catalogue, which package users
// does.
package kinds

import (
	"time"

	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// Kind is the behaviour of the values of one scalar kind.
type Kind interface {
	// Cast reads a value decoded from a request body (JSON or XML decode to the same data model: string, float64,
	// bool, []any, map[string]any; never nil) as Rails casts input for el's column. A value it cannot take gives
	// the code of Coupa's message for it; 0 when it is valid.
	Cast(el *spec.Element, v any) (Value, problem.Code)
	// Literal reads a value written in a query string: a string, int64, bool, time.Time or *big.Rat.
	Literal(raw string) (any, bool)
	// Noun names the kind and Usage says how to write a literal of it, for the message that refuses one ("" for
	// strings, which are never refused).
	Noun() string
	Usage() string
	// Loose reads a loosely typed value, as catalog objects, owned objects and state files hold them: the Go
	// types decoders give (string, int64, int, float64, json.Number, bool, time.Time) or the kind's Text. ok is
	// false for null or a value of another type.
	Loose(v any) (Value, bool)
	// Number is the integer a value orders by, for the kinds that order as integers: integers themselves,
	// booleans as 0 and 1, datetimes as Unix microseconds. ok is false for strings and decimals.
	Number(v Value) (n int64, ok bool)
	// Set stores v in slot s of r; Get reads it back.
	Set(r *store.Record, s store.Slot, v Value)
	Get(r *store.Record, s store.Slot) Value
	// Text is v as Coupa writes it in JSON and XML; loc is the zone datetimes are written in.
	Text(v Value, loc *time.Location) string
	// Plain is v as a JSON-native Go value (string, int64, bool; a datetime as RFC 3339 text in UTC), as state
	// files and the admin dump hold it; Loose reads it back.
	Plain(v Value) any
	// Native is v as the loosely typed value an owned object's field holds (string, int64, bool, time.Time; a
	// decimal's text); Loose reads it back.
	Native(v Value) any
}

// Value is one value of a scalar kind; the kind says which field holds it.
type Value struct {
	// Null is a value that cast to null: Rails casts a blank string to nil for every kind but strings.
	Null bool
	Str  string    // strings; decimals in Coupa's text ("1000.00")
	Int  int64     // integers
	Bool bool      // booleans
	Time time.Time // datetimes
}

var byKind = [...]Kind{
	spec.KindString:   String{},
	spec.KindInteger:  Integer{},
	spec.KindBoolean:  Boolean{},
	spec.KindDateTime: DateTime{},
	spec.KindDecimal:  Decimal{},
}

// Of returns the behaviour of kind; ok is false for associations (spec.KindObject) and unknown kinds.
func Of(kind spec.Kind) (k Kind, ok bool) {
	if int(kind) < 0 || int(kind) >= len(byKind) || byKind[kind] == nil {
		return nil, false
	}
	return byKind[kind], true
}

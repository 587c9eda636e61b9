package graphql

import (
	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/coupa-kit/coupa-users/spec"
)

// scalars are the GraphQL types of the spec's scalar kinds. Datetimes and money keep the REST API's text (whole
// seconds with a zone; a decimal string, never a float), so that both APIs show the same values.
var scalars = map[spec.Kind]gql.Output{
	spec.KindString:   gql.String,
	spec.KindInteger:  gql.Int,
	spec.KindBoolean:  gql.Boolean,
	spec.KindDateTime: DateTime,
	spec.KindDecimal:  Decimal,
}

// DateTime is a datetime as the REST API writes it: ISO 8601, whole seconds, `Z` in UTC or an offset.
var DateTime = textScalar("DateTime", "An ISO 8601 datetime in whole seconds, as the REST API writes it (2024-05-01T12:00:00Z).")

// Decimal is an amount of money as the REST API writes it: a decimal string, so that no digit is lost to a float.
var Decimal = textScalar("Decimal", "A decimal number as a string (\"1000.00\"), as the REST API writes money.")

// JSON is any JSON value: the tenant's custom fields, whose names and types each tenant defines.
var JSON = gql.NewScalar(gql.ScalarConfig{
	Name:         "JSON",
	Description:  "Any JSON value: the tenant's custom fields, by name, as the REST API's custom-fields object.",
	Serialize:    func(v any) any { return v },
	ParseValue:   func(v any) any { return v },
	ParseLiteral: func(ast.Value) any { return nil }, // output only: no argument takes it
})

// textScalar is an output scalar whose values are the REST API's text.
func textScalar(name, description string) *gql.Scalar {
	text := func(v any) any {
		if s, ok := v.(string); ok {
			return s
		}
		return nil
	}
	return gql.NewScalar(gql.ScalarConfig{
		Name:        name,
		Description: description,
		Serialize:   text,
		ParseValue:  text,
		ParseLiteral: func(v ast.Value) any {
			if s, ok := v.(*ast.StringValue); ok {
				return s.Value
			}
			return nil
		},
	})
}

package graphql

import (
	"fmt"
	"regexp"
	"strings"
)

// FieldName is the GraphQL name of an element or an object's field: its hyphenated name in lower camel case
// ("employee-number" is "employeeNumber", "segment-1" is "segment1"), as Coupa's GraphQL names fields.
func FieldName(element string) string {
	parts := strings.FieldsFunc(element, func(r rune) bool { return r == '-' || r == '_' })
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
	}
	return strings.Join(parts, "")
}

// validName is GraphQL's Name production; names starting with "__" are reserved for introspection.
var validName = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]*$`)

// checkName refuses a name GraphQL cannot carry, so that an element the table gains with an odd name fails at
// start-up, naming it, rather than producing a schema the library rejects obscurely.
func checkName(name, of string) error {
	if !validName.MatchString(name) || strings.HasPrefix(name, "__") {
		return fmt.Errorf("graphql: %s: %q is not a GraphQL name", of, name)
	}
	return nil
}

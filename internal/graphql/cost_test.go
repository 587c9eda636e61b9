package graphql

import (
	"fmt"
	"strings"
	"testing"

	"github.com/graphql-go/graphql/language/parser"

	"github.com/coupa-kit/coupa-users/internal/bounds"
	"github.com/coupa-kit/coupa-users/internal/problem"
)

// introspection is GraphiQL's schema query (graphql-js's getIntrospectionQuery, without the options this library
// predates): what Coupa's "Introducing GraphQL" page has its users run.
const introspection = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}`

func cost(t *testing.T, q string) error {
	t.Helper()
	if err := checkText(q); err != nil {
		return err
	}
	doc, err := parser.Parse(parser.ParseParams{Source: q})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return checkCost(doc)
}

func TestCostLetsRealQueriesThrough(t *testing.T) {
	for name, q := range map[string]string{
		"baton-coupa":   `query getUsers{ users(query: "id[gt]=50&type[blank]=true") { id email fullname active } }`,
		"introspection": introspection,
		"everything":    `{ users { id roles { id createdBy { login customFields } } defaultAccount { accountType { currency { code } } } } }`,
		"ten fetches":   "{ " + fetches(MaxFetches) + " }",
	} {
		if err := cost(t, q); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func fetches(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "u%d: users { id } ", i)
	}
	return b.String()
}

func TestCostRefusesHostileQueries(t *testing.T) {
	// A fragment spreading the next one twice, 30 times over: 2^30 selections as an executor would meet them.
	var bomb strings.Builder
	bomb.WriteString("{ users { ...F0 } }\n")
	for i := range 30 {
		fmt.Fprintf(&bomb, "fragment F%d on User { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	bomb.WriteString("fragment F30 on User { id }\n")
	deep := "{ users " + strings.Repeat("{ roles ", MaxDepth) + "{ id" + strings.Repeat(" }", MaxDepth+2)
	for name, c := range map[string]struct{ query, want string }{
		"fragment bomb":  {bomb.String(), problem.TooManySelections(MaxSelections)},
		"wide":           {"{ users { " + strings.Repeat("id ", MaxSelections) + "} }", problem.TooManySelections(MaxSelections)},
		"deep fields":    {deep, problem.TooDeep("The query", MaxDepth)},
		"deep brackets":  {strings.Repeat("{", bounds.MaxDepth+1), problem.TooDeep("The query", bounds.MaxDepth)},
		"deep lists":     {`{ users(query: ` + strings.Repeat("[", bounds.MaxDepth+1) + `) { id } }`, problem.TooDeep("The query", bounds.MaxDepth)},
		"too many users": {"{ " + fetches(MaxFetches+1) + " }", problem.TooManyFetches(MaxFetches)},
		"fetches by fragment": {"{ ...Q ...Q2 } fragment Q on Query { " + fetches(MaxFetches) + " } fragment Q2 on Query { user(id: 1) { id } }",
			problem.TooManyFetches(MaxFetches)},
		"long": {"{ users { id } }" + strings.Repeat(" ", MaxQueryBytes), problem.QueryTooLong(MaxQueryBytes)},
	} {
		if err := cost(t, c.query); err == nil || err.Error() != c.want {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

// TestCostTextSkipsStringsAndComments: brackets inside strings, block strings and comments are not nesting, and
// none outside them escapes the count.
func TestCostTextSkipsStringsAndComments(t *testing.T) {
	deep := strings.Repeat("{[(", bounds.MaxDepth)
	for _, q := range []string{
		`{ users(query: "` + deep + `\"` + deep + `") { id } } # ` + deep + "\n",
		`{ users(query: """` + deep + ` " \""" ` + deep + `""") { id } }`,
	} {
		if err := checkText(q); err != nil {
			t.Errorf("%.60s: %v", q, err)
		}
	}
	for _, q := range []string{
		`{ users(query: """x " """) ` + deep,
		`{ users(query: "x \\") ` + deep,
		"# a comment\n" + deep,
		`{ users(query: "unterminated` + "\n" + deep,
	} {
		if err := checkText(q); err == nil {
			t.Errorf("%.60s: passes, want too deep", q)
		}
	}
}

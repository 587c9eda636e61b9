// Package graphql is Coupa's GraphQL API (`POST /api/graphql`) over the users, without the HTTP: a schema built at
// start-up from the element table (package spec), so that a change of the table changes the GraphQL schema with the
// OpenAPI document, the two queries Coupa documents for an object (`users(query: "...")` and `user(id: ...)`), and
// the limits that keep a hostile query cheap.
//
// It knows nothing of storage or rendering: a Source runs Coupa's REST query syntax through the same query engine
// as GET /api/users and hands back users as the REST API's JSON renders them. Field names are the elements' names
// in lower camel case (`employee-number` is `employeeNumber`), as Coupa's "Introducing GraphQL" page names its
// queries and `customFields`.
package graphql

// Package contract is the contract suite of coupa-users: it checks an implementation of Coupa's Users API (a Coupa
// tenant, the fake, a team's own server or stub) against the spec, over HTTP, in JSON and in Rails-style XML.
//
// Where it sits: package spec is the single source of truth; package fake implements it and package contract checks
// implementations of it. Both read spec (and internal/railsxml for the XML data model); fake and contract never
// import each other. The command `coupa-users check` is a thin shell over Run, and package contracttest runs the
// suite inside a team's own `go test`.
//
// The checks are derived from the spec: the element table (spec.Elements) gives one check per required, unique,
// length-limited and enumerated element; the filter table (spec.Filters) gives one check per operator and attribute
// type and one per filterable attribute and association; every response any check receives is validated against the
// OpenAPI document with kin-openapi's openapi3filter, XML bodies included (decoded into the JSON data model by
// internal/railsxml). Change the element table and the checks change with it.
//
// The suite is safe against live tenants: in read-only mode it sends nothing but GET requests (and the OAuth token
// request); in write mode everything it creates carries a run-unique prefix, is deactivated at the end (even when
// checks fail or the run is interrupted) and is listed in the report; requests are paced by a token bucket under
// Coupa's rate limit, and a 429 is retried with backoff rather than reported.
package contract

// Package query is the fake's index operation (`GET /api/users?...`) without the HTTP: it turns a query string into
// a Query, checked against the spec so that every mistake a client can make gets a clear 400 rather than a silently
// wrong page, and runs it against a store.Store the way Coupa's MySQL would (case-insensitive comparisons, SQL null
// semantics, joins on associations). Package fake wires it to the router, the renderer and the catalog; the same
// `fields`/`filter`/`return_object` parsing (ParseShape) serves show, create and update; `filter` names one of
// a set of ResponseFilters, each a name for a `fields` projection.
//
// The package reads the spec for everything it accepts: a filter is valid exactly when spec.Spec.Filters lists the
// attribute and the operator, so an element added to the table becomes filterable without touching this code.
package query

// Package spec is the single source of truth of coupa-users: the OpenAPI 3 document of Coupa's Users API,
// generated from the curated element table (elements.yaml) and embedded in the binary, and a typed view of its
// elements and associated objects. The fake and the contract suite both read it; it imports neither.
package spec

// Package snapshot reads a Coupa tenant's users into a fixture file that `coupa-users serve --fixtures` loads, with
// every personal element pseudonymised before anything is written.
//
// Safety is by construction rather than by care: the only HTTP client used (readonly.Client) can send GET
// requests and the OAuth token request, nothing else; the users read go through fixtures.User (Coupa's request
// form, which drops ids, derived values and nested copies of other users) and then through the scrubber, whose
// list of personal elements is the element table's `personal` column (spec.Element.Personal).
package snapshot

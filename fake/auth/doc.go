// Package auth is the credential side of the Coupa Users API fake: it runs the
// OAuth 2.0 client-credentials token endpoint and decides who is calling each
// API request.
//
// The fake (package fake and its cmd) owns routing, error bodies and the
// controllable clock; this package owns only the security decisions so that
// they can be tested on their own and kept free of the fake's HTTP conventions:
//
//   - [Service.TokenHandler] is mounted by the fake at POST /oauth2/token and
//     POST /oauth2/access_tokens (the tokenUrl of Coupa's R35–R39 Swagger). It is
//     the only piece of this package that mirrors Coupa's published contract
//     (RFC 6749 client credentials, JSON token responses, RFC 6749 §5.2 errors).
//   - [Service.Authenticate] turns an API request's "Authorization: Bearer" or
//     legacy "X-COUPA-API-KEY" header into a [Principal], and [Authorize] checks
//     a principal against the scope an operation needs. Their errors are
//     sentinel values ([ErrNoCredentials], [ErrInvalidToken], ...) rather than
//     HTTP responses, because the status and body the fake returns are partly
//     unknown for real Coupa and must stay configurable there; [Challenge] and
//     [Service.StatusCode] supply the RFC 6750 pieces that are not in doubt.
//
// Everything else here (the JWT claim layout, the token cache, the config file
// and flag formats) is an implementation choice of the fake, not part of the
// Coupa specification: clients must treat access tokens as opaque strings.
//
// The package keeps no package-level mutable state; each [Service] is
// independent, so tests can run many fakes side by side.
package auth

package spec

// Coupa's doors besides the REST paths the OpenAPI document describes, which the fake serves and the suite knocks
// on.
const (
	// GraphQLPath is Coupa's GraphQL endpoint ("Introducing GraphQL": the instance URL with /api/graphql), POST only.
	GraphQLPath = "/api/graphql"
	// AuthorizePath is the authorization endpoint of the authorization-code flow (OpenID Connect Clients).
	AuthorizePath = "/oauth2/authorizations/new"
	// DiscoveryPath is OpenID Connect Discovery's document.
	DiscoveryPath = "/.well-known/openid-configuration"
)

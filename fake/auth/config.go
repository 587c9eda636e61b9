package auth

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coupa-kit/coupa-users/spec"
)

// The scopes the Users API requires. They are constants because both the
// fake's router and its tests must spell them exactly as Coupa does; every
// other scope of Coupa's catalogue ([spec.Scopes]) can be granted and asked
// for, but no route needs it.
const (
	// ScopeRead lets a client list and show users (GET /api/users...).
	ScopeRead = spec.ScopeRead
	// ScopeWrite lets a client create and update users (POST, PUT, PATCH).
	ScopeWrite = spec.ScopeWrite
)

// Defaults used by [DefaultConfig] and by [New] for zero fields. They are
// exported so that documentation, examples and contract tests can refer to
// the credentials a freshly started fake accepts without repeating literals.
const (
	// DefaultClientID is the full-access client of [DefaultConfig]: it
	// holds every known scope.
	DefaultClientID = "coupa-fake-client"
	// DefaultClientSecret is the secret of [DefaultClientID].
	DefaultClientSecret = "coupa-fake-secret"
	// DefaultReaderID is the read-only client of [DefaultConfig], there so
	// that scope enforcement can be exercised without extra configuration:
	// it holds every known scope but ScopeWrite.
	DefaultReaderID = "coupa-fake-reader"
	// DefaultReaderSecret is the secret of [DefaultReaderID].
	DefaultReaderSecret = "coupa-fake-reader-secret"
	// DefaultAPIKey is the legacy X-COUPA-API-KEY of [DefaultConfig]; it has
	// the 40-alphanumeric shape of a real Coupa key.
	DefaultAPIKey = "0123456789abcdef0123456789abcdef01234567"
	// DefaultTokenTTL matches Coupa's 24-hour access tokens.
	DefaultTokenTTL = 24 * time.Hour
	// DefaultIssuer is the "iss" claim of tokens when Config.Issuer is empty.
	DefaultIssuer = "coupa-fake"
	// DefaultAudience is the "aud" claim of tokens when Config.Audience is
	// empty.
	DefaultAudience = "coupa-api"
	// DefaultMaxCachedTokens bounds the verified-token cache when
	// Config.MaxCachedTokens is zero.
	DefaultMaxCachedTokens = 10000
	// Realm is the realm of the WWW-Authenticate challenges this package
	// produces, for both the token endpoint (Basic) and the API (Bearer).
	Realm = "coupa"
)

// Client is an OAuth 2.0 client registered with the fake. Scopes is what the
// client may ask for; a token request without a scope parameter receives all
// of them. An empty Scopes means every known scope, so that the short config
// forms ("id:secret", a JSON entry without "scopes") give a usable client.
type Client struct {
	ID     string   `json:"id"`
	Secret string   `json:"secret"`
	Scopes []string `json:"scopes,omitempty"`
	// RedirectURIs are where the authorization-code flow may send the user back (Coupa's "Redirect URIs" setting
	// of a client). Empty means loopback addresses only (http://127.0.0.1, http://[::1] and http://localhost, any
	// port and path), which is what a local app or a test needs; a listed loopback URI matches on any port, as
	// RFC 8252 §7.3 asks of native apps; any other must match exactly.
	RedirectURIs []string `json:"redirect_uris,omitempty"`
}

// APIKey is a legacy X-COUPA-API-KEY credential. Coupa keys are not scoped,
// so an empty Scopes means every known scope; setting Scopes lets tests
// model a key that an administrator restricted.
type APIKey struct {
	Key    string   `json:"key"`
	Scopes []string `json:"scopes,omitempty"`
}

// Config is everything a [Service] needs. Zero fields take the defaults noted
// on each; [DefaultConfig] returns the configuration a fake starts with when
// the operator gives none.
type Config struct {
	// Clients are the OAuth 2.0 clients the token endpoint accepts.
	Clients []Client
	// APIKeys are the legacy keys Authenticate accepts. At least one client
	// or key is required.
	APIKeys []APIKey
	// TokenTTL is how long an access token lives; 0 means DefaultTokenTTL.
	// It must be a whole number of seconds (JWT times are seconds). The
	// token response advertises one second less, as Coupa does (86399).
	TokenTTL time.Duration
	// SigningKey is the HMAC-SHA256 key for tokens. Empty means a random key
	// per Service, which invalidates tokens across restarts; set it to keep
	// tokens valid across restarts of the fake.
	SigningKey []byte
	// Clock is the time source for issuing and expiring tokens; nil means
	// time.Now. The fake passes its controllable clock here.
	Clock func() time.Time
	// KnownScopes is the set of scopes that exist; empty means Coupa's
	// catalogue, [spec.Scopes] (about 150 names, sorted). A token request
	// for any other name is invalid_scope. Its order is the order scopes are
	// listed in responses.
	KnownScopes []string
	// Issuer is the "iss" claim; empty means DefaultIssuer.
	Issuer string
	// Audience is the "aud" claim; empty means DefaultAudience.
	Audience string
	// InsufficientScopeStatus is the HTTP status [Service.StatusCode] gives
	// an [ErrInsufficientScope]: 403 (the default, RFC 6750) or 401, since
	// what Coupa answers is unknown.
	InsufficientScopeStatus int
	// InvalidClientStatus is the status of the token endpoint's
	// invalid_client (unknown client, wrong secret, no or malformed client
	// authentication): 400 (the default; Coupa answers 400 whatever the
	// cause, as baton-coupa notes) or 401 with a Basic challenge (RFC 6749
	// §5.2).
	InvalidClientStatus int
	// MaxCachedTokens bounds the verified-token cache (the whole cache is
	// dropped when it would exceed the bound). 0 means
	// DefaultMaxCachedTokens; a negative value disables caching.
	MaxCachedTokens int
	// ResourceOwner names the user an authorization-code grant acts for: the user whose login the request's
	// login_hint gives, or the default user when the hint is empty; false when there is no such user. Nil means
	// the client itself stands for the user (its id is the subject of ID tokens).
	ResourceOwner func(loginHint string) (Owner, bool)
}

// Owner is the user an authorization-code grant acts for, as ID tokens name them.
type Owner struct {
	Subject string // the "sub" claim: the user's id
	Login   string
	Email   string
	Name    string
}

// DefaultConfig returns the credentials a fake accepts out of the box: a
// full-access client (DefaultClientID/DefaultClientSecret), a read-only client
// (DefaultReaderID/DefaultReaderSecret) and one legacy API key (DefaultAPIKey),
// with 24-hour tokens. The full-access client and the key hold every known
// scope (their Scopes are empty); the reader holds Coupa's whole catalogue but
// ScopeWrite, so that a client asking for the many scopes real clients ask
// for (baton-coupa's core.business_entity.read core.common.read
// core.user_group.read core.user.read email login openid profile) gets a
// token from either, and only the writes are refused to the reader. The
// signing key is left empty, so each Service draws a random one. Each call
// returns fresh slices.
func DefaultConfig() Config {
	reader := slices.DeleteFunc(spec.Scopes(), func(s string) bool { return s == ScopeWrite })
	return Config{
		Clients: []Client{
			{ID: DefaultClientID, Secret: DefaultClientSecret},
			{ID: DefaultReaderID, Secret: DefaultReaderSecret, Scopes: reader},
		},
		APIKeys:  []APIKey{{Key: DefaultAPIKey}},
		TokenTTL: DefaultTokenTTL,
	}
}

// ValidLegacyKey reports whether key has the shape of a real Coupa API key
// (exactly 40 ASCII letters and digits). [New] accepts other non-empty keys
// so tests can use short ones, but records a warning (see
// [Service.Warnings]) because a client that works against such a key may
// not work against Coupa.
func ValidLegacyKey(key string) bool {
	if len(key) != 40 {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// ParseClients reads the compact client list used by environment variables
// and flags: comma-separated entries of the form id:secret[:scope1+scope2].
// Without a scope part a client holds every known scope. Whitespace around
// entries is ignored, as is an empty entry (a trailing comma). Ids, secrets
// and scopes cannot contain ':' or ','; use [LoadConfigFile] for those.
// Scope names are checked against the known scopes by [New], not here.
// Errors name the entry by position and id, never by secret.
func ParseClients(spec string) ([]Client, error) {
	var out []Client
	seen := map[string]int{}
	for i, entry := range strings.Split(spec, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		n := i + 1
		parts := strings.Split(entry, ":")
		id := parts[0]
		if id == "" {
			return nil, fmt.Errorf("auth: client entry %d: empty client id", n)
		}
		if len(parts) < 2 {
			return nil, fmt.Errorf("auth: client entry %d (id %q): missing secret (want id:secret[:scope+scope])", n, id)
		}
		if len(parts) > 3 {
			return nil, fmt.Errorf("auth: client entry %d (id %q): too many ':' separated fields (want id:secret[:scope+scope])", n, id)
		}
		if parts[1] == "" {
			return nil, fmt.Errorf("auth: client entry %d (id %q): empty secret", n, id)
		}
		if prev, dup := seen[id]; dup {
			return nil, fmt.Errorf("auth: client entry %d (id %q): duplicate of entry %d", n, id, prev)
		}
		seen[id] = n
		c := Client{ID: id, Secret: parts[1]}
		if len(parts) == 3 {
			if parts[2] == "" {
				return nil, fmt.Errorf("auth: client entry %d (id %q): empty scope list after ':'", n, id)
			}
			for _, sc := range strings.Split(parts[2], "+") {
				if sc == "" {
					return nil, fmt.Errorf("auth: client entry %d (id %q): empty scope name in %q", n, id, parts[2])
				}
				c.Scopes = append(c.Scopes, sc)
			}
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("auth: client list is empty")
	}
	return out, nil
}

// fileConfig is the JSON layout read by LoadConfigFile.
type fileConfig struct {
	Clients    []Client        `json:"clients"`
	APIKeys    []APIKey        `json:"api_keys"`
	TokenTTL   json.RawMessage `json:"token_ttl"`
	Issuer     string          `json:"issuer"`
	Audience   string          `json:"audience"`
	SigningKey string          `json:"signing_key"`
}

// LoadConfigFile reads a JSON credentials file so that operators can give
// the fake many clients, or stable signing keys, without long flags:
//
//	{
//	  "clients":  [{"id": "...", "secret": "...", "scopes": ["core.user.read"]}],
//	  "api_keys": [{"key": "...", "scopes": ["core.user.read", "core.user.write"]}],
//	  "token_ttl": "24h",
//	  "issuer": "...", "audience": "...", "signing_key": "..."
//	}
//
// Only the fields present are set: the result has no default clients, and
// Clock is left nil for the caller. token_ttl is a Go duration string or a
// number of seconds. Unknown fields are errors, so a misspelt key is not
// silently ignored. The result is validated as [New] would validate it, and
// errors name the file and the offending entry (e.g. clients[2]).
func LoadConfigFile(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("auth: config file: %w", err)
	}
	fail := func(format string, args ...any) (Config, error) {
		return Config{}, fmt.Errorf("auth: config file %s: "+format, append([]any{path}, args...)...)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var fc fileConfig
	if err := dec.Decode(&fc); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := lineCol(data, se.Offset)
			return fail("line %d, column %d: %v", line, col, err)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fail("field %q: cannot use JSON %s as %s", te.Field, te.Value, te.Type)
		}
		return fail("%v", err)
	}
	if dec.More() {
		return fail("unexpected data after the JSON object")
	}
	cfg := Config{
		Clients:  fc.Clients,
		APIKeys:  fc.APIKeys,
		Issuer:   fc.Issuer,
		Audience: fc.Audience,
	}
	if fc.SigningKey != "" {
		cfg.SigningKey = []byte(fc.SigningKey)
	}
	if len(fc.TokenTTL) > 0 && string(fc.TokenTTL) != "null" {
		ttl, err := parseTTL(fc.TokenTTL)
		if err != nil {
			return fail("token_ttl: %v", err)
		}
		cfg.TokenTTL = ttl
	}
	if _, _, err := cfg.normalize(); err != nil {
		return fail("%s", strings.TrimPrefix(err.Error(), "auth: "))
	}
	return cfg, nil
}

func parseTTL(raw json.RawMessage) (time.Duration, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration like \"24h\"", s)
		}
		if d <= 0 {
			return 0, fmt.Errorf("%q is not positive", s)
		}
		return d, nil
	}
	var secs json.Number
	if err := json.Unmarshal(raw, &secs); err != nil {
		return 0, fmt.Errorf("want a duration string like \"24h\" or a number of seconds, got %s", raw)
	}
	n, err := strconv.ParseInt(secs.String(), 10, 64)
	if err != nil || n <= 0 || n > int64(100*365*24*3600) {
		return 0, fmt.Errorf("%s is not a positive whole number of seconds", secs)
	}
	return time.Duration(n) * time.Second, nil
}

func lineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col = 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// normalized is a validated Config with every default applied.
type normalized struct {
	Config
	knownIdx map[string]int
}

// normalize validates c and applies defaults. It returns warnings for
// accepted but doubtful settings. Error texts name entries with the JSON
// field names so that LoadConfigFile errors point into the file.
func (c Config) normalize() (normalized, []string, error) {
	var warns []string
	n := normalized{Config: c}
	if len(n.KnownScopes) == 0 {
		n.KnownScopes = spec.Scopes()
	} else {
		n.KnownScopes = append([]string(nil), n.KnownScopes...)
	}
	n.knownIdx = make(map[string]int, len(n.KnownScopes))
	for i, s := range n.KnownScopes {
		if !validScopeToken(s) {
			return n, nil, fmt.Errorf("auth: known_scopes[%d]: %q is not a valid OAuth scope name", i, s)
		}
		if _, dup := n.knownIdx[s]; dup {
			return n, nil, fmt.Errorf("auth: known_scopes[%d]: duplicate scope %q", i, s)
		}
		n.knownIdx[s] = i
	}

	switch {
	case n.TokenTTL == 0:
		n.TokenTTL = DefaultTokenTTL
	case n.TokenTTL < time.Second:
		return n, nil, fmt.Errorf("auth: token_ttl: %v is shorter than one second", n.TokenTTL)
	case n.TokenTTL%time.Second != 0:
		return n, nil, fmt.Errorf("auth: token_ttl: %v is not a whole number of seconds", n.TokenTTL)
	}
	if n.Issuer == "" {
		n.Issuer = DefaultIssuer
	}
	if n.Audience == "" {
		n.Audience = DefaultAudience
	}
	switch n.InsufficientScopeStatus {
	case 0:
		n.InsufficientScopeStatus = http.StatusForbidden
	case http.StatusForbidden, http.StatusUnauthorized:
	default:
		return n, nil, fmt.Errorf("auth: insufficient scope status %d: want 401 or 403", n.InsufficientScopeStatus)
	}
	switch n.InvalidClientStatus {
	case 0:
		n.InvalidClientStatus = http.StatusBadRequest
	case http.StatusBadRequest, http.StatusUnauthorized:
	default:
		return n, nil, fmt.Errorf("auth: invalid client status %d: want 400 or 401", n.InvalidClientStatus)
	}
	if n.MaxCachedTokens == 0 {
		n.MaxCachedTokens = DefaultMaxCachedTokens
	}
	if n.Clock == nil {
		n.Clock = time.Now
	}

	if len(n.Clients) == 0 && len(n.APIKeys) == 0 {
		return n, nil, errors.New("auth: no clients and no API keys configured (nothing could authenticate)")
	}
	n.Clients = make([]Client, len(c.Clients))
	ids := make(map[string]int, len(c.Clients))
	for i, cl := range c.Clients {
		name := fmt.Sprintf("clients[%d]", i)
		if cl.ID == "" {
			return n, nil, fmt.Errorf("auth: %s: empty id", name)
		}
		name = fmt.Sprintf("clients[%d] (id %q)", i, cl.ID)
		if cl.Secret == "" {
			return n, nil, fmt.Errorf("auth: %s: empty secret", name)
		}
		if prev, dup := ids[cl.ID]; dup {
			return n, nil, fmt.Errorf("auth: %s: duplicate id (also clients[%d])", name, prev)
		}
		ids[cl.ID] = i
		scopes, err := n.canonicalScopes(cl.Scopes)
		if err != nil {
			return n, nil, fmt.Errorf("auth: %s: %v", name, err)
		}
		for _, u := range cl.RedirectURIs {
			if err := checkRedirectURI(u); err != nil {
				return n, nil, fmt.Errorf("auth: %s: redirect URI %q: %v", name, u, err)
			}
		}
		n.Clients[i] = Client{ID: cl.ID, Secret: cl.Secret, Scopes: scopes, RedirectURIs: slices.Clone(cl.RedirectURIs)}
	}
	n.APIKeys = make([]APIKey, len(c.APIKeys))
	keys := make(map[string]int, len(c.APIKeys))
	for i, k := range c.APIKeys {
		name := fmt.Sprintf("api_keys[%d]", i)
		if k.Key == "" {
			return n, nil, fmt.Errorf("auth: %s: empty key", name)
		}
		if prev, dup := keys[k.Key]; dup {
			return n, nil, fmt.Errorf("auth: %s: duplicate key (also api_keys[%d])", name, prev)
		}
		keys[k.Key] = i
		if !ValidLegacyKey(k.Key) {
			warns = append(warns, fmt.Sprintf("auth: %s: key is not 40 letters and digits like a real Coupa API key; accepted anyway", name))
		}
		scopes, err := n.canonicalScopes(k.Scopes)
		if err != nil {
			return n, nil, fmt.Errorf("auth: %s: %v", name, err)
		}
		n.APIKeys[i] = APIKey{Key: k.Key, Scopes: scopes}
	}

	if len(n.SigningKey) == 0 {
		n.SigningKey = make([]byte, 32)
		_, _ = rand.Read(n.SigningKey) // never fails (Go ≥ 1.24 crashes instead)
	} else {
		n.SigningKey = append([]byte(nil), n.SigningKey...)
		if len(n.SigningKey) < 32 {
			warns = append(warns, fmt.Sprintf("auth: signing key is %d bytes; HS256 wants at least 32", len(n.SigningKey)))
		}
	}
	return n, warns, nil
}

// canonicalScopes checks that every scope is known and returns them
// de-duplicated in KnownScopes order; empty means all known scopes.
func (n *normalized) canonicalScopes(scopes []string) ([]string, error) {
	if len(scopes) == 0 {
		return append([]string(nil), n.KnownScopes...), nil
	}
	held := make([]bool, len(n.KnownScopes))
	for _, s := range scopes {
		i, ok := n.knownIdx[s]
		if !ok {
			return nil, fmt.Errorf("unknown scope %q (%s)", s, n.knownList())
		}
		held[i] = true
	}
	out := make([]string, 0, len(scopes))
	for i, h := range held {
		if h {
			out = append(out, n.KnownScopes[i])
		}
	}
	return out, nil
}

// knownList names the known scopes for an error message: all of them when
// they are few, otherwise how many there are and where they are listed, since
// a message with Coupa's 150 names would hide the name that is wrong.
func (n *normalized) knownList() string {
	if len(n.KnownScopes) <= 10 {
		return "known: " + strings.Join(n.KnownScopes, ", ")
	}
	return fmt.Sprintf("not one of the %d known scopes: `coupa-users spec` lists them under securitySchemes", len(n.KnownScopes))
}

// validScopeToken reports whether s is a scope-token of RFC 6749 §3.3.
func validScopeToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c == 0x22 || c == 0x5C || c > 0x7E {
			return false
		}
	}
	return true
}

// IsDefaultClient reports whether c holds one of DefaultConfig's public secrets (the README prints them): one may
// show it, and should not expose it beyond loopback.
func IsDefaultClient(c Client) bool {
	return c.ID == DefaultClientID && c.Secret == DefaultClientSecret ||
		c.ID == DefaultReaderID && c.Secret == DefaultReaderSecret
}

// IsDefaultKey reports whether k is DefaultConfig's public API key.
func IsDefaultKey(k APIKey) bool { return k.Key == DefaultAPIKey }

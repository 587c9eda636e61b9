package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"strings"
	"sync"
	"time"
)

// Service issues and checks the fake's credentials. One Service belongs to
// one fake instance; it is safe for concurrent use, and its configuration is
// fixed at [New] so that no request can observe a half-changed credential set.
type Service struct {
	clients map[string]*client
	keys    map[[sha256.Size]byte]Principal
	known   *catalogue
	// noScopes is the set of a token whose scope claim is empty, shared
	// like every other set.
	noScopes *scopeSet

	ttl              time.Duration
	clock            func() time.Time
	issuer, audience string
	scopeStatus      int
	// invalidClientStatus answers a failed client authentication (400 or 401).
	invalidClientStatus int
	warnings            []string

	signingKey []byte
	macs       sync.Pool // of hash.Hash (HMAC-SHA256 with signingKey)
	jwtHeader  string    // base64url of the header this Service writes
	tokenChars *tokenChars
	// dummySecret is compared against when a client id is unknown, so that
	// unknown ids and wrong secrets take the same time.
	dummySecret [sha256.Size]byte

	cache *tokenCache // nil when caching is disabled
	// locks throttles the guessing of clients' secrets.
	locks *lockout

	// The authorization-code flow: codes and refresh tokens outstanding, the user a grant acts for, the key of
	// ID tokens.
	codes, refreshes *grants
	resourceOwner    func(loginHint string) (Owner, bool)
	idKey            idKey
}

type client struct {
	id           string
	secret       [sha256.Size]byte // SHA-256 of the secret: fixed-length constant-time compare
	scopes       *scopeSet         // what it holds; shared by its full-grant principals
	all          string            // its scopes joined by spaces, as in the scope claim
	redirectURIs []string
}

// New validates cfg and builds a Service. Zero fields take the defaults
// documented on [Config]; doubtful but usable settings (a key that does not
// look like a Coupa key, a short signing key) are reported by
// [Service.Warnings] instead of failing, so the fake can log them.
func New(cfg Config) (*Service, error) {
	n, warns, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	s := &Service{
		clients:             make(map[string]*client, len(n.Clients)),
		keys:                make(map[[sha256.Size]byte]Principal, len(n.APIKeys)),
		known:               &catalogue{names: n.KnownScopes, index: n.knownIdx},
		ttl:                 n.TokenTTL,
		clock:               n.Clock,
		issuer:              n.Issuer,
		audience:            n.Audience,
		scopeStatus:         n.InsufficientScopeStatus,
		invalidClientStatus: n.InvalidClientStatus,
		warnings:            warns,
		signingKey:          n.SigningKey,
		jwtHeader:           base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)),
		tokenChars:          newTokenChars(),
		locks:               newLockout(),
		codes:               newGrants(),
		refreshes:           newGrants(),
		resourceOwner:       n.ResourceOwner,
	}
	s.macs.New = func() any { return hmac.New(sha256.New, s.signingKey) }
	_, _ = rand.Read(s.dummySecret[:])
	s.noScopes = newScopeSet(s.known)
	for _, c := range n.Clients {
		s.clients[c.ID] = &client{id: c.ID, secret: sha256.Sum256([]byte(c.Secret)),
			scopes: s.scopeSet(c.Scopes), all: strings.Join(c.Scopes, " "), redirectURIs: c.RedirectURIs}
	}
	for _, k := range n.APIKeys {
		sum := sha256.Sum256([]byte(k.Key))
		s.keys[sum] = Principal{
			// A stable label that identifies the key in logs without
			// revealing it.
			ClientID: "api-key:" + hex.EncodeToString(sum[:4]),
			Via:      ViaAPIKey,
			scopes:   s.scopeSet(k.Scopes),
		}
	}
	if n.MaxCachedTokens > 0 {
		s.cache = &tokenCache{max: n.MaxCachedTokens}
	}
	return s, nil
}

// scopeSet builds the set of names, which normalize has already checked
// are known.
func (s *Service) scopeSet(names []string) *scopeSet {
	set := newScopeSet(s.known)
	for _, sc := range names {
		set.add(s.known.index[sc])
	}
	return set
}

// Warnings returns the configuration problems New accepted but that may
// make the fake behave unlike Coupa (for example an API key that is not 40
// alphanumerics). The fake logs them at start-up.
func (s *Service) Warnings() []string {
	return append([]string(nil), s.warnings...)
}

// Reset forgets every verified token, so the next request with each token
// pays the full verification again, every failed client secret, so that
// no client stays locked out, and every outstanding code and refresh token. The admin surface calls it when it resets the
// fake; tokens themselves stay valid, since they are self-contained and
// verified by signature.
func (s *Service) Reset() {
	if s.cache != nil {
		s.cache.reset()
	}
	s.locks.reset()
	s.codes.reset()
	s.refreshes.reset()
}

// checkClient authenticates a client in time independent of whether the id
// exists or how much of the secret is right; nil means failure.
func (s *Service) checkClient(id, secret string) *client {
	sum := sha256.Sum256([]byte(secret))
	c, ok := s.clients[id]
	want := &s.dummySecret
	if ok {
		want = &c.secret
	}
	if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 || !ok {
		return nil
	}
	return c
}

func (s *Service) getMAC() hash.Hash { return s.macs.Get().(hash.Hash) }

func (s *Service) putMAC(h hash.Hash) {
	h.Reset()
	s.macs.Put(h)
}

// tokenCache remembers tokens that passed full verification, so that the
// hot path of Authenticate is a map lookup and an expiry comparison. Reads
// are lock-free (sync.Map); writes, which happen once per token, take a
// mutex so the size bound is exact.
//
// Entries are keyed by the token's signature and hold the whole token,
// which a hit must equal: a token for Coupa's whole catalogue is 5.7 KB,
// and hashing all of it on every request cost more than the rest of
// Authenticate, while its 43-character HMAC is as unique as it is.
type tokenCache struct {
	m   sync.Map // signature → *cacheEntry
	mu  sync.Mutex
	n   int
	max int
}

type cacheEntry struct {
	tok string    // the whole token
	p   Principal // handed out as it is: its scope set is immutable
	exp int64     // unix seconds; expired when now ≥ exp
}

// cacheKey is the part of tok after its last dot: the signature of a
// well-formed token. Any string will do for a lookup, since only verified
// tokens are stored and a hit is compared with the whole token.
func cacheKey(tok string) string {
	return tok[strings.LastIndexByte(tok, '.')+1:]
}

func (c *tokenCache) get(tok string) (*cacheEntry, bool) {
	v, ok := c.m.Load(cacheKey(tok))
	if !ok {
		return nil, false
	}
	e := v.(*cacheEntry)
	if e.tok != tok {
		// Another token with a verified token's signature: tampered
		// with, and left to full verification to refuse.
		return nil, false
	}
	return e, true
}

// put stores a verified token's entry; e.tok must be the token.
func (c *tokenCache) put(e *cacheEntry) {
	// Clone: the token may be a slice of a larger header string.
	e.tok = strings.Clone(e.tok)
	key := cacheKey(e.tok)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m.Load(key); ok {
		return
	}
	if c.n >= c.max {
		// Tokens are cheap to re-verify, so a crude wholesale eviction
		// is enough to bound memory against a client that mints
		// tokens in a loop.
		c.m.Clear()
		c.n = 0
	}
	c.m.Store(key, e)
	c.n++
}

// remove drops e, if it is still the entry for its token.
func (c *tokenCache) remove(e *cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m.CompareAndDelete(cacheKey(e.tok), e) {
		c.n--
	}
}

func (c *tokenCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m.Clear()
	c.n = 0
}

func (c *tokenCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

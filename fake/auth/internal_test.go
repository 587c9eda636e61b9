package auth

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The cache is bounded: when it would exceed MaxCachedTokens it is emptied,
// and tokens that were dropped still authenticate (they are re-verified).
func TestTokenCacheBound(t *testing.T) {
	now := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	cfg := DefaultConfig()
	cfg.MaxCachedTokens = 3
	cfg.Clock = func() time.Time { return now }
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var toks []string
	for i := 0; i < 7; i++ {
		tok, err := s.Issue(DefaultClientID)
		if err != nil {
			t.Fatal(err)
		}
		toks = append(toks, tok.AccessToken)
	}
	auth := func(tok string) {
		t.Helper()
		r := httptest.NewRequest("GET", "/api/users/1", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		if _, err := s.Authenticate(r); err != nil {
			t.Fatal(err)
		}
	}
	for i, tok := range toks {
		auth(tok)
		auth(tok) // a hit must not grow the cache
		if n := s.cache.len(); n > 3 || n < 1 {
			t.Fatalf("after %d tokens the cache holds %d", i+1, n)
		}
	}
	if n := s.cache.len(); n != 1 { // 7 = 3 + 3 + 1
		t.Errorf("cache holds %d, want 1", n)
	}
	for _, tok := range toks {
		auth(tok)
	}
	s.Reset()
	if n := s.cache.len(); n != 0 {
		t.Errorf("after Reset the cache holds %d", n)
	}
	// An expired hit is removed from the cache.
	auth(toks[0])
	now = now.Add(DefaultTokenTTL)
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer "+toks[0])
	if _, err := s.Authenticate(r); err == nil {
		t.Fatal("expired token accepted")
	}
	if n := s.cache.len(); n != 0 {
		t.Errorf("expired entry kept: cache holds %d", n)
	}
}

// Failed verifications are never cached, so a forged token cannot fill the
// cache or become valid later.
func TestFailuresNotCached(t *testing.T) {
	s, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", "Bearer a.b.c")
		if _, err := s.Authenticate(r); err == nil {
			t.Fatal("accepted")
		}
	}
	if n := s.cache.len(); n != 0 {
		t.Errorf("cache holds %d after failures", n)
	}
}

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"plain text":  "plain text",
		`a"b\c`:       `a'b/c`,
		"tab\tx\né":   "tab?x???",
		"0123456789":  "0123456789",
		"01234567890": "0123456789...",
	} {
		if got := sanitize(in, 10); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

// The cache is keyed by signature, but a hit must be the whole token: a
// token whose payload was changed under a cached token's signature is
// verified, and refused, not served the cached principal.
func TestTokenCacheComparesWholeToken(t *testing.T) {
	cfg := DefaultConfig()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	two, err := s.Issue(DefaultReaderID, ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.Issue(DefaultClientID)
	if err != nil {
		t.Fatal(err)
	}
	authn := func(tok string) (Principal, error) {
		r := httptest.NewRequest("GET", "/api/users/1", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		return s.Authenticate(r)
	}
	if _, err := authn(two.AccessToken); err != nil {
		t.Fatal(err)
	}
	// The whole-catalogue token's payload under the cached token's signature.
	dot := strings.LastIndexByte(two.AccessToken, '.')
	spliced := all.AccessToken[:strings.LastIndexByte(all.AccessToken, '.')] + two.AccessToken[dot:]
	for i := 0; i < 2; i++ {
		if p, err := authn(spliced); err == nil {
			t.Fatalf("spliced token accepted as %s with %q", p.ClientID, p.ScopeList())
		}
	}
	if p, err := authn(two.AccessToken); err != nil || p.ClientID != DefaultReaderID || p.Has(ScopeWrite) {
		t.Fatalf("cached token after the splice: %v %v", p.ScopeList(), err)
	}
	if n := s.cache.len(); n != 1 {
		t.Errorf("cache holds %d, want 1", n)
	}
}

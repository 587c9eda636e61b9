package fake

import (
	"context"
	"sync"

	"github.com/coupa-kit/coupa-users/internal/store"
)

// userCache keeps the full JSON of recently rendered users. Stored records never change, but a user's JSON also
// shows other users (manager, created-by), so the whole cache is dropped whenever the store changes at all: reads
// far outnumber writes against a fake, and a write costs one map reset. The cache holds at most maxBytes.
type userCache struct {
	mu       sync.RWMutex
	version  uint64
	entries  map[*store.Record][]byte
	bytes    int
	maxBytes int
}

const defaultUserCacheBytes = 32 << 20

func newUserCache(maxBytes int) *userCache {
	return &userCache{entries: map[*store.Record][]byte{}, maxBytes: maxBytes}
}

func (c *userCache) get(r *store.Record, version uint64) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != version {
		return nil, false
	}
	b, ok := c.entries[r]
	return b, ok
}

func (c *userCache) put(r *store.Record, version uint64, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		c.version, c.entries, c.bytes = version, map[*store.Record][]byte{}, 0
	}
	if c.bytes+len(b) > c.maxBytes {
		return
	}
	c.entries[r] = b
	c.bytes += len(b)
}

// fullJSON appends a user's full JSON rendering to enc, from the cache when it can.
func (rd *renderer) fullJSON(ctx context.Context, enc *jsonEncoder, r *store.Record) {
	version := rd.store.Version()
	if b, ok := rd.cache.get(r, version); ok {
		enc.raw("", b)
		return
	}
	one := newJSONEncoder(make([]byte, 0, 6<<10))
	rd.render(ctx, one, "", r, view{})
	b := one.bytes()
	// Only cache what was rendered against this same version; a write in between makes it stale.
	if rd.store.Version() == version {
		rd.cache.put(r, version, b)
	}
	enc.raw("", b)
}

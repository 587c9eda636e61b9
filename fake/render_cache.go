package fake

import (
	"context"
	"sync"

	"github.com/coupa-kit/coupa-users/internal/store"
)

// userCache keeps the full renderings of recently shown users, in JSON and in XML. Stored records never change, but
// a user's rendering also shows other users (manager, created-by), so the whole cache is dropped whenever the store
// changes at all: reads far outnumber writes against a fake, and a write costs one map reset. The cache holds at
// most maxBytes.
type userCache struct {
	mu       sync.RWMutex
	version  uint64
	entries  map[renderingKey][]byte
	bytes    int
	maxBytes int
}

// renderingKey names one rendering of a user. JSON has no layout, so one rendering serves every place; Rails' XML
// indents each line by the element's depth, so a user shown alone (depth 0) and a user in a list (depth 1) differ.
type renderingKey struct {
	record *store.Record
	xml    bool
	depth  int
	// document is a whole XML answer, the declaration included, so that it can be sent as it is.
	document bool
}

const defaultUserCacheBytes = 32 << 20

func newUserCache(maxBytes int) *userCache {
	return &userCache{entries: map[renderingKey][]byte{}, maxBytes: maxBytes}
}

func (c *userCache) get(k renderingKey, version uint64) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != version {
		return nil, false
	}
	b, ok := c.entries[k]
	return b, ok
}

func (c *userCache) put(k renderingKey, version uint64, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		c.version, c.entries, c.bytes = version, map[renderingKey][]byte{}, 0
	}
	if c.bytes+len(b) > c.maxBytes {
		return
	}
	c.entries[k] = b
	c.bytes += len(b)
}

// cachedUser writes a user's full rendering to enc from the cache, rendering and caching it first if need be. It
// reports false where a rendering cannot be shared: an XML element named other than "user" (the cache keeps
// <user> elements only).
func (rd *renderer) cachedUser(ctx context.Context, enc encoder, name string, r *store.Record) bool {
	switch e := enc.(type) {
	case *jsonEncoder:
		if e.depth > 1 {
			return false
		}
		e.raw("", rd.rendering(ctx, renderingKey{record: r}, newJSONRendering))
	case *xmlEncoder:
		if e.elementName(name) != "user" {
			return false
		}
		depth := len(e.names)
		e.b = append(e.b, rd.rendering(ctx, renderingKey{record: r, xml: true, depth: depth}, func() encoder {
			// Open elements only set the indentation: the rendering starts at <user> at this depth.
			return &xmlEncoder{b: make([]byte, 0, 16<<10), names: make([]string, depth), items: make([]string, depth)}
		})...)
	default:
		return false
	}
	return true
}

// document returns the whole answer of one user shown in full, from the cache: JSON, or XML with its declaration.
// The bytes are shared and must never change; the journal keeps them without a copy.
func (rd *renderer) document(ctx context.Context, xml bool, r *store.Record) []byte {
	if xml {
		return rd.rendering(ctx, renderingKey{record: r, xml: true, document: true}, func() encoder {
			return newXMLEncoder(make([]byte, 0, 16<<10))
		})
	}
	return rd.rendering(ctx, renderingKey{record: r}, newJSONRendering)
}

func newJSONRendering() encoder { return newJSONEncoder(make([]byte, 0, 8<<10)) }

// rendering returns the cached rendering of k, or renders it into a fresh encoder and caches it.
func (rd *renderer) rendering(ctx context.Context, k renderingKey, fresh func() encoder) []byte {
	version := rd.store.Version()
	if b, ok := rd.cache.get(k, version); ok {
		return b
	}
	enc := fresh()
	rd.render(ctx, enc, "user", k.record, view{})
	b := enc.bytes()
	// Only cache what was rendered against this same version; a write in between makes it stale.
	if rd.store.Version() == version {
		rd.cache.put(k, version, b)
	}
	return b
}

package contract

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxValidated bounds the values remembered as valid (a key is 16 bytes): past it the memory starts afresh.
const maxValidated = 1 << 16

// validated remembers the values a schema accepted, so that a user met again (the same page read by several checks,
// a user of the sample met again on a walk's pages) is not validated again: after decoding, validation is the
// suite's largest cost. Only acceptance is remembered: a body that fails is validated whole each time, so that its
// errors carry the paths kin-openapi gives them.
type validated struct {
	once sync.Once
	seed maphash.Seed

	mu   sync.Mutex
	seen map[validKey]struct{}
}

// validKey names a value a schema accepted, by the value's hash: two values of one hash are told apart with a
// probability of 2⁻⁶⁴, far below any other cause of a missed finding.
type validKey struct {
	schema *openapi3.Schema
	sum    uint64
}

// visit validates a response's decoded body (the JSON model, XML's too) against its schema, a list item by item.
func (c *validated) visit(schema *openapi3.Schema, value any) error {
	c.once.Do(func() { c.seed = maphash.MakeSeed() })
	list, isList := value.([]any)
	if items := plainItems(schema); isList && items != nil {
		for _, item := range list {
			if c.visitOne(items, item) != nil {
				return visitResponse(schema, value)
			}
		}
		return nil
	}
	return c.visitOne(schema, value)
}

func (c *validated) visitOne(schema *openapi3.Schema, value any) error {
	sum, ok := hashJSON(c.seed, value)
	if !ok {
		return visitResponse(schema, value)
	}
	key := validKey{schema: schema, sum: sum}
	c.mu.Lock()
	_, seen := c.seen[key]
	c.mu.Unlock()
	if seen {
		return nil
	}
	if err := visitResponse(schema, value); err != nil {
		return err
	}
	c.mu.Lock()
	if c.seen == nil || len(c.seen) >= maxValidated {
		c.seen = map[validKey]struct{}{}
	}
	c.seen[key] = struct{}{}
	c.mu.Unlock()
	return nil
}

// plainItems is the items schema of an array schema that says nothing else about the array (no bounds, no
// uniqueness, no combinators): such an array is valid exactly when each of its items is. Nil for any other schema.
func plainItems(s *openapi3.Schema) *openapi3.Schema {
	if s.Type == nil || !s.Type.Is(openapi3.TypeArray) || s.Items == nil || s.Items.Value == nil ||
		s.MinItems != 0 || s.MaxItems != nil || s.UniqueItems || s.Nullable ||
		len(s.AllOf) > 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 || s.Not != nil {
		return nil
	}
	return s.Items.Value
}

// visitResponse validates a value as a response body, collecting every error.
func visitResponse(s *openapi3.Schema, value any) error {
	return s.VisitJSON(value, openapi3.MultiErrors(), openapi3.VisitAsResponse())
}

// Tags keep values of different JSON types from hashing alike ("1" and 1, [] and {}).
const (
	tagNull byte = iota
	tagFalse
	tagTrue
	tagNumber
	tagString
	tagArray
	tagObject
)

// hashJSON hashes a value of the JSON model (nil, bool, float64, string, []any, map[string]any); false for a value
// with any other type in it, which is then not remembered. An object's members are combined in any order, as an
// object's members have none.
func hashJSON(seed maphash.Seed, v any) (uint64, bool) {
	var h maphash.Hash
	h.SetSeed(seed)
	switch x := v.(type) {
	case nil:
		h.WriteByte(tagNull)
	case bool:
		if x {
			h.WriteByte(tagTrue)
		} else {
			h.WriteByte(tagFalse)
		}
	case float64:
		h.WriteByte(tagNumber)
		writeUint64(&h, math.Float64bits(x))
	case string:
		h.WriteByte(tagString)
		h.WriteString(x)
	case []any:
		h.WriteByte(tagArray)
		writeUint64(&h, uint64(len(x)))
		for _, item := range x {
			sum, ok := hashJSON(seed, item)
			if !ok {
				return 0, false
			}
			writeUint64(&h, sum)
		}
	case map[string]any:
		var members uint64
		for k, item := range x {
			sum, ok := hashJSON(seed, item)
			if !ok {
				return 0, false
			}
			var m maphash.Hash
			m.SetSeed(seed)
			m.WriteString(k)
			writeUint64(&m, sum)
			members += m.Sum64()
		}
		h.WriteByte(tagObject)
		writeUint64(&h, uint64(len(x)))
		writeUint64(&h, members)
	default:
		return 0, false
	}
	return h.Sum64(), true
}

func writeUint64(h *maphash.Hash, x uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], x)
	h.Write(b[:])
}

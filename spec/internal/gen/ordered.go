package gen

import (
	"fmt"

	"go.yaml.in/yaml/v4"
)

// obj is a mapping that keeps its keys in the order they were written, so that the generated document reads the
// way a person would write it (type before description, paths in operation order) instead of alphabetically.
type obj []kv

type kv struct {
	key   string
	value any
}

// o builds an obj from alternating keys and values; nil values and empty objs or slices are left out, which keeps
// optional parts of the document short to write.
func o(pairs ...any) obj {
	if len(pairs)%2 != 0 {
		panic("gen.o: odd number of arguments")
	}
	var m obj
	for i := 0; i < len(pairs); i += 2 {
		m = m.with(pairs[i].(string), pairs[i+1])
	}
	return m
}

// with appends key: value unless the value is empty.
func (m obj) with(key string, value any) obj {
	switch v := value.(type) {
	case nil:
		return m
	case obj:
		if v == nil {
			return m
		}
	case []any:
		if v == nil {
			return m
		}
	case []string:
		if v == nil {
			return m
		}
	}
	return append(m, kv{key, value})
}

// MarshalYAML turns the ordered mapping into a YAML mapping node.
func (m obj) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for _, p := range m {
		var k, v yaml.Node
		if err := k.Encode(p.key); err != nil {
			return nil, fmt.Errorf("key %q: %w", p.key, err)
		}
		if err := v.Encode(p.value); err != nil {
			return nil, fmt.Errorf("value of %q: %w", p.key, err)
		}
		n.Content = append(n.Content, &k, &v)
	}
	return n, nil
}

// null is an explicit YAML null, for examples (a nil value is left out by o and with).
var null = nullValue{}

type nullValue struct{}

// MarshalYAML writes the null.
func (nullValue) MarshalYAML() (any, error) {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
}

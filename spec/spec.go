package spec

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed openapi.yaml
var document []byte

// UserRef is the schema name of a reference to another user (manager, created-by...): such references resolve
// against the users themselves, not against reference data.
const UserRef = "UserRef"

// YAML returns the embedded OpenAPI document as committed (a copy: callers may not change the original).
func YAML() []byte { return append([]byte(nil), document...) }

// Spec is the loaded, validated document with its typed views. It is read-only: share it freely.
type Spec struct {
	// Doc is the kin-openapi model, for routers and request/response validation.
	Doc *openapi3.T
	// Elements are the user's elements in the table's order.
	Elements []*Element
	// Objects are the associated object types by schema name ("Role", "UserRef"...).
	Objects map[string]*Object
	// Filters maps each filterable attribute ("login", "manager[login]") to its operators besides the exact match.
	Filters map[string][]Operator

	byName map[string]*Element
	json   []byte
}

// load is parsed once per process: the document is immutable and parsing it takes milliseconds, not nothing.
var load = sync.OnceValues(func() (*Spec, error) { return Parse(document) })

// Load returns the embedded document, parsed and validated once per process.
func Load() (*Spec, error) { return load() }

// MustLoad is Load for program start-up and tests, where a broken embedded document is a build defect.
func MustLoad() *Spec {
	s, err := Load()
	if err != nil {
		panic(err)
	}
	return s
}

// Parse loads and validates a document (normally the embedded one; tests feed others) and builds its views.
func Parse(data []byte) (*Spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("loading the OpenAPI document: %w", err)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("validating the OpenAPI document: %w", err)
	}
	s := &Spec{Doc: doc}
	if err := s.buildViews(); err != nil {
		return nil, err
	}
	if s.json, err = json.MarshalIndent(doc, "", "  "); err != nil {
		return nil, fmt.Errorf("rendering the document as JSON: %w", err)
	}
	return s, nil
}

// JSON returns the document rendered as JSON (for `/openapi.json` and `coupa-users spec --format json`).
func (s *Spec) JSON() []byte { return append([]byte(nil), s.json...) }

package railsxml

import (
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// MaxBodySize is the largest body BodyDecoder reads, 10 MiB. A Users API body
// is a few kilobytes; the cap keeps a runaway or hostile response from
// exhausting memory.
const MaxBodySize = 10 << 20

// BodyDecoder decodes a Rails-style XML body for kin-openapi's validation,
// reading untyped leaves by the media type's schema (see Unmarshal). The value
// is the root element's value; its name is dropped, as a JSON body has none.
// Bodies larger than MaxBodySize are refused. Errors are
// *openapi3filter.ParseError, as kin-openapi's own decoders return.
func BodyDecoder(body io.Reader, _ http.Header, schema *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	data, err := io.ReadAll(io.LimitReader(body, MaxBodySize+1))
	if err != nil {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindOther, Cause: err}
	}
	if len(data) > MaxBodySize {
		return nil, &openapi3filter.ParseError{
			Kind:   openapi3filter.KindOther,
			Reason: fmt.Sprintf("XML body exceeds the %d MiB limit", MaxBodySize>>20),
		}
	}
	var s *openapi3.Schema
	if schema != nil {
		s = schema.Value
	}
	_, v, err := Unmarshal(data, s)
	if err != nil {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: err}
	}
	return v, nil
}

// Compile-time check that BodyDecoder has kin-openapi's signature.
var _ openapi3filter.BodyDecoder = BodyDecoder

var registerOnce sync.Once

// Register makes kin-openapi decode application/xml and text/xml bodies with
// BodyDecoder. It may be called any number of times, from any goroutine.
//
// kin-openapi keeps its decoders in one process-wide registry, shared by
// everything linked into the binary (the fake server, the contract checker,
// tests running in parallel). sync.Once makes the registration happen once
// only: callers need not coordinate, and a later Register cannot clobber a
// decoder that some other code has deliberately registered since.
func Register() {
	registerOnce.Do(func() {
		openapi3filter.RegisterBodyDecoder("application/xml", BodyDecoder)
		openapi3filter.RegisterBodyDecoder("text/xml", BodyDecoder)
	})
}

package fake

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/coupa-kit/coupa-users/internal/jsonstr"
	"github.com/coupa-kit/coupa-users/internal/railsxml"
)

// ErrorWarnings is where a JSON error body carries Coupa's `"warnings": null` member.
type ErrorWarnings string

// The placements of `warnings` in a JSON error body.
const (
	// WarningsInside is Coupa's body, {"errors":{"user":[...],"warnings":null}}: baton-coupa's request.go quotes it,
	// and IBM tool_guard's error formatter pops "warnings" out of the "errors" object.
	WarningsInside ErrorWarnings = "inside"
	// WarningsOutside is {"errors":{"user":[...]},"warnings":null}, the fake's body before it followed Coupa's, for
	// clients written against it.
	WarningsOutside ErrorWarnings = "outside"
	// WarningsOmit is {"errors":{"user":[...]}}, as older Coupa responses have it.
	WarningsOmit ErrorWarnings = "omit"
)

// ParseErrorWarnings reads a placement as the --error-warnings flag spells it; "" is the default, WarningsInside.
func ParseErrorWarnings(s string) (ErrorWarnings, error) {
	switch w := ErrorWarnings(s); w {
	case "":
		return WarningsInside, nil
	case WarningsInside, WarningsOutside, WarningsOmit:
		return w, nil
	}
	return "", fmt.Errorf("error warnings %q: use inside, outside or omit", s)
}

// apiError is a failed request in Coupa's terms: a status and the messages of Coupa's error body.
type apiError struct {
	status   int
	resource string // the key of the JSON body's errors map ("user")
	messages []string
	header   http.Header
}

func (e *apiError) Error() string {
	if len(e.messages) > 0 {
		return strconv.Itoa(e.status) + ": " + e.messages[0]
	}
	return strconv.Itoa(e.status)
}

func newError(status int, messages ...string) *apiError {
	return &apiError{status: status, resource: "user", messages: messages}
}

// errorBody renders Coupa's error body: {"errors":{"user":[...],"warnings":null}} in JSON (warnings placed as w
// says), <errors><error><![CDATA[...]]></error></errors> in XML, as Coupa's samples have it. The messages keep
// their order: the model's validation order, as Rails lists a record's errors.
func errorBody(f format, w ErrorWarnings, e *apiError) []byte {
	if f != formatJSON {
		return railsxml.MarshalErrors(e.messages)
	}
	b := []byte(`{"errors":{`)
	b = jsonstr.Append(b, e.resource)
	b = append(b, ":["...)
	for i, m := range e.messages {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonstr.Append(b, m)
	}
	b = append(b, ']')
	switch w {
	case WarningsOutside:
		return append(b, `},"warnings":null}`...)
	case WarningsOmit:
		return append(b, `}}`...)
	}
	return append(b, `,"warnings":null}}`...)
}

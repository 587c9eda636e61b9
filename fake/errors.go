package fake

import (
	"net/http"
	"strconv"

	"github.com/coupa-kit/coupa-users/internal/jsonstr"
	"github.com/coupa-kit/coupa-users/internal/railsxml"
)

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

// errorBody renders Coupa's error body: {"errors":{"user":[...]},"warnings":null} in JSON,
// <errors><error><![CDATA[...]]></error></errors> in XML, as Coupa's samples have it.
func errorBody(f format, e *apiError) []byte {
	if f == formatJSON {
		b := []byte(`{"errors":{`)
		b = jsonstr.Append(b, e.resource)
		b = append(b, ":["...)
		for i, m := range e.messages {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonstr.Append(b, m)
		}
		return append(b, `]},"warnings":null}`...)
	}
	return railsxml.MarshalErrors(e.messages)
}

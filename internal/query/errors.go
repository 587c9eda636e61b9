package query

import "fmt"

// Error is a bad query parameter. The fake answers it with a 400 and Coupa's error body, so Message is written for
// the person who typed the URL; Param lets a caller (or a test) tell which parameter was at fault without parsing
// the message.
type Error struct {
	// Param is the parameter as the client sent it ("updated_at[gt]", "fields", "limit").
	Param string
	// Message is the human sentence, in the spirit of Coupa's messages.
	Message string
	// unknownField marks a name `fields` cannot show, which a lenient parse skips.
	unknownField bool
}

// Error returns the message alone: it is what the client reads, in Coupa's error body.
func (e *Error) Error() string { return e.Message }

func errorf(param, format string, args ...any) *Error {
	return &Error{Param: param, Message: fmt.Sprintf(format, args...)}
}

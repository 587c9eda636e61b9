package problem

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/coupa-kit/coupa-users/internal/bounds"
)

// The sentences of refusals that concern the request rather than a value of the user. Where Coupa's exact words
// are known (a route Rails lacks, a missing record, an empty search) they are Coupa's; the others are the fake's.

// NoResults is Coupa's XML answer to an index that matches no user.
const NoResults = "No results match your search criteria."

// NotAnObject refuses a body that is not an object: of what names it ("user", "business group").
func NotAnObject(what string) string { return "The request body must be a " + what + " object" }

// RateLimited refuses a request over the rate limit (Coupa's is 25 requests per second with bursts of 20).
func RateLimited(perSecond float64, burst int) string {
	return "Rate limit exceeded: at most " + strconv.FormatFloat(perSecond, 'g', -1, 64) +
		" requests per second (bursts of " + strconv.Itoa(burst) + ")"
}

// InjectedFault is the answer of a fault set through the admin surface.
const InjectedFault = "Injected fault"

// RequestFault is the answer a request asked for with the fake's fault header.
const RequestFault = "Injected fault (X-Coupa-Fake-Fault)"

// BadRequestFault refuses a fault header the fake cannot read.
func BadRequestFault(why string) string { return "Invalid X-Coupa-Fake-Fault header: " + why }

// Internal is a failure of the fake itself.
const Internal = "Internal error in the fake (a bug): please report it"

// NoRoute is Rails' answer to a route it does not have (DELETE /api/users/:id among them).
func NoRoute(method, path string) string {
	return "No route matches [" + Short(method) + "] \"" + Short(path) + "\""
}

// UserNotFound is ActiveRecord's answer to an id no user has.
func UserNotFound(id string) string { return RecordNotFound("User", id) }

// RecordNotFound is ActiveRecord's answer to an id no record of the class has ("Address").
func RecordNotFound(class, id string) string {
	return "Couldn't find " + class + " with 'id'=" + Short(id)
}

// BodyTooLarge refuses a body over the fake's limit.
func BodyTooLarge(limit int) string {
	return fmt.Sprintf("The request body is larger than %d bytes", limit)
}

// UnreadableBody is a body the connection failed to deliver.
func UnreadableBody(err error) string { return "Could not read the request body: " + err.Error() }

// UnsupportedContentType refuses a body in a format the API does not read.
func UnsupportedContentType(ct string) string {
	return "Unsupported Content-Type " + strconv.Quote(Short(ct)) + ": send application/json or application/xml"
}

// MalformedJSON refuses a body that is not JSON.
func MalformedJSON(err error) string { return "Malformed JSON in the request body: " + err.Error() }

// MalformedXML refuses a body that is not Rails-style XML.
func MalformedXML(err error) string { return "Malformed XML in the request body: " + err.Error() }

// WrongRoot refuses an XML body whose root is not the one expected (<user>, <business-group>).
func WrongRoot(want, root string) string {
	return "The XML body's root element must be <" + want + ">, not <" + Short(root) + ">"
}

// The refusals of what passes the bounds of a request (package bounds). subject names what passed them: "The
// request body", "'fields'".

// TooDeep refuses a body or a `fields` list nested deeper than max levels.
func TooDeep(subject string, max int) string {
	return fmt.Sprintf("%s nests deeper than %d levels", subject, max)
}

// TooManyValues refuses a body or a `fields` list holding more than max values.
func TooManyValues(subject string, max int) string {
	return fmt.Sprintf("%s holds more than %d values", subject, max)
}

// ParamTooLong refuses a query parameter whose value is longer than max characters (the spec's maxLength, or
// the bound of a filter value).
func ParamTooLong(param string, max int) string {
	return fmt.Sprintf("Parameter '%s' is longer than %d characters", param, max)
}

// TooManyConditions refuses an index request combining more than max filter conditions.
func TooManyConditions(max int) string {
	return fmt.Sprintf("The request combines more than %d filter conditions", max)
}

// Exceeded words a bound passed, err wrapping a *bounds.Error, for subject; ok is false for another error.
func Exceeded(subject string, err error) (msg string, ok bool) {
	var e *bounds.Error
	if !errors.As(err, &e) {
		return "", false
	}
	switch e.Limit {
	case bounds.ErrTooDeep:
		return TooDeep(subject, e.Max), true
	case bounds.ErrTooMany:
		return TooManyValues(subject, e.Max), true
	}
	return fmt.Sprintf("%s: %v", subject, e), true
}

// The refusals of a GraphQL query past the limits of package internal/graphql.

// QueryTooLong refuses a GraphQL query text longer than max bytes.
func QueryTooLong(max int) string { return fmt.Sprintf("The query is longer than %d bytes", max) }

// TooManySelections refuses a GraphQL query selecting more than max fields, fragments included each time they are
// spread.
func TooManySelections(max int) string {
	return fmt.Sprintf("The query selects more than %d fields (counting each fragment every time it is spread)", max)
}

// TooManyFetches refuses a GraphQL query asking for users or a user more than max times.
func TooManyFetches(max int) string {
	return fmt.Sprintf("The query asks for users more than %d times", max)
}

// NotSaved refuses a write the fake could not make durable in its state file (a full disk, a failed fsync):
// nothing was changed, and the write may be sent again.
func NotSaved(err error) string {
	return "The change could not be saved, and nothing was changed: " + err.Error()
}

// The avatar of a user (/users/{id}/avatar). Coupa's own messages are not published; these follow Rails'
// attachment validations ("Avatar content type is invalid").

// NoAvatar answers a download for a user who has no avatar.
const NoAvatar = "The user has no avatar"

// NoAvatarFile refuses an upload without an image.
const NoAvatarFile = "Avatar can't be blank: send the image as the file field of a multipart/form-data body"

// AvatarType refuses an upload whose bytes are not an image the avatar may be.
func AvatarType(detected string) string {
	return "Avatar content type is invalid (" + Short(detected) + "): send a PNG, JPEG, GIF or WebP image"
}

// UnsupportedAvatarType refuses an upload that is neither multipart/form-data nor an image.
func UnsupportedAvatarType(ct string) string {
	return "Unsupported Content-Type " + strconv.Quote(Short(ct)) + ": send multipart/form-data with a file field, or the image itself"
}

// AvatarTooLarge refuses an image larger than limit bytes.
func AvatarTooLarge(limit int) string {
	return fmt.Sprintf("Avatar file size must be at most %d bytes", limit)
}

// AvatarStorageFull refuses an image the fake has no room for.
func AvatarStorageFull(limit int) string {
	return fmt.Sprintf("The fake holds at most %d bytes of avatars; delete some first", limit)
}

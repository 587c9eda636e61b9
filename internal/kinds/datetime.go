package kinds

import (
	"strings"
	"time"

	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/internal/store"
	"github.com/coupa-kit/coupa-users/spec"
)

// DateTime is the kind of timestamps (created-at, updated-at). Coupa keeps them in MySQL DATETIME columns, whole
// seconds: a client that syncs with `updated_at[gt]=<the newest updated-at it saw>` must not get that user again,
// so the fake stores whole seconds too.
type DateTime struct{}

// Layout is how Coupa writes a datetime: Rails' xmlschema, seconds, "Z" for UTC and the offset for other zones.
const Layout = "2006-01-02T15:04:05Z07:00"

// Cast reads an ISO 8601 string; a blank one is null. No element of the user takes a datetime on input today, but
// fixtures and tenants' custom fields may.
func (DateTime) Cast(_ *spec.Element, v any) (Value, problem.Code) {
	s, ok := v.(string)
	if !ok {
		return Value{}, problem.Invalid
	}
	if strings.TrimSpace(s) == "" {
		return Value{Null: true}, 0
	}
	t, ok := ParseTime(s)
	if !ok {
		return Value{}, problem.Invalid
	}
	return Value{Time: t}, 0
}

// timeLayouts are the ISO 8601 forms clients send. Go's parser also takes fractional seconds after the seconds of
// any of them. A time without an offset is UTC (Coupa would use the instance's zone; the fake's instances run on
// UTC).
var timeLayouts = []string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
}

// ParseTime reads an ISO 8601 date or datetime in UTC, to the microsecond (a query's bound may be finer than what
// is stored).
func ParseTime(s string) (time.Time, bool) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Truncate(time.Microsecond), true
		}
	}
	return time.Time{}, false
}

// Literal reads an ISO 8601 date or datetime.
func (DateTime) Literal(raw string) (any, bool) {
	t, ok := ParseTime(raw)
	return t, ok
}

// Noun is "date".
func (DateTime) Noun() string { return "date" }

// Usage says what a datetime looks like.
func (DateTime) Usage() string { return "use ISO 8601 such as 2024-01-02 or 2024-01-02T03:04:05Z" }

// Loose reads a time.Time, or a string in ISO 8601.
func (DateTime) Loose(v any) (Value, bool) {
	switch v := v.(type) {
	case time.Time:
		return Value{Time: v}, true
	case string:
		t, ok := ParseTime(v)
		return Value{Time: t}, ok
	}
	return Value{}, false
}

// Number is the time in Unix microseconds, as records hold it.
func (DateTime) Number(v Value) (int64, bool) { return v.Time.UnixMicro(), true }

// Set stores v.Time in whole seconds.
func (DateTime) Set(r *store.Record, s store.Slot, v Value) {
	r.SetTime(s, v.Time.Truncate(time.Second))
}

// Get reads the time.
func (DateTime) Get(r *store.Record, s store.Slot) Value { return Value{Time: r.TimeOf(s)} }

// Text is the time in loc, as Coupa writes it.
func (DateTime) Text(v Value, loc *time.Location) string { return v.Time.In(loc).Format(Layout) }

// Plain is the time in UTC, as Coupa writes it.
func (DateTime) Plain(v Value) any { return v.Time.UTC().Format(Layout) }

// Native is the time.Time.
func (DateTime) Native(v Value) any { return v.Time }

package fake

import "math"

// railsID reads the id of /api/users/{id} as ActiveRecord casts it to an integer, with Ruby's String#to_i: leading
// whitespace, an optional sign, then the leading digits (single underscores between digits allowed); whatever
// follows is ignored. So "5abc" and "5?fields=[...]" (a client that escaped its query string into the path, as Go's
// url.JoinPath does for baton-coupa) are user 5. ok is false when no user can have the id: no leading digits
// ("abc" casts to 0), zero, negative, or past the integer column's range (ActiveModel's RangeError, which find
// reports as not found).
func railsID(s string) (id int64, ok bool) {
	i := 0
	for i < len(s) && isRubySpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	digits := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c == '_' && digits > 0 && i+1 < len(s) && isDigit(s[i+1]) {
			continue
		}
		if !isDigit(c) {
			break
		}
		d := int64(c - '0')
		if id > (math.MaxInt64-d)/10 {
			return 0, false
		}
		id = id*10 + d
		digits++
	}
	if digits == 0 || neg || id == 0 {
		return 0, false
	}
	return id, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isRubySpace is the whitespace String#to_i skips.
func isRubySpace(c byte) bool { return c == ' ' || ('\t' <= c && c <= '\r') }

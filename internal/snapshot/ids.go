package snapshot

import (
	"bytes"
	"errors"
	"strconv"
)

// pageIDs returns the top-level "id" of each object of a JSON array of users, in one pass over the bytes without
// decoding anything else: decoding the page a second time with encoding/json cost as much as reading the users.
// The JSON is validated by the fixtures reader; here a malformed page only yields wrong ids, which the caller
// catches by comparing counts and by ids that do not grow.
func pageIDs(data []byte) ([]int64, error) {
	var ids []int64
	depth := 0
	inString, escaped, keyNext := false, false, false
	keyStart := 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString && !escaped && c != '"' && c != '\\' {
			// Skip to the string's next quote or backslash at once: strings are most of a page.
			j := bytes.IndexAny(data[i:], `"\`)
			if j < 0 {
				break
			}
			i += j
			c = data[i]
		}
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
				if depth == 2 && keyNext && string(data[keyStart:i]) == "id" {
					id, n, err := numberAfterColon(data[i+1:])
					if err != nil {
						return nil, err
					}
					ids = append(ids, id)
					i += n
				}
				keyNext = false
			}
			continue
		}
		switch c {
		case '"':
			inString, keyStart = true, i+1
		case '{', '[':
			depth++
			keyNext = c == '{'
		case '}', ']':
			depth--
		case ',':
			keyNext = depth == 2
		}
	}
	return ids, nil
}

// numberAfterColon reads `: 123` and returns the number and how many bytes it took.
func numberAfterColon(b []byte) (int64, int, error) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == ':' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	j := i
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	n, err := strconv.ParseInt(string(b[i:j]), 10, 64)
	if err != nil || n <= 0 {
		return 0, 0, errors.New("a user's id is not a positive integer")
	}
	return n, j, nil
}

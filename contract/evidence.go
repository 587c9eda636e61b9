package contract

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxEvidence bounds a body quoted as evidence.
const maxEvidence = 800

// excerpt returns a body as text, cut short (on a rune boundary) at n bytes.
func excerpt(b []byte, n int) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "… (" + strconv.Itoa(len(b)) + " bytes)"
}

// reqEvidence describes an exchange's request: the URL with its query decoded for reading, the body cut short.
func reqEvidence(ex *exchange) *RequestEvidence {
	if ex == nil || ex.url == nil {
		return nil
	}
	u := ex.url.Scheme + "://" + ex.url.Host + ex.url.Path
	if ex.url.RawQuery != "" {
		q, err := url.QueryUnescape(ex.url.RawQuery)
		if err != nil {
			q = ex.url.RawQuery
		}
		u += "?" + q
	}
	return &RequestEvidence{Method: ex.method, URL: u, Body: excerpt(ex.reqBody, 600)}
}

// respEvidence describes an exchange's response with the given part of its body.
func respEvidence(ex *exchange, body string) *ResponseEvidence {
	if ex == nil {
		return nil
	}
	if ex.err != nil {
		return &ResponseEvidence{Error: ex.err.Error()}
	}
	return &ResponseEvidence{Status: ex.status, ContentType: ex.contentType(), Body: body}
}

// valueAt renders the value at a JSON pointer of a decoded body (the relevant part of the body), prefixed by the
// pointer; the whole record holding it when it is a small one.
func valueAt(v any, ptr []string) string {
	cur := v
	for _, seg := range ptr {
		switch x := cur.(type) {
		case map[string]any:
			next, ok := x[seg]
			if !ok {
				return "/" + strings.Join(ptr, "/") + ": (absent) in " + compact(cur, 400)
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return compact(cur, 400)
			}
			cur = x[i]
		default:
			return compact(cur, 400)
		}
	}
	return "/" + strings.Join(ptr, "/") + ": " + compact(cur, 400)
}

// compact renders a decoded value as JSON, cut short.
func compact(v any, n int) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return excerpt(b, n)
}

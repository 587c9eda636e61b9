package fake

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// format is a wire format of the API.
type format int

const (
	formatXML format = iota
	formatJSON
)

func (f format) contentType() string {
	if f == formatJSON {
		return "application/json; charset=utf-8"
	}
	return "application/xml; charset=utf-8"
}

func (f format) String() string {
	if f == formatJSON {
		return "json"
	}
	return "xml"
}

// parseFormat reads a format name ("json", "xml") as flags and options spell it.
func parseFormat(s string) (format, bool) {
	switch strings.ToLower(s) {
	case "json":
		return formatJSON, true
	case "xml":
		return formatXML, true
	}
	return formatXML, false
}

// negotiate picks the response format from Accept, weighing q-values; with no Accept, or one naming neither JSON
// nor XML (a browser's */*), the instance default applies, as Coupa answers XML by default.
func negotiate(accept string, def format) format {
	switch accept { // what nearly every client sends, answered as the loop below would, without parsing
	case "":
		return def
	case "application/json":
		return formatJSON
	case "application/xml", "text/xml":
		return formatXML
	}
	bestQ, best, found := -1.0, def, false
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		var f format
		switch {
		case mt == "application/json" || strings.HasSuffix(mt, "+json"):
			f = formatJSON
		case mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml"):
			f = formatXML
		default:
			continue
		}
		if q > 0 && q > bestQ {
			bestQ, best, found = q, f, true
		}
	}
	if !found {
		return def
	}
	return best
}

// bodyFormat reads the request body's format from Content-Type; with none, it sniffs the first non-blank byte, as
// real clients sometimes send a body without a Content-Type.
func bodyFormat(r *http.Request, body []byte) (format, bool) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		for _, c := range body {
			switch c {
			case ' ', '\t', '\r', '\n':
				continue
			case '<':
				return formatXML, true
			}
			return formatJSON, true
		}
		return formatJSON, true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return formatJSON, false
	}
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return formatJSON, true
	case mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml"):
		return formatXML, true
	}
	return formatJSON, false
}

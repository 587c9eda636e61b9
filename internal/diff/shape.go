package diff

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
)

// shape is the structure of one answer body, its values forgotten: every path (`[].roles[].name` in JSON,
// `users/user/roles/role/name` in XML) with the types seen there, how often it was present, and the order of the
// keys or child elements of each container.
type shape struct {
	types   map[string]map[string]bool // path → types seen ("string", "string:datetime-utc", "number", "null"...)
	present map[string]int             // path → how many times it was there
	filled  map[string]int             // container path → how many times it held at least one key or item
	objects map[string]int             // path → how many times it was an object (JSON) or had child elements (XML)
	order   map[string][]string        // container path → its keys (child names) in the order first seen
}

func newShape() *shape {
	return &shape{types: map[string]map[string]bool{}, present: map[string]int{}, filled: map[string]int{}, objects: map[string]int{}, order: map[string][]string{}}
}

func (s *shape) see(path, typ string) {
	if s.types[path] == nil {
		s.types[path] = map[string]bool{}
	}
	s.types[path][typ] = true
	s.present[path]++
}

func (s *shape) child(parent, name string) {
	for _, k := range s.order[parent] {
		if k == name {
			return
		}
	}
	s.order[parent] = append(s.order[parent], name)
}

var (
	datetimeUTC    = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)
	datetimeOffset = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$`)
)

// stringType classifies a string by its format where the format is part of the contract (datetimes).
func stringType(v string) string {
	switch {
	case datetimeUTC.MatchString(v):
		return "string:datetime-utc"
	case datetimeOffset.MatchString(v):
		return "string:datetime-offset"
	}
	return "string"
}

// jsonShape reads a JSON body, keeping the order of keys (encoding/json's maps would lose it).
func jsonShape(body []byte) (*shape, error) {
	s := newShape()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := s.jsonValue(dec, "$"); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *shape) jsonValue(dec *json.Decoder, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			s.see(path, "object")
			s.objects[path]++
			n := 0
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := k.(string)
				s.child(path, key)
				if err := s.jsonValue(dec, path+"."+key); err != nil {
					return err
				}
				n++
			}
			if n > 0 {
				s.filled[path]++
			}
		case '[':
			s.see(path, "array")
			n := 0
			for dec.More() {
				if err := s.jsonValue(dec, path+"[]"); err != nil {
					return err
				}
				n++
			}
			if n > 0 {
				s.filled[path]++
			}
		}
		_, err := dec.Token() // the closing delimiter
		return err
	case string:
		s.see(path, stringType(t))
	case json.Number:
		s.see(path, "number")
	case bool:
		s.see(path, "boolean")
	case nil:
		s.see(path, "null")
	}
	return nil
}

// xmlShape reads a Rails XML body: an element's type is its type attribute ("integer", "array"...; "" without),
// "nil" for nil="true", with the string format of untyped and datetime text.
func xmlShape(body []byte) (*shape, error) {
	s := newShape()
	dec := xml.NewDecoder(bytes.NewReader(body))
	type open struct {
		path, typ string
		text      bytes.Buffer
		children  int
	}
	var stack []*open
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path := t.Name.Local
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.children++
				s.child(parent.path, t.Name.Local)
				path = parent.path + "/" + t.Name.Local
			}
			typ := ""
			for _, a := range t.Attr {
				switch {
				case a.Name.Local == "type":
					typ = a.Value
				case a.Name.Local == "nil" && a.Value == "true":
					typ = "nil"
				}
			}
			stack = append(stack, &open{path: path, typ: typ})
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		case xml.EndElement:
			e := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			typ := e.typ
			if e.children > 0 {
				s.filled[e.path]++
				s.objects[e.path]++
			} else if text := bytes.TrimSpace(e.text.Bytes()); len(text) > 0 && (typ == "" || typ == "dateTime") {
				if f := stringType(string(text)); f != "string" {
					typ += ":" + f[len("string:"):]
				}
			}
			s.see(e.path, typ)
		}
	}
	return s, nil
}

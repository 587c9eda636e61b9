package contract

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/coupa-kit/coupa-users/spec"
)

// The openapi3filter validation reads XML through railsxml, which reads an untyped leaf by the schema ("42" is an
// integer where the schema says so): a body without any type attribute validates. Rails clients do not read by a
// schema, so the types are part of the contract; this file checks them, and the spelling of keys, which the
// schemas leave open (unknown keys are allowed: custom fields).

// xnode is an XML element: its name, type and nil attributes, and its child elements.
type xnode struct {
	name     string
	typ      string
	hasType  bool
	isNil    bool
	children []*xnode
}

// maxTypedUsers is how many users of a list the type check reads: types are systematic, and reading a whole page
// of users costs more than the rest of the check.
const maxTypedUsers = 5

// parseXMLTree reads an XML document into elements, stopping after the root's first maxChildren children; nil
// when it is not well formed (conformance/responses reports that).
func parseXMLTree(data []byte, maxChildren int) *xnode {
	d := xml.NewDecoder(bytes.NewReader(data))
	var stack []*xnode
	var root *xnode
	for depth := 0; ; {
		tok, err := d.Token()
		if err == io.EOF {
			return root
		}
		if err != nil {
			return nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > 64 {
				return nil
			}
			n := &xnode{name: t.Name.Local}
			for _, a := range t.Attr {
				switch a.Name.Local {
				case "type":
					n.typ, n.hasType = a.Value, true
				case "nil":
					n.isNil = a.Value == "true"
				}
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			depth--
			stack = stack[:len(stack)-1]
			if len(stack) == 1 && len(root.children) >= maxChildren {
				return root
			}
		}
	}
}

// xmlTypeFindings checks the type attributes of the users in an XML body: every typed element carries the Rails
// type the spec gives it (x-coupa-xml-type, or its kind's), lists carry type="array", strings carry none (or
// "string"); a nil="true" element needs no type.
func xmlTypeFindings(sp *spec.Spec, body []byte) []finding {
	root := parseXMLTree(body, maxTypedUsers)
	if root == nil {
		return nil
	}
	var users []*xnode
	switch root.name {
	case "user":
		users = []*xnode{root}
	case "users":
		users = root.children
	default:
		return nil
	}
	var out []finding
	for _, u := range users {
		for _, c := range u.children {
			e := sp.Element(c.name)
			if e == nil || e.Name != c.name {
				continue
			}
			want := e.XMLType
			if e.List {
				want = "array"
			}
			out = append(out, xmlTypeCheck(sp, c, "user/"+c.name, want, e.Kind, e.Object, elementRef(e, ""))...)
		}
	}
	return out
}

// xmlTypeCheck checks one element and, for objects, its fields.
func xmlTypeCheck(sp *spec.Spec, n *xnode, path, want string, kind spec.Kind, object, ref string) []finding {
	if n.isNil {
		return nil
	}
	var out []finding
	bad := func(msg string) {
		out = append(out, finding{key: "xml-type " + path, failure: Failure{
			Message: fmt.Sprintf("<%s>: %s", path, msg),
			Rule:    "Rails XML types every non-string leaf: type=\"integer\", \"boolean\", \"dateTime\", \"decimal\", \"symbol\", \"array\"",
			Spec:    ref,
		}})
	}
	switch {
	case want == "array":
		if n.typ != "array" {
			bad(fmt.Sprintf("a list without type=\"array\" (type %q)", n.typ))
		}
		ob := sp.Objects[object]
		for _, item := range n.children {
			out = append(out, xmlObjectCheck(sp, item, path+"/"+item.name, ob, ref)...)
		}
	case kind == spec.KindObject:
		out = append(out, xmlObjectCheck(sp, n, path, sp.Objects[object], ref)...)
	case want == "":
		if n.hasType && n.typ != "string" {
			bad(fmt.Sprintf("a string typed %q", n.typ))
		}
	default:
		if n.typ != want {
			if n.hasType {
				bad(fmt.Sprintf("type=%q, the spec says %q", n.typ, want))
			} else {
				bad(fmt.Sprintf("no type attribute, the spec says type=%q", want))
			}
		}
	}
	return out
}

// xmlObjectCheck checks the fields of an associated object.
func xmlObjectCheck(sp *spec.Spec, n *xnode, path string, ob *spec.Object, ref string) []finding {
	if ob == nil || n.isNil {
		return nil
	}
	var out []finding
	for _, c := range n.children {
		f := ob.Field(c.name)
		if f == nil || f.Name != c.name {
			continue
		}
		fref := "#/components/schemas/" + ob.Name + "/properties/" + f.Name
		out = append(out, xmlTypeCheck(sp, c, path+"/"+c.name, f.Kind.XMLType(), f.Kind, f.Object, fref)...)
	}
	return out
}

// keySpellingFindings checks the keys of the users in a decoded body: a key that is an element's or a field's name
// spelt with underscores ("purchasing_user") is a misspelling; real responses spell every key with hyphens.
func keySpellingFindings(sp *spec.Spec, v any) []finding {
	var users []map[string]any
	switch b := v.(type) {
	case map[string]any:
		if _, isErr := b["errors"]; isErr {
			return nil
		}
		if _, isErr := b["error"]; isErr {
			return nil
		}
		users = []map[string]any{b}
	case []any:
		for _, x := range b {
			if m, ok := x.(map[string]any); ok {
				users = append(users, m)
			}
		}
	}
	var out []finding
	for _, u := range users {
		for k, val := range u {
			e := sp.Element(k)
			if e == nil {
				continue
			}
			if e.Name != k {
				out = append(out, spellingFinding("user", k, e.Name, elementRef(e, "")))
				continue
			}
			if ob := sp.Objects[e.Object]; ob != nil {
				out = append(out, objectSpelling(sp, ob, k, val)...)
			}
		}
	}
	return out
}

func objectSpelling(sp *spec.Spec, ob *spec.Object, path string, v any) []finding {
	var out []finding
	switch x := v.(type) {
	case []any:
		for _, item := range x {
			out = append(out, objectSpelling(sp, ob, path, item)...)
		}
	case map[string]any:
		for k, val := range x {
			f := ob.Field(k)
			if f == nil {
				continue
			}
			if f.Name != k {
				out = append(out, spellingFinding(path, k, f.Name, "#/components/schemas/"+ob.Name+"/properties/"+f.Name))
				continue
			}
			if nested := sp.Objects[f.Object]; nested != nil {
				out = append(out, objectSpelling(sp, nested, path+"/"+k, val)...)
			}
		}
	}
	return out
}

func spellingFinding(path, got, want, ref string) finding {
	return finding{key: "spelling " + path + "/" + got, failure: Failure{
		Message: fmt.Sprintf("%s: key %q should be spelt %q", path, got, want),
		Rule:    "keys are spelt as the spec spells them, with hyphens (" + strings.ReplaceAll(got, "_", "-") + ")",
		Spec:    ref,
	}}
}

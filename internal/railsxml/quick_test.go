package railsxml

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// quickSeeds are documents of the shapes quickParse reads and of the shapes it must leave to encoding/xml.
func quickSeeds() []string {
	return []string{
		coupaUser,
		`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<users type="array">` + "\n  <user>\n    <id type=\"integer\">1</id>\n  </user>\n</users>\n",
		`<x><a>&lt;&gt;&amp;&quot;&apos;&#60;&#x3c;&#x3C;&#0065;</a><b>caf` + "\u00e9 \U0001F600" + `</b></x>`,
		`<x><a><![CDATA[<b>&amp;</b>]]>tail</a><b>head<![CDATA[]]></b></x>`,
		`<x a='1' b = "2"><n nil="true"/><t type="string" nil="false">s</t></x>`,
		`<x><a>1</a ></x>`,
		string(MarshalErrors([]string{"Login has already been taken", "]]>", "a & b < c"})),
		// left to encoding/xml:
		"<x>a\r\nb</x>",
		`<x><!-- c --></x>`,
		`<x><?pi?></x>`,
		`<x xmlns="urn:a"/>`,
		`<p:x xmlns:p="urn:p"/>`,
		`<x>&e;</x>`,
		`<x>&#0;</x>`,
		`<x>&#xD800;</x>`,
		`<x>a > b</x>`,
		`<x type="integer" type="string"/>`,
		`<x type="unknown"/>`,
		`<x><a/>text</x>`,
		`<x></y>`,
		`<x/><y/>`,
		`<x>` + "\x01" + `</x>`,
		"<x>\xff</x>",
		`<é/>`,
		`<x a="<"/>`,
		`<?xml version="1.0" encoding="ISO-8859-1"?><x/>`,
	}
}

// sameNodes returns where a and b differ, or "" where they are alike (nil text and empty text alike).
func sameNodes(a, b *node, at string) string {
	at += a.name
	switch {
	case a.name != b.name:
		return at + " (name " + b.name + ")"
	case a.typ != b.typ || a.isNil != b.isNil:
		return at + " (attributes)"
	case !bytes.Equal(a.text, b.text):
		return at + " (text " + strconv.Quote(string(a.text)) + " against " + strconv.Quote(string(b.text)) + ")"
	case len(a.children) != len(b.children):
		return at + " (children)"
	}
	for i := range a.children {
		if d := sameNodes(a.children[i], b.children[i], at+"/"); d != "" {
			return d
		}
	}
	return ""
}

// TestQuickParseReadsWhatEncodingXMLReads: the seeds quickParse takes are read as encoding/xml reads them, the
// others it leaves, and the usual documents (Rails' and the fake's) are among those it takes.
func TestQuickParseReadsWhatEncodingXMLReads(t *testing.T) {
	taken := 0
	for _, doc := range quickSeeds() {
		quick, ok := quickParse([]byte(doc))
		if !ok {
			continue
		}
		taken++
		slow, err := parseXML([]byte(doc), nil)
		if err != nil {
			t.Errorf("quickParse read what encoding/xml refuses (%v): %q", err, doc)
			continue
		}
		if d := sameNodes(quick, slow, "/"); d != "" {
			t.Errorf("differ at %s: %q", d, doc)
		}
	}
	if taken != 7 {
		t.Errorf("quickParse took %d of the seeds, want the first 7", taken)
	}
	for i, doc := range quickSeeds()[:7] {
		if _, ok := quickParse([]byte(doc)); !ok {
			t.Errorf("seed %d left to encoding/xml: %.80q", i, doc)
		}
	}
	// A text shared with the document is not overwritten when more text follows it.
	n, ok := quickParse([]byte(`<x>ab<![CDATA[cd]]>ef</x><!-- -->`))
	if ok {
		t.Fatalf("a comment after the root was taken: %q", n.text)
	}
	doc := []byte(`<x>ab<![CDATA[cd]]>ef</x>`)
	if n, ok = quickParse(doc); !ok || string(n.text) != "abcdef" || !strings.HasPrefix(string(doc), "<x>ab<![CDATA[") {
		t.Errorf("text %q, document now %q", n.text, doc)
	}
}

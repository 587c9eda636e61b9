package railsxml

import (
	"testing"

	"github.com/coupa-kit/coupa-users/internal/fuzzcount"
	"github.com/coupa-kit/coupa-users/internal/testexit"
	"github.com/getkin/kin-openapi/openapi3"
)

// TestMain records how many inputs the fuzz targets really ran (see internal/fuzzcount).
func TestMain(m *testing.M) { testexit.Exit(fuzzcount.Main(m)) }

// FuzzUnmarshal checks that Unmarshal never panics, and that whatever it
// accepts Marshal writes back so that Unmarshal returns an equal value, with
// no schema, the User schema, a list-of-users schema and two schemas with
// type lists.
func FuzzUnmarshal(f *testing.F) {
	for _, seed := range []string{
		coupaUser,
		`<users type="array"><user><id type="integer">1</id></user><user><id>2</id></user></users>`,
		`<user><id>42</id><active>true</active><manager/><roles/><score>1.5</score></user>`,
		`<user><roles><role><id>1</id></role></roles><roles><id>2</id></roles></user>`,
		`<user><manager><id>3</id><employee-number/></manager><approval-limit><amount>10.00</amount></approval-limit></user>`,
		`<user><id type="string">abc</id><custom-fields><a>1</a></custom-fields></user>`,
		`<x><tag>a</tag><tag>b</tag><tag type="integer">3</tag></x>`,
		`<x><a type="float">1e300</a><b type="decimal"> 1.50 </b><c type="dateTime">2016-11-08T11:28:50+02:00</c><d type="symbol"/></x>`,
		`<x><n nil="true"/><i type="integer" nil="true"/><e type="integer"/><s type="string"/></x>`,
		"<x><a>  \n </a><b>&#xD;&#x9;&lt;&amp;</b><c><![CDATA[]]]]><![CDATA[>]]></c></x>",
		`<m type="array"><r type="array"><c type="integer">1</c></r><r type="array"/></m>`,
		`<x xmlns="urn:a" xmlns:p="urn:p"><p:a p:type="integer">1</p:a></x>`,
		"<?xml version=\"1.0\"?>\n<!-- c --><x><?pi?><a>1<!-- s -->2</a></x>",
		`<user><id type="integer">abc</id></user>`,
		`<!DOCTYPE x [<!ENTITY e "v">]><x>&e;</x>`,
		`<a><b/></a><c/>`,
		`<a>x<b/></a>`,
		string(MarshalErrors([]string{"Login has already been taken", "]]>"})),
	} {
		f.Add([]byte(seed))
	}
	user := schema(f, "User")
	// Two self-referencing schemas with OpenAPI 3.1 type lists, so that
	// every element of any document is read against a list of types.
	listFirst := &openapi3.Schema{Type: &openapi3.Types{"boolean", "integer", "array", "string", "object"}}
	listFirst.Items = openapi3.NewSchemaRef("", listFirst)
	listFirst.AdditionalProperties.Schema = listFirst.Items
	objectFirst := &openapi3.Schema{Type: &openapi3.Types{"object", "number", "null"}}
	objectFirst.AdditionalProperties.Schema = openapi3.NewSchemaRef("", objectFirst)
	schemas := []*openapi3.Schema{nil, user, openapi3.NewArraySchema().WithItems(user), listFirst, objectFirst}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzcount.Inc()
		for _, s := range schemas {
			roundTrip(t, data, s)
		}
	})
}

// FuzzQuickParse checks quickParse against encoding/xml: whatever document quickParse reads, parseXML reads without
// error into the same nodes.
func FuzzQuickParse(f *testing.F) {
	for _, seed := range quickSeeds() {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzcount.Inc()
		quick, ok := quickParse(data)
		if !ok {
			return
		}
		slow, err := parseXML(data, nil)
		if err != nil {
			t.Fatalf("quickParse read what encoding/xml refuses (%v): %q", err, data)
		}
		if diff := sameNodes(quick, slow, "/"); diff != "" {
			t.Fatalf("quickParse and encoding/xml differ at %s: %q", diff, data)
		}
	})
}

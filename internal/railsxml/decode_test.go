package railsxml

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestUnmarshalCoupaUser(t *testing.T) {
	for _, tc := range []struct {
		name   string
		schema *openapi3.Schema
	}{
		{"with schema", schema(t, "User")},
		// The document is fully typed, so the schema changes nothing.
		{"without schema", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, v, err := Unmarshal([]byte(coupaUser), tc.schema)
			if err != nil {
				t.Fatal(err)
			}
			if root != "user" {
				t.Errorf("root = %q, want user", root)
			}
			if want := coupaUserValue(); !reflect.DeepEqual(v, want) {
				t.Errorf("value differs:\n got %s\nwant %s", js(v), js(want))
			}
		})
	}
}

// TestUnmarshalIsJSONModel checks that the XML and the JSON of the same user
// decode to identical values, which is the point of the package.
func TestUnmarshalIsJSONModel(t *testing.T) {
	var fromJSON any
	if err := json.Unmarshal([]byte(js(coupaUserValue())), &fromJSON); err != nil {
		t.Fatal(err)
	}
	_, fromXML, err := Unmarshal([]byte(coupaUser), schema(t, "User"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromXML, fromJSON) {
		t.Errorf("XML and JSON models differ:\n xml %s\njson %s", js(fromXML), js(fromJSON))
	}
}

func TestUnmarshal(t *testing.T) {
	for _, tc := range []struct {
		name     string
		doc      string
		schema   *openapi3.Schema
		wantRoot string
		want     any
	}{
		{
			name:     "list of users",
			doc:      `<users type="array"><user><id type="integer">1</id></user><user><id type="integer">2</id></user></users>`,
			wantRoot: "users",
			want:     []any{map[string]any{"id": 1.0}, map[string]any{"id": 2.0}},
		},
		{
			name: "array items named anything",
			doc:  `<roles type="array"><role>a</role><x>b</x><role nil="true"/></roles>`,
			want: []any{"a", "b", nil},
		},
		{
			name: "empty arrays",
			doc:  "<u><a type=\"array\"/><b type=\"array\"></b><c type=\"array\">\n  </c></u>",
			want: map[string]any{"a": []any{}, "b": []any{}, "c": []any{}},
		},
		{
			name: "nested arrays",
			doc:  `<m type="array"><r type="array"><c type="integer">1</c><c type="integer">2</c></r><r type="array"/></m>`,
			want: []any{[]any{1.0, 2.0}, []any{}},
		},
		{
			name: "typed leaves",
			doc: `<x>
  <i type="integer">-42</i>
  <plus type="integer">+7</plus>
  <zeros type="integer">007</zeros>
  <f type="float">1.5e3</f>
  <d type="decimal">10.00</d>
  <t type="dateTime">2016-11-08T11:28:50.123+02:00</t>
  <s type="symbol">coupa_credentials</s>
  <str type="string">42</str>
  <b1 type="boolean">true</b1>
  <b2 type="boolean">false</b2>
  <b3 type="boolean">1</b3>
  <b4 type="boolean">0</b4>
  <padded type="integer"> 5 </padded>
</x>`,
			want: map[string]any{
				"i": -42.0, "plus": 7.0, "zeros": 7.0, "f": 1500.0, "d": "10.00",
				"t": "2016-11-08T11:28:50.123+02:00", "s": "coupa_credentials", "str": "42",
				"b1": true, "b2": false, "b3": true, "b4": false, "padded": 5.0,
			},
		},
		{
			name: "nils",
			doc: `<x>
  <manager nil="true"/>
  <id type="integer" nil="true"/>
  <limit type="decimal" nil="true"></limit>
  <roles type="array" nil="true"/>
  <not-nil nil="false">v</not-nil>
</x>`,
			want: map[string]any{"manager": nil, "id": nil, "limit": nil, "roles": nil, "not-nil": "v"},
		},
		{
			name: "empty leaves",
			doc:  `<x><a/><b></b><c type="string"/><d type="symbol"></d><e type="integer"/><f type="boolean"></f><g type="dateTime"> </g></x>`,
			want: map[string]any{"a": "", "b": "", "c": "", "d": "", "e": nil, "f": nil, "g": nil},
		},
		{
			name: "untyped leaves are strings verbatim",
			doc:  "<x><n>42</n><b>true</b><sp>  padded  </sp><nl>\n</nl></x>",
			want: map[string]any{"n": "42", "b": "true", "sp": "  padded  ", "nl": "\n"},
		},
		{
			name: "repeated names become a list",
			doc:  `<x><tag>a</tag><other>o</other><tag>b</tag><tag type="integer">3</tag></x>`,
			want: map[string]any{"tag": []any{"a", "b", 3.0}, "other": "o"},
		},
		{
			name:     "errors body with CDATA",
			doc:      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<errors>\n  <error><![CDATA[Login has already been taken]]></error>\n</errors>\n",
			wantRoot: "errors",
			want:     map[string]any{"error": "Login has already been taken"},
		},
		{
			name: "two errors",
			doc:  `<errors><error><![CDATA[Login has already been taken]]></error><error><![CDATA[Email <is> invalid & ]]]]><![CDATA[>]]></error></errors>`,
			want: map[string]any{"error": []any{"Login has already been taken", "Email <is> invalid & ]]>"}},
		},
		{
			name: "escapes and character references",
			doc:  `<x>a &lt; b &amp;&amp; c &gt; d &quot;&apos; &#65;&#x42; &#xD;</x>`,
			want: "a < b && c > d \"' AB \r",
		},
		{
			name: "comments, processing instructions and whitespace ignored",
			doc:  "\n<?xml version=\"1.0\"?>\n<!-- hi -->\n<x><!-- c --><a>1<!-- split -->2</a><?pi x?></x>\n<!-- bye -->\n",
			want: map[string]any{"a": "12"},
		},
		{
			name: "namespaces and other attributes ignored",
			doc:  `<x xmlns="urn:a" xmlns:p="urn:p" id="5"><p:a p:type="integer">1</p:a></x>`,
			want: map[string]any{"a": "1"},
		},
		{
			name: "byte order mark",
			doc:  "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?><x>1</x>",
			want: "1",
		},
		{
			name:     "root leaf",
			doc:      `<count type="integer">3</count>`,
			wantRoot: "count",
			want:     3.0,
		},
		{
			name: "hyphens, dots and underscores in names",
			doc:  `<x><a-b>1</a-b><c_d>2</c_d><e.f>3</e.f></x>`,
			want: map[string]any{"a-b": "1", "c_d": "2", "e.f": "3"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, v, err := Unmarshal([]byte(tc.doc), tc.schema)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantRoot != "" && root != tc.wantRoot {
				t.Errorf("root = %q, want %q", root, tc.wantRoot)
			}
			if !reflect.DeepEqual(v, tc.want) {
				t.Errorf("got  %s\nwant %s", js(v), js(tc.want))
			}
		})
	}
}

func TestUnmarshalSchemaCoercion(t *testing.T) {
	user := schema(t, "User")
	integer := openapi3.NewIntegerSchema()
	intOrString := &openapi3.Schema{Type: &openapi3.Types{"integer", "string"}}
	nullOrString := &openapi3.Schema{Type: &openapi3.Types{"null", "string"}}
	stringOrObject := &openapi3.Schema{Type: &openapi3.Types{"string", "object"}}
	for _, tc := range []struct {
		name   string
		doc    string
		schema *openapi3.Schema
		want   any
	}{
		{
			name:   "untyped scalars follow the schema",
			doc:    `<user><id>42</id><active>false</active><score>1.25</score><login>007</login><account-security-type> 3 </account-security-type></user>`,
			schema: user,
			want:   map[string]any{"id": 42.0, "active": false, "score": 1.25, "login": "007", "account-security-type": 3.0},
		},
		{
			name:   "a type attribute beats the schema",
			doc:    `<user><id type="string">abc</id><login type="integer">5</login></user>`,
			schema: user,
			want:   map[string]any{"id": "abc", "login": 5.0},
		},
		{
			name:   "empty untyped leaves: nil for objects and non-string scalars, [] for arrays, empty string for strings",
			doc:    "<user><id/><active></active><manager/><phone-work>\n  </phone-work><roles/><employee-number/></user>",
			schema: user,
			want:   map[string]any{"id": nil, "active": nil, "manager": nil, "phone-work": nil, "roles": []any{}, "employee-number": ""},
		},
		{
			name: "untyped wrapper of an array",
			doc: `<user><roles><role><id>1</id><omnipotent>true</omnipotent></role></roles>` +
				`<can-expense-for><user><id>4</id></user><user><id>5</id></user></can-expense-for></user>`,
			schema: user,
			want: map[string]any{
				"roles":           []any{map[string]any{"id": 1.0, "omnipotent": true}},
				"can-expense-for": []any{map[string]any{"id": 4.0}, map[string]any{"id": 5.0}},
			},
		},
		{
			name:   "nested associations through nullable allOf refs",
			doc:    `<user><manager><id>3</id><employee-number/></manager><approval-limit><amount>10.00</amount><currency><id>1</id><decimals>2</decimals></currency></approval-limit></user>`,
			schema: user,
			want: map[string]any{
				"manager":        map[string]any{"id": 3.0, "employee-number": ""},
				"approval-limit": map[string]any{"amount": "10.00", "currency": map[string]any{"id": 1.0, "decimals": 2.0}},
			},
		},
		{
			name:   "additionalProperties",
			doc:    `<user><custom-fields><a>1</a><b>2</b></custom-fields></user>`,
			schema: user,
			want:   map[string]any{"custom-fields": map[string]any{"a": 1.0, "b": 2.0}},
		},
		{
			name:   "unknown properties stay strings",
			doc:    `<user><shoe-size>42</shoe-size></user>`,
			schema: user,
			want:   map[string]any{"shoe-size": "42"},
		},
		{
			name:   "repeated names under an array property",
			doc:    `<user><roles><id>1</id></roles><roles><id>2</id></roles></user>`,
			schema: user,
			want:   map[string]any{"roles": []any{map[string]any{"id": 1.0}, map[string]any{"id": 2.0}}},
		},
		{
			name:   "root array schema reads an untyped list",
			doc:    `<users><user><id>1</id></user><user><id>2</id></user></users>`,
			schema: openapi3.NewArraySchema().WithItems(user),
			want:   []any{map[string]any{"id": 1.0}, map[string]any{"id": 2.0}},
		},
		{
			name:   "errors schema",
			doc:    string(MarshalErrors([]string{"Login has already been taken"})),
			schema: schema(t, "Errors"),
			want:   []any{"Login has already been taken"},
		},
		{
			name:   "OpenAPI 3.1 type list",
			doc:    `<n>7</n>`,
			schema: &openapi3.Schema{Type: &openapi3.Types{"null", "integer"}},
			want:   7.0,
		},
		{
			name:   "OpenAPI 3.1 type list: the first type that fits",
			doc:    `<x><a>42</a><b>abc</b><c/><d><e>1</e></d></x>`,
			schema: openapi3.NewObjectSchema().WithProperty("a", intOrString).WithProperty("b", intOrString).WithProperty("c", nullOrString).WithProperty("d", stringOrObject),
			want:   map[string]any{"a": 42.0, "b": "abc", "c": nil, "d": map[string]any{"e": "1"}},
		},
		{
			name: "oneOf: the first branch that declares the property",
			doc:  `<x><a>1</a><b>true</b></x>`,
			schema: &openapi3.Schema{OneOf: openapi3.SchemaRefs{
				openapi3.NewSchemaRef("", openapi3.NewObjectSchema().WithProperty("a", integer)),
				openapi3.NewSchemaRef("", openapi3.NewObjectSchema().WithProperty("a", openapi3.NewStringSchema()).WithProperty("b", openapi3.NewBoolSchema())),
			}},
			want: map[string]any{"a": 1.0, "b": true},
		},
		{
			name:   "schema without a type but with properties is an object",
			doc:    `<x><a>1</a></x>`,
			schema: &openapi3.Schema{Properties: openapi3.Schemas{"a": openapi3.NewSchemaRef("", integer)}},
			want:   map[string]any{"a": 1.0},
		},
		{
			name:   "number accepts exponents",
			doc:    `<n>-1.5E-3</n>`,
			schema: openapi3.NewFloat64Schema(),
			want:   -0.0015,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, v, err := Unmarshal([]byte(tc.doc), tc.schema)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(v, tc.want) {
				t.Errorf("got  %s\nwant %s", js(v), js(tc.want))
			}
		})
	}
}

// TestUnmarshalSelfReferencingSchema checks that a composition which refers
// to itself does not loop.
func TestUnmarshalSelfReferencingSchema(t *testing.T) {
	s := &openapi3.Schema{}
	s.AllOf = openapi3.SchemaRefs{openapi3.NewSchemaRef("", s), openapi3.NewSchemaRef("", s)}
	_, v, err := Unmarshal([]byte(`<x><a>1</a></x>`), s)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"a": "1"}; !reflect.DeepEqual(v, want) {
		t.Errorf("got %s", js(v))
	}
}

func TestUnmarshalErrors(t *testing.T) {
	user := schema(t, "User")
	deep := strings.Repeat("<a>", 65) + strings.Repeat("</a>", 65)
	// Elements each holding a repeated name: 33 XML levels but 65 once the
	// repetitions are written back as arrays.
	deepLists := strings.Repeat("<a>", 32) + "<a/>" + strings.Repeat("<a/></a>", 32)
	for _, tc := range []struct {
		name     string
		doc      string
		schema   *openapi3.Schema
		wantPath string
		wantMsg  string
	}{
		{"empty", ``, nil, "", "no root element"},
		{"only a declaration", `<?xml version="1.0"?>`, nil, "", "no root element"},
		{"unclosed", `<user><id>`, nil, "user/id", "malformed XML"},
		{"mismatched end", `<user></usr>`, nil, "user", "malformed XML"},
		{"stray end", `<user/></user>`, nil, "", "malformed XML"},
		{"two roots", `<a/><b/>`, nil, "", "more than one root element"},
		{"text before root", `hello <a/>`, nil, "", "text outside the root element"},
		{"text after root", `<a/>hello`, nil, "", "text outside the root element"},
		{"mixed content", `<user>hi<id>1</id></user>`, nil, "user", "text mixed with child elements"},
		{"mixed content after", `<user><id>1</id>hi</user>`, nil, "user", "text mixed with child elements"},
		{"too deep", deep, nil, "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a", "deeper than 64"},
		{"too deep with repeated names", deepLists, nil, "a" + strings.Repeat("/a[1]", 32), "deeper than 64"},
		{"doctype", `<!DOCTYPE user><user/>`, nil, "", "DOCTYPE and entity declarations"},
		{"entity declaration", `<!DOCTYPE user [<!ENTITY x "boom">]><user>&x;</user>`, nil, "", "DOCTYPE and entity declarations"},
		{"undeclared entity", `<user>&x;</user>`, nil, "user", "malformed XML"},
		{"unknown type", `<user><id type="bigint">1</id></user>`, nil, "user/id", `unknown type attribute "bigint"`},
		{"duplicate type", `<id type="integer" type="string">1</id>`, nil, "id", "duplicate type attribute"},
		{"typed integer", `<user><id type="integer">abc</id></user>`, nil, "user/id", `cannot parse "abc" as type "integer"`},
		{"typed integer with a fraction", `<id type="integer">1.5</id>`, nil, "id", `cannot parse "1.5" as type "integer"`},
		{"typed float", `<f type="float">NaN</f>`, nil, "f", `cannot parse "NaN" as type "float"`},
		{"float out of range", `<f type="float">1e999</f>`, nil, "f", "out of range"},
		{"typed decimal", `<d type="decimal">1,00</d>`, nil, "d", `cannot parse "1,00" as type "decimal"`},
		{"typed boolean", `<b type="boolean">yes</b>`, nil, "b", `cannot parse "yes" as type "boolean"`},
		{"typed dateTime", `<t type="dateTime">yesterday</t>`, nil, "t", `cannot parse "yesterday" as type "dateTime"`},
		{"typed leaf with children", `<id type="integer"><a/></id>`, nil, "id", `element of type "integer" has child elements`},
		{"array with text", `<roles type="array">admin</roles>`, nil, "roles", `element of type "array" has text`},
		{"nil with content", `<manager nil="true"><id>1</id></manager>`, nil, "manager", `nil="true" has content`},
		{
			"error inside an array item",
			`<user><roles type="array"><role><id type="integer">1</id></role><role><id type="integer">x</id></role></roles></user>`,
			nil, "user/roles/role[2]/id", `cannot parse "x" as type "integer"`,
		},
		{
			"error inside a repeated name",
			`<user><tag>a</tag><tag><n type="integer">x</n></tag></user>`,
			nil, "user/tag[2]/n", `cannot parse "x"`,
		},
		{"untyped text against an integer schema", `<user><id>abc</id></user>`, user, "user/id", `schema says integer, cannot read untyped text "abc"`},
		{"untyped text against a boolean schema", `<user><active>yes</active></user>`, user, "user/active", "schema says boolean"},
		{
			"untyped text in an array item against the schema",
			`<user><roles type="array"><role><id>1</id></role><role><id>two</id></role></roles></user>`,
			user, "user/roles/role[2]/id", `schema says integer, cannot read untyped text "two"`,
		},
		{"text where the schema wants an object", `<user><manager>Bob</manager></user>`, user, "user/manager", "schema says object"},
		{"text where the schema wants an array", `<user><roles>Admin</roles></user>`, user, "user/roles", "schema says array"},
		{"children where the schema wants a scalar", `<user><login><a/></login></user>`, user, "user/login", "schema says string, found child elements"},
		{"children where no listed type fits", `<x><a/></x>`, &openapi3.Schema{Type: &openapi3.Types{"integer", "null"}}, "x", "schema says integer or null, found child elements"},
		{"text where no listed type fits", `<x>abc</x>`, &openapi3.Schema{Type: &openapi3.Types{"null", "boolean"}}, "x", `schema says null or boolean, cannot read untyped text "abc"`},
		{"non-ASCII name", `<user><prénom>x</prénom></user>`, nil, "user", "not a plain ASCII XML name"},
		{"colon in a local name", `<user><:a>x</:a></user>`, nil, "user", "not a plain ASCII XML name"},
		{"unsupported encoding", `<?xml version="1.0" encoding="ISO-8859-1"?><a/>`, nil, "", "reading XML"},
		{"invalid UTF-8", "<a>\xff</a>", nil, "a", "malformed XML"},
		{"illegal character reference", `<a>&#0;</a>`, nil, "a", "malformed XML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, v, err := Unmarshal([]byte(tc.doc), tc.schema)
			if err == nil {
				t.Fatalf("no error; value %s", js(v))
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if e.Path != tc.wantPath {
				t.Errorf("path = %q, want %q (error: %v)", e.Path, tc.wantPath, err)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tc.wantMsg)
			}
		})
	}
}

func TestUnmarshalSyntaxErrorUnwraps(t *testing.T) {
	_, _, err := Unmarshal([]byte("<a>\n<b></a>"), nil)
	var se *xml.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error %v does not wrap *xml.SyntaxError", err)
	}
	if se.Line != 2 {
		t.Errorf("line = %d, want 2", se.Line)
	}
}

// js renders v for failure messages; map keys come out sorted.
func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// TestUnmarshalParams: request bodies keep untyped scalar leaves as text for the model to cast, as Rails' params
// do; structure (arrays, objects) and typed leaves still follow the schema.
func TestUnmarshalParams(t *testing.T) {
	user := schema(t, "User")
	doc := `<user><active>yes</active><id>7</id><login> jo </login><roles><role><id type="integer">3</id></role></roles><manager/></user>`
	_, v, err := UnmarshalParams([]byte(doc), user)
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	if m["active"] != "yes" || m["id"] != "7" || m["login"] != " jo " {
		t.Errorf("leaves: %#v %#v %#v", m["active"], m["id"], m["login"])
	}
	roles, ok := m["roles"].([]any)
	if !ok || len(roles) != 1 || roles[0].(map[string]any)["id"] != 3.0 {
		t.Errorf("roles: %#v", m["roles"])
	}
	if m["manager"] != nil {
		t.Errorf("empty object: %#v", m["manager"])
	}
	if _, _, err := Unmarshal([]byte(doc), user); err == nil {
		t.Error("Unmarshal read untyped \"yes\" as a boolean")
	}
}

package railsxml

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestMarshalWithSchema(t *testing.T) {
	v := map[string]any{
		"id":                    15.0,
		"login":                 "jdoe & co <admin>",
		"active":                true,
		"created-at":            "2016-11-08T11:28:50+02:00",
		"authentication-method": "coupa_credentials",
		"employee-number":       "",
		"account-security-type": nil,
		"sourcing-user":         nil,
		"manager":               nil,
		"score":                 3.0,
		"roles":                 []any{map[string]any{"id": 1.0, "name": "Admin", "created-at": nil}},
		"can-expense-for":       []any{map[string]any{"id": 4.0, "employee-number": nil}},
		"content-groups":        []any{},
		"approval-limit": map[string]any{
			"amount":   "10000.00",
			"currency": map[string]any{"code": "USD", "decimals": 2.0},
		},
	}
	const want = `<?xml version="1.0" encoding="UTF-8"?>
<user>
  <account-security-type type="integer" nil="true"/>
  <active type="boolean">true</active>
  <approval-limit>
    <amount type="decimal">10000.00</amount>
    <currency>
      <code>USD</code>
      <decimals type="integer">2</decimals>
    </currency>
  </approval-limit>
  <authentication-method type="symbol">coupa_credentials</authentication-method>
  <can-expense-for type="array">
    <user>
      <employee-number nil="true"/>
      <id type="integer">4</id>
    </user>
  </can-expense-for>
  <content-groups type="array"/>
  <created-at type="dateTime">2016-11-08T11:28:50+02:00</created-at>
  <employee-number></employee-number>
  <id type="integer">15</id>
  <login>jdoe &amp; co &lt;admin&gt;</login>
  <manager nil="true"/>
  <roles type="array">
    <role>
      <created-at type="dateTime" nil="true"/>
      <id type="integer">1</id>
      <name>Admin</name>
    </role>
  </roles>
  <score type="float">3</score>
  <sourcing-user type="boolean" nil="true"/>
</user>
`
	got, err := Marshal("user", v, schema(t, "User"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// And back.
	_, back, err := Unmarshal(got, schema(t, "User"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, v) {
		t.Errorf("read back\n got %s\nwant %s", js(back), js(v))
	}
}

func TestMarshalWithoutSchema(t *testing.T) {
	v := map[string]any{
		"whole":           42.0,
		"fraction":        -0.25,
		"int":             7,
		"int64":           int64(-8),
		"json-int":        json.Number("12"),
		"json-float":      json.Number("1.50"),
		"yes":             true,
		"no":              false,
		"at":              time.Date(2016, 11, 8, 11, 28, 50, 0, time.FixedZone("", 2*3600)),
		"utc":             time.Date(2024, 3, 1, 8, 0, 0, 500_000_000, time.UTC),
		"text":            "42",
		"empty":           "",
		"none":            nil,
		"empty-object":    map[string]any{},
		"roles":           []any{"Admin", "User"},
		"categories":      []any{"a"},
		"addresses":       []any{"b"},
		"can-expense-for": []any{map[string]any{"id": 4}},
		"matrix":          []any{[]any{1.0}},
		"nothing":         []any{},
		"nested":          map[string]any{"b": "2", "a": "1"},
	}
	const want = `<?xml version="1.0" encoding="UTF-8"?>
<x>
  <addresses type="array">
    <address>b</address>
  </addresses>
  <at type="dateTime">2016-11-08T11:28:50+02:00</at>
  <can-expense-for type="array">
    <can-expense-for>
      <id type="integer">4</id>
    </can-expense-for>
  </can-expense-for>
  <categories type="array">
    <category>a</category>
  </categories>
  <empty></empty>
  <empty-object></empty-object>
  <fraction type="float">-0.25</fraction>
  <int type="integer">7</int>
  <int64 type="integer">-8</int64>
  <json-float type="float">1.50</json-float>
  <json-int type="integer">12</json-int>
  <matrix type="array">
    <matrix type="array">
      <matrix type="integer">1</matrix>
    </matrix>
  </matrix>
  <nested>
    <a>1</a>
    <b>2</b>
  </nested>
  <no type="boolean">false</no>
  <none nil="true"/>
  <nothing type="array"/>
  <roles type="array">
    <role>Admin</role>
    <role>User</role>
  </roles>
  <text>42</text>
  <utc type="dateTime">2024-03-01T08:00:00.5Z</utc>
  <whole type="integer">42</whole>
  <yes type="boolean">true</yes>
</x>
`
	got, err := Marshal("x", v, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestMarshalLeaves checks one leaf at a time: the type attribute chosen from
// the value and the schema, and the text.
func TestMarshalLeaves(t *testing.T) {
	str := openapi3.NewStringSchema
	dateTime := str().WithFormat("date-time")
	decimal := str()
	decimal.Extensions = map[string]any{xmlTypeExtension: "decimal"}
	symbol := str()
	symbol.Extensions = map[string]any{xmlTypeExtension: "symbol"}
	// A nullable $ref in OpenAPI 3.0 is written as a one-branch allOf.
	nullableDateTime := &openapi3.Schema{Nullable: true, AllOf: openapi3.SchemaRefs{openapi3.NewSchemaRef("", dateTime)}}
	for _, tc := range []struct {
		name   string
		v      any
		schema *openapi3.Schema
		want   string
	}{
		{"string", "abc", nil, `<x>abc</x>`},
		{"empty string", "", nil, `<x></x>`},
		{"escaping", "a < b && c > d ]]> \"q\" 'a'\r\n\tend", nil, "<x>a &lt; b &amp;&amp; c &gt; d ]]&gt; \"q\" 'a'&#xD;\n\tend</x>"},
		{"string where the schema says integer", "42", openapi3.NewIntegerSchema(), `<x type="string">42</x>`},
		{"empty string where the schema says integer", "", openapi3.NewIntegerSchema(), `<x type="string"></x>`},
		{"string where the schema says array", "a", openapi3.NewArraySchema(), `<x type="string">a</x>`},
		{"string where the schema says object", "", openapi3.NewObjectSchema(), `<x type="string"></x>`},
		{"number-like string where the schema says integer or string", "42", &openapi3.Schema{Type: &openapi3.Types{"integer", "string"}}, `<x type="string">42</x>`},
		{"other string where the schema says integer or string", "abc", &openapi3.Schema{Type: &openapi3.Types{"integer", "string"}}, `<x>abc</x>`},
		{"white space where the schema says object", " ", openapi3.NewObjectSchema(), `<x type="string"> </x>`},
		{"dateTime", "2016-11-08T11:28:50+02:00", dateTime, `<x type="dateTime">2016-11-08T11:28:50+02:00</x>`},
		{"dateTime through allOf", "2016-11-08T11:28:50Z", nullableDateTime, `<x type="dateTime">2016-11-08T11:28:50Z</x>`},
		{"not a dateTime", "soon", dateTime, `<x>soon</x>`},
		{"decimal", "10.00", decimal, `<x type="decimal">10.00</x>`},
		{"not a decimal", "ten", decimal, `<x>ten</x>`},
		{"symbol", "saml", symbol, `<x type="symbol">saml</x>`},
		{"whole number", 3.0, nil, `<x type="integer">3</x>`},
		{"whole number, schema number", 3.0, openapi3.NewFloat64Schema(), `<x type="float">3</x>`},
		{"fraction, schema integer", 1.5, openapi3.NewIntegerSchema(), `<x type="float">1.5</x>`},
		{"number where the schema says string", 5.0, str(), `<x type="integer">5</x>`},
		{"negative zero", math.Copysign(0, -1), nil, `<x type="integer">-0</x>`},
		{"large integer", 1e21, nil, `<x type="integer">1000000000000000000000</x>`},
		{"large float", 1e22, openapi3.NewFloat64Schema(), `<x type="float">1e+22</x>`},
		{"small float", 1.5e-7, nil, `<x type="float">1.5e-07</x>`},
		{"bool where the schema says string", true, str(), `<x type="boolean">true</x>`},
		{"nil", nil, nil, `<x nil="true"/>`},
		{"nil integer", nil, openapi3.NewIntegerSchema(), `<x type="integer" nil="true"/>`},
		{"nil number", nil, openapi3.NewFloat64Schema(), `<x type="float" nil="true"/>`},
		{"nil boolean", nil, openapi3.NewBoolSchema(), `<x type="boolean" nil="true"/>`},
		{"nil dateTime", nil, nullableDateTime, `<x type="dateTime" nil="true"/>`},
		{"nil decimal", nil, decimal, `<x type="decimal" nil="true"/>`},
		{"nil symbol", nil, symbol, `<x type="symbol" nil="true"/>`},
		{"nil string", nil, str(), `<x nil="true"/>`},
		{"nil object", nil, openapi3.NewObjectSchema(), `<x nil="true"/>`},
		{"3.1 nullable integer", nil, &openapi3.Schema{Type: &openapi3.Types{"null", "integer"}}, `<x type="integer" nil="true"/>`},
		{"unknown extension value", "v", &openapi3.Schema{Type: &openapi3.Types{"string"}, Extensions: map[string]any{xmlTypeExtension: "yaml"}}, `<x>v</x>`},
		{"items named by xml.name", []any{1.0}, openapi3.NewArraySchema().WithItems(&openapi3.Schema{XML: &openapi3.XML{Name: "entry"}}), "<x type=\"array\">\n  <entry type=\"integer\">1</entry>\n</x>"},
		{"items named after a singular", []any{"a"}, nil, "<x type=\"array\">\n  <x>a</x>\n</x>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Marshal("x", tc.v, tc.schema)
			if err != nil {
				t.Fatal(err)
			}
			want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + tc.want + "\n"
			if string(got) != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
			// Whatever Marshal writes, Unmarshal reads back the same.
			if m, ok := tc.v.(map[string]any); ok && len(m) == 0 {
				return
			}
			_, back, err := Unmarshal(got, tc.schema)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, tc.v) {
				t.Errorf("read back %#v, want %#v", back, tc.v)
			}
		})
	}
}

func TestSingular(t *testing.T) {
	for name, want := range map[string]string{
		"roles":                   "role",
		"users":                   "user",
		"categories":              "category",
		"addresses":               "address",
		"inventory-organizations": "inventory-organization",
		"can-expense-for":         "can-expense-for",
		"expenses-delegated-to":   "expenses-delegated-to",
		"s":                       "s",
		"ies":                     "ie",
	} {
		if got := singular(name); got != want {
			t.Errorf("singular(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestMarshalFailures(t *testing.T) {
	deep := any("leaf")
	for range 64 {
		deep = map[string]any{"a": deep}
	}
	for _, tc := range []struct {
		name     string
		root     string
		v        any
		wantPath string
		wantMsg  string
	}{
		{"NaN", "x", map[string]any{"n": math.NaN()}, "x/n", "finite"},
		{"infinity", "x", []any{math.Inf(1)}, "x/x[1]", "finite"},
		{"unsupported type", "x", map[string]any{"tags": []string{"a"}}, "x/tags", "cannot write a value of type []string"},
		{"unsupported leaf", "x", map[string]any{"n": int32(1)}, "x/n", "type int32"},
		{"empty root name", "", "v", "", `element name ""`},
		{"key with a space", "x", map[string]any{"a b": "v"}, "x", `element name "a b"`},
		{"key starting with a digit", "x", map[string]any{"1a": "v"}, "x", `element name "1a"`},
		{"key with a colon", "x", map[string]any{"a:b": "v"}, "x", `element name "a:b"`},
		{"non-ASCII key", "x", map[string]any{"prénom": "v"}, "x", `element name "prénom"`},
		{"invalid UTF-8", "x", map[string]any{"s": "\xff"}, "x/s", "not valid UTF-8"},
		{"NUL", "x", map[string]any{"s": "a\x00"}, "x/s", "U+0000"},
		{"non-character", "x", "\uFFFE", "x", "U+FFFE"},
		{"bad json.Number", "x", json.Number("1,5"), "x", "not a number"},
		{"huge json.Number", "x", json.Number("1e999"), "x", "out of range"},
		{"too deep", "x", deep, "x" + strings.Repeat("/a", 64), "deeper than 64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Marshal(tc.root, tc.v, nil)
			if err == nil {
				t.Fatalf("no error; wrote\n%s", b)
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

func TestMarshalErrorsBody(t *testing.T) {
	got := MarshalErrors([]string{"Login has already been taken", "Tricky ]]> & <b>", "bad \x00 \xff"})
	const want = `<?xml version="1.0" encoding="UTF-8"?>
<errors>
  <error><![CDATA[Login has already been taken]]></error>
  <error><![CDATA[Tricky ]]]]><![CDATA[> & <b>]]></error>
  <error><![CDATA[bad ` + "\uFFFD \uFFFD" + `]]></error>
</errors>
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	root, v, err := Unmarshal(got, schema(t, "Errors"))
	if err != nil {
		t.Fatal(err)
	}
	if wantV := []any{"Login has already been taken", "Tricky ]]> & <b>", "bad \uFFFD \uFFFD"}; root != "errors" || !reflect.DeepEqual(v, wantV) {
		t.Errorf("read back %q %s", root, js(v))
	}

	empty := MarshalErrors(nil)
	if want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n<errors/>\n"; string(empty) != want {
		t.Errorf("no messages: got %q, want %q", empty, want)
	}
	if _, v, err := Unmarshal(empty, schema(t, "Errors")); err != nil || !reflect.DeepEqual(v, []any{}) {
		t.Errorf("no messages read back as %s, %v", js(v), err)
	}
}

// TestRoundTrip checks the promise of Marshal: what Unmarshal returns,
// Marshal with the same schema writes so that Unmarshal returns it again.
func TestRoundTrip(t *testing.T) {
	user := schema(t, "User")
	for _, tc := range []struct {
		name   string
		doc    string
		schema *openapi3.Schema
	}{
		{"coupa user with schema", coupaUser, user},
		{"coupa user without schema", coupaUser, nil},
		{"list of users", `<users type="array"><user><id>1</id></user><user><id type="integer" nil="true"/></user></users>`, openapi3.NewArraySchema().WithItems(user)},
		{"repeated names without schema", `<x><tag>a</tag><tag>b</tag></x>`, nil},
		{"repeated names with schema", `<user><roles><id>1</id></roles><roles><id>2</id></roles><login>a</login><login>b</login></user>`, user},
		{"typed strings under non-string schema", `<user><id type="string">abc</id><roles type="string"></roles><manager type="string">x</manager></user>`, user},
		{"untyped under schema", "<user><id>42</id><manager/><roles/><created-at> not a date </created-at><approval-limit><amount> 1.0</amount></approval-limit></user>", user},
		{"padded typed values", `<x><d type="decimal"> 1.5 </d><t type="dateTime">` + "\n2016-11-08T11:28:50Z\n" + `</t><s type="symbol"> a </s></x>`, nil},
		{"whitespace and escapes", "<x><a>  \n </a><b>&#xD;&#x9;&lt;&amp;</b><c><![CDATA[]]]]><![CDATA[>]]></c></x>", nil},
		{"floats", `<x><a type="float">1e300</a><b type="float">0.000001</b><c type="float">-1.5E-7</c><d type="integer">123456789012345678901234567890</d></x>`, nil},
		{"errors body", string(MarshalErrors([]string{"a", "b"})), schema(t, "Errors")},
		{"errors body without schema", string(MarshalErrors([]string{"a", "b"})), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			roundTrip(t, []byte(tc.doc), tc.schema)
		})
	}
}

// roundTrip checks the round-trip property for doc and reports whether doc
// was accepted at all.
func roundTrip(t *testing.T, doc []byte, s *openapi3.Schema) bool {
	t.Helper()
	root, v, err := Unmarshal(doc, s)
	if err != nil {
		return false
	}
	out, err := Marshal(root, v, s)
	if err != nil {
		t.Fatalf("Marshal of an Unmarshal result failed: %v\nvalue %#v", err, v)
	}
	root2, v2, err := Unmarshal(out, s)
	if err != nil {
		t.Fatalf("Unmarshal of Marshal output failed: %v\ndoc:\n%s", err, out)
	}
	if root2 != root || !reflect.DeepEqual(v2, v) {
		t.Fatalf("round trip changed the value\nfirst  %q %#v\nsecond %q %#v\ndoc:\n%s", root, v, root2, v2, out)
	}
	// And Marshal is deterministic.
	again, err := Marshal(root2, v2, s)
	if err != nil || string(again) != string(out) {
		t.Fatalf("second Marshal differs (%v):\n%s\nvs\n%s", err, again, out)
	}
	return true
}

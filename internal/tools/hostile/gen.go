package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// field is one element of a user as the API renders it, with the value of the sampled user.
type field struct {
	name  string
	value any
}

// fieldsOf lists the user's elements, sorted by name so that the same seed picks the same ones.
func fieldsOf(user map[string]any) []field {
	out := make([]field, 0, len(user))
	for k, v := range user {
		out = append(out, field{k, v})
	}
	slices.SortFunc(out, func(a, b field) int { return strings.Compare(a.name, b.name) })
	return out
}

// gen generates the requests of one category from its own random stream.
type gen struct {
	r      *rand.Rand
	fields []field
	serial int
}

func newGen(seed, stream uint64, fields []field) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, stream)), fields: fields}
}

func (g *gen) n(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// size is a size drawn from three ranges: small most of the time, big one time in ten.
func (g *gen) size(small, mid, big [2]int) int {
	switch x := g.r.Float64(); {
	case x < 0.6:
		return g.n(small[0], small[1])
	case x < 0.9:
		return g.n(mid[0], mid[1])
	}
	return g.n(big[0], big[1])
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *gen, xs ...T) T { return xs[g.r.IntN(len(xs))] }

// field picks an element of the user.
func (g *gen) field() field { return g.fields[g.r.IntN(len(g.fields))] }

// login is a login no other request uses, so that a body that is valid after all creates a user.
func (g *gen) login() string {
	g.serial++
	return fmt.Sprintf("hostile.%d.%d", g.r.Uint32(), g.serial)
}

// userID is the id of a seeded user, mostly, or a hostile one.
func (g *gen) userID() string {
	if g.chance(0.9) {
		return fmt.Sprint(g.n(1, 53))
	}
	return pick(g, "0", "-1", "99999999999999999999", "1e3", "0x10", "007", "1.5", "abc", "%00", "%20", "1%3Fx=1")
}

func (g *gen) userPath() string {
	return "/api/users/" + g.userID() + pick(g, "", "", "", ".json", ".xml")
}

// writeTarget is where a user body goes: a create or an update.
func (g *gen) writeTarget() (method, target string) {
	if g.chance(0.5) {
		return http.MethodPost, "/api/users" + pick(g, "", "", ".json", ".xml")
	}
	return pick(g, http.MethodPut, http.MethodPut, http.MethodPatch), g.userPath()
}

func (g *gen) accept() string {
	return pick(g, "application/json", "application/xml", "*/*", "", "text/html", "application/json;q=0.1, application/xml")
}

// bodyRequest is a write of body with the content type given and a token.
func (g *gen) bodyRequest(contentType string, body []byte) request {
	m, t := g.writeTarget()
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	if a := g.accept(); a != "" {
		h.Set("Accept", a)
	}
	return request{method: m, target: t, header: h, body: body, token: true}
}

// validJSON is a user body that a create accepts, as text, without the closing brace, so callers can add members.
func (g *gen) validJSONOpen() string {
	l := g.login()
	return fmt.Sprintf(`{"login":%q,"email":"%s@example.com","firstname":"Hos","lastname":"Tile"`, l, l)
}

func (g *gen) validJSON() string { return g.validJSONOpen() + "}" }

func (g *gen) validXMLInner() string {
	l := g.login()
	return fmt.Sprintf(`<login>%s</login><email>%s@example.com</email><firstname>Hos</firstname><lastname>Tile</lastname>`, l, l)
}

func (g *gen) validXML() string {
	return `<?xml version="1.0" encoding="UTF-8"?><user>` + g.validXMLInner() + `<roles type="array"><role><name>Buyer</name></role></roles></user>`
}

// odd is a string built to trouble a parser or a renderer: bad or odd UTF-8, controls, escapes, markup.
func (g *gen) odd() string {
	return pick(g,
		"\x00", "a\x00b", "\xff\xfe", "\xc0\xaf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80",
		"\x80", "abc\xe2\x82", "\u202e\u0644\u0627gnirts", "\u200f\u200e\u2066x\u2069", "e"+strings.Repeat("\u0301", g.n(10, 2000)),
		"\ufeff", "\uffff\ufffe", "\U0001F600\U0001F4A9", "\U0010FFFF", "\r\n", "\t\v\f", "<script>", "]]>", "&amp;", "'\"`",
		"%00", "%ff", "%c0%af", "%ed%a0%80", "%e2%80%ae", "%", "%zz", "%%", "+", "&", "=", "#", ";", "..", "\\", "${x}", "{{x}}",
		strings.Repeat("\u0000", 3), "\u2028\u2029", "\u00a0", "\U000E0001", "A\u030A\u0327\u20DD",
	)
}

// jsonOdd is odd as the body of a JSON string, raw bytes or escapes (lone surrogates, NUL) as the case may be.
func (g *gen) jsonOdd() string {
	if g.chance(0.3) {
		return pick(g, `\u0000`, `\ud800`, `\udc00\ud800`, `\ud83d`, `\uDFFF`, `\u`, `\u12`, `\x41`, `\'`, `\`, `\uffff`, `\u202e`)
	}
	return g.odd() // raw: controls make the JSON invalid, bad UTF-8 is replaced by the decoder
}

// escapeQuery percent-encodes s for a query, or leaves it raw (bad bytes and all) half the time.
func (g *gen) queryValue(s string) string {
	if g.chance(0.5) {
		return url.QueryEscape(s)
	}
	return rawEscape(s, "#&")
}

// rawEscape leaves s raw, bad UTF-8 and all, but for what would end the request line or would not be sent (spaces
// and controls) and the bytes of also.
func rawEscape(s, also string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f || strings.IndexByte(also, c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// longString is a string of about n bytes, one unit repeated.
func (g *gen) longString(n int) string {
	unit := pick(g, "a", "é", "\U0001F600", "<", "&", `"`, "\\", "ab", "\u202e")
	return strings.Repeat(unit, n/len(unit)+1)
}

// category is a kind of hostile request.
type category struct {
	name string
	// admin categories run after the others, alone; their writes may change what the others rely on.
	admin bool
	gen   func(*gen) request
}

var categories = []category{
	{name: "json-malformed", gen: (*gen).jsonMalformed},
	{name: "xml-malformed", gen: (*gen).xmlMalformed},
	{name: "deep-nesting", gen: (*gen).deepNesting},
	{name: "wide-bodies", gen: (*gen).wideBody},
	{name: "long-strings", gen: (*gen).longStrings},
	{name: "unicode", gen: (*gen).unicode},
	{name: "wrong-types", gen: (*gen).wrongTypes},
	{name: "query-filters", gen: (*gen).queryFilters},
	{name: "many-params", gen: (*gen).manyParams},
	{name: "odd-paths", gen: (*gen).oddPaths},
	{name: "methods", gen: (*gen).methods},
	{name: "content-types", gen: (*gen).contentTypes},
	{name: "credentials", gen: (*gen).credentials},
	{name: "oauth", gen: (*gen).oauth},
	{name: "xml-entities", gen: (*gen).xmlEntities},
	{name: "admin", admin: true, gen: (*gen).admin},
}

func (g *gen) jsonMalformed() request {
	valid := g.validJSONOpen() + `,"roles":[{"name":"Buyer"}],"manager":{"login":"x"},"active":true}`
	var body string
	switch g.r.IntN(4) {
	case 0: // truncated anywhere
		body = valid[:g.r.IntN(len(valid))]
	case 1: // one byte changed
		b := []byte(valid)
		b[g.r.IntN(len(b))] = pick(g, byte('{'), '}', '[', ']', '"', ',', ':', '\\', 0, 0xff, ' ')
		body = string(b)
	case 2: // a broken piece inserted
		i := g.r.IntN(len(valid))
		body = valid[:i] + pick(g, ",", ",,", `"`, `:`, "}", "]", "{", "[", "NaN", "Infinity", "-", "01", "1e", "0x1", "'a'",
			"/*c*/", "//c\n", "\x00", "\xef\xbb\xbf", "tru", "nul", `"\`, `\u12`) + valid[i:]
	default:
		body = pick(g, "", " ", "{", "}", "[", "]", `"`, "null", "true", "0", "-0", "1e999", "-1e999", `"user"`, "[]", "[{}]",
			`{"login"}`, `{"login":}`, `{"login":"a",}`, `{,}`, `{"a":1}{"b":2}`, `{} []`, "\xef\xbb\xbf{}", `{'login':'x'}`,
			`{"login":"x"`, `{"login":"x"}}`, `{"user":{"login":"x"}}`, `{"login":"x","login":"y"}`, "{\"login\":\"a\nb\"}",
			`{"login":01}`, `{"id":1.0e400}`, `{"active":tru}`, `{"roles":[,]}`, `{"roles":[{"name":"Buyer"},]}`, "\x00\x00",
			`{"__proto__":{"admin":true}}`, `{"constructor":{"prototype":{}}}`)
	}
	ct := pick(g, "application/json", "application/json; charset=utf-8", "")
	return g.bodyRequest(ct, []byte(body))
}

func (g *gen) xmlMalformed() request {
	valid := g.validXML()
	var body string
	switch g.r.IntN(4) {
	case 0:
		body = valid[:g.r.IntN(len(valid))]
	case 1:
		b := []byte(valid)
		b[g.r.IntN(len(b))] = pick(g, byte('<'), '>', '/', '&', '"', '=', 0, 0xff, ' ', '?', '!')
		body = string(b)
	case 2:
		i := g.r.IntN(len(valid))
		body = valid[:i] + pick(g, "<", ">", "</user>", "<user>", "&", "&bogus;", "&#0;", "&#xD800;", "&#99999999;", "<![CDATA[",
			"]]>", "<!--", "-->", "<?pi?>", "<?xml version=\"1.0\"?>", "\x00", "\xef\xbb\xbf", `type="integer"`, "<a b=c>", "</>") + valid[i:]
	default:
		body = pick(g, "", " ", "<", "<user", "<user>", "</user>", "<user/>", "<users><user/></users>", "<user></users>",
			"<?xml version=\"1.0\"?>", "<?xml version=\"2.0\"?><user/>", "<?xml version=\"1.0\" encoding=\"UTF-16\"?><user/>",
			"<?xml version=\"1.0\" encoding=\"EBCDIC\"?><user/>", "<user><login>a</login></user><user/>", "<user>text</user>",
			`<user><login type="array">x</login></user>`, `<user><id type="integer">abc</id></user>`, `<user nil="true"/>`,
			`<user><active type="boolean">maybe</active></user>`, `<user><roles type="array"><role>x</role></roles></user>`,
			`<user><login><![CDATA[x]]></login><login>y</login></user>`, `<u:user xmlns:u="urn:x"><u:login>x</u:login></u:user>`,
			`<user xmlns="urn:bogus"><login>x</login></user>`, `<user><login a="1" a="2">x</login></user>`, "<user><login>a<b</login></user>",
			`<user><created-at type="dateTime">yesterday</created-at></user>`, `<user><manager><id type="integer">-1</id></manager></user>`,
			"<user>\x00</user>", "<\xff/>", "<user><login>\xff\xfe</login></user>")
	}
	ct := pick(g, "application/xml", "text/xml", "application/xml; charset=utf-8", "")
	return g.bodyRequest(ct, []byte(body))
}

func (g *gen) deepNesting() request {
	depth := g.size([2]int{50, 1000}, [2]int{1000, 10000}, [2]int{10000, 60000})
	if g.chance(0.5) {
		pair := pick(g, [2]string{"[", "]"}, [2]string{`{"a":`, "}"}, [2]string{`[{"a":`, "}]"}, [2]string{`{"roles":[`, "]}"})
		inner := strings.Repeat(pair[0], depth) + "1" + strings.Repeat(pair[1], depth*g.n(0, 1)) // closed, or left open
		var body string
		switch g.r.IntN(3) {
		case 0:
			body = inner
		case 1:
			body = g.validJSONOpen() + `,"` + g.field().name + `":` + inner + "}"
		default:
			body = g.validJSONOpen() + `,"roles":[{"name":` + inner + "}]}"
		}
		return g.bodyRequest("application/json", []byte(body))
	}
	el := pick(g, "a", "user", "roles", "role", "manager", "x")
	attr := pick(g, "", ` type="array"`, ` type="hash"`, ` nil="true"`)
	inner := strings.Repeat("<"+el+attr+">", depth) + "x"
	if g.chance(0.8) {
		inner += strings.Repeat("</"+el+">", depth)
	}
	var body string
	if g.chance(0.5) {
		body = "<user>" + g.validXMLInner() + "<" + g.field().name + ">" + inner + "</" + "x" + "></user>"
	} else {
		body = "<user>" + inner + "</user>"
	}
	return g.bodyRequest(pick(g, "application/xml", "text/xml"), []byte(body))
}

func (g *gen) wideBody() request {
	n := g.size([2]int{100, 1000}, [2]int{1000, 5000}, [2]int{5000, 60000})
	var b strings.Builder
	if g.chance(0.5) {
		b.WriteString(g.validJSONOpen())
		switch g.r.IntN(4) {
		case 0: // many unknown keys
			for i := range n {
				fmt.Fprintf(&b, `,"k%d":%d`, i, i)
			}
		case 1: // the same key many times
			for range n {
				b.WriteString(`,"firstname":"x"`)
			}
		case 2: // many roles
			b.WriteString(`,"roles":[`)
			for i := range n {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(pick(g, `{"name":"Buyer"}`, `{"id":1}`, `{}`, `1`, `"Buyer"`))
			}
			b.WriteByte(']')
		default: // a wide array in a scalar element
			fmt.Fprintf(&b, `,%q:[`, g.field().name)
			for i := range n {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString("0")
			}
			b.WriteByte(']')
		}
		b.WriteByte('}')
		return g.bodyRequest("application/json", []byte(b.String()))
	}
	b.WriteString("<user>" + g.validXMLInner())
	switch g.r.IntN(3) {
	case 0:
		for i := range n {
			fmt.Fprintf(&b, "<k%d>%d</k%d>", i, i, i)
		}
	case 1:
		b.WriteString(`<roles type="array">`)
		for range n {
			b.WriteString("<role><name>Buyer</name></role>")
		}
		b.WriteString("</roles>")
	default:
		b.WriteString("<firstname")
		for i := range n / 4 {
			fmt.Fprintf(&b, ` a%d="%d"`, i, i)
		}
		b.WriteString(">x</firstname>")
	}
	b.WriteString("</user>")
	return g.bodyRequest("application/xml", []byte(b.String()))
}

func (g *gen) longStrings() request {
	s := g.longString(g.size([2]int{100, 5_000}, [2]int{5_000, 40_000}, [2]int{40_000, 600_000}))
	switch g.r.IntN(5) {
	case 0, 1:
		body := g.validJSONOpen() + fmt.Sprintf(`,%q:%s}`, g.field().name, mustJSON(s))
		return g.bodyRequest("application/json", []byte(body))
	case 2:
		el := g.field().name
		body := "<user>" + g.validXMLInner() + "<" + el + ">" + xmlEscape(s) + "</" + el + "></user>"
		return g.bodyRequest("application/xml", []byte(body))
	case 3: // in a query value (the request line is bounded by the server's header limit)
		key := pick(g, "login", "email", "login[starts_with]", "fields", "order_by", "filter", "roles[name]", g.field().name)
		return request{method: http.MethodGet, target: "/api/users?" + key + "=" + url.QueryEscape(s[:min(len(s), 200_000)]),
			header: http.Header{"Accept": {g.accept()}}, token: true}
	default: // in a path segment
		return request{method: pick(g, http.MethodGet, http.MethodPut), target: "/api/users/" + g.userID() + url.PathEscape(s[:min(len(s), 200_000)]),
			header: http.Header{"Accept": {g.accept()}}, token: true}
	}
}

func (g *gen) unicode() request {
	s := g.odd()
	switch g.r.IntN(6) {
	case 0, 1: // a JSON body
		body := g.validJSONOpen() + fmt.Sprintf(`,%q:"%s"}`, g.field().name, g.jsonOdd())
		if g.chance(0.2) { // in a key too
			body = g.validJSONOpen() + fmt.Sprintf(`,"%s":"x"}`, g.jsonOdd())
		}
		return g.bodyRequest("application/json", []byte(body))
	case 2: // an XML body
		el := g.field().name
		if g.chance(0.2) {
			el = "x" + s
		}
		body := "<user>" + g.validXMLInner() + "<" + el + ">" + s + "</" + el + "></user>"
		return g.bodyRequest("application/xml", []byte(body))
	case 3: // a query value
		key := pick(g, "login", "email", "firstname[contains]", "login[starts_with]", "fields", "order_by", "dir", "status",
			"limit", "filter", "roles[name]", "manager[login]", "created_at[gt]", "id[in]")
		return request{method: http.MethodGet, target: "/api/users?" + key + "=" + g.queryValue(s),
			header: http.Header{"Accept": {g.accept()}}, token: true}
	case 4: // a query key
		return request{method: http.MethodGet, target: "/api/users?" + g.queryValue(s) + "=1&" + g.queryValue("login["+s+"]") + "=x",
			header: http.Header{"Accept": {g.accept()}}, token: true}
	default: // a path
		seg := url.PathEscape(s)
		if g.chance(0.5) {
			seg = rawEscape(s, "#?")
		}
		return request{method: pick(g, http.MethodGet, http.MethodPut, http.MethodHead), target: pick(g, "/api/users/", "/api/users/1", "/_admin/response-filters/", "/") + seg,
			header: http.Header{"Accept": {g.accept()}}, token: true}
	}
}

// wrongValues are JSON values of every kind, for elements of any kind.
var wrongValues = []string{`"str"`, `""`, `" "`, `0`, `-1`, `1.5`, `1e309`, `-1e309`, `9223372036854775808`,
	`-9223372036854775809`, `18446744073709551616`, `true`, `false`, `null`, `[]`, `[1,"a",null]`, `[[]]`, `{}`, `{"id":"x"}`,
	`{"id":-1}`, `{"id":1.5}`, `{"login":[]}`, `{"name":{}}`, `[{"id":true}]`, `"2026-13-45T25:61:61Z"`, `"1"`, `"true"`, `"null"`}

func (g *gen) wrongTypes() request {
	f := g.field()
	if g.chance(0.6) {
		v := pick(g, wrongValues...)
		switch x := f.value.(type) {
		case map[string]any: // a member of an associated object
			if len(x) > 0 && g.chance(0.5) {
				keys := make([]string, 0, len(x))
				for k := range x {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				v = fmt.Sprintf(`{%q:%s}`, pick(g, keys...), v)
			}
		case []any:
			if g.chance(0.5) {
				v = "[" + v + "]"
			}
		}
		body := g.validJSONOpen() + fmt.Sprintf(`,%q:%s}`, f.name, v)
		if g.chance(0.15) { // the required elements wrong too
			body = fmt.Sprintf(`{"login":%s,"email":%s,"firstname":%s,"lastname":%s}`,
				pick(g, wrongValues...), pick(g, wrongValues...), pick(g, wrongValues...), pick(g, wrongValues...))
		}
		return g.bodyRequest("application/json", []byte(body))
	}
	typ := pick(g, "", "integer", "boolean", "dateTime", "date", "array", "float", "decimal", "symbol", "hash", "yaml",
		"base64Binary", "string", "bogus", "INTEGER")
	attrs := ""
	if typ != "" {
		attrs = ` type="` + typ + `"`
	}
	if g.chance(0.2) {
		attrs += pick(g, ` nil="true"`, ` nil="false"`, ` nil="maybe"`, ` nil=""`)
	}
	text := pick(g, "abc", "", " ", "1", "-1", "1.5", "1e99", "99999999999999999999", "true", "yes", "2026-13-45", "<x>1</x>",
		"<id>x</id>", "<role><name>Buyer</name></role>", "<a><b/></a>", "=", "AAAA====", "--- !ruby/object:Object {}")
	body := "<user>" + g.validXMLInner() + "<" + f.name + attrs + ">" + text + "</" + f.name + "></user>"
	return g.bodyRequest("application/xml", []byte(body))
}

var operators = []string{"", "contains", "starts_with", "ends_with", "not_eq", "gt", "lt", "gt_or_eq", "lt_or_eq", "in",
	"not_in", "blank", "eq", "bogus", "", "GT", " gt", "gt ", "]", "[", "starts_with][x", "0", "-1", "__proto__"}

func (g *gen) queryKey() string {
	name := g.field().name
	if g.chance(0.5) {
		name = strings.ReplaceAll(name, "-", "_")
	}
	if g.chance(0.15) {
		name = pick(g, "bogus", "", "[", "]", "[]", "roles", "manager", "roles[name]", "manager[login]", "default_address[city]",
			"a[b][c][d][e][f]", "login[]", "login[][]", "roles[][name]", "id[gt][lt]", "manager[manager][manager][login]")
	}
	if op := pick(g, operators...); op != "" {
		name += "[" + op + "]"
	}
	return name
}

func (g *gen) queryValueOf() string {
	return pick(g, "x", "", "abc", "1", "-1", "0", "1e99", "1.5", "99999999999999999999", "true", "maybe", "null", "2026-01-01",
		"2026-13-45T99:99:99Z", "a,b,c", ",", ",,,,", "[", "]", `["id"]`, "%", "%zz", g.odd(), strings.Repeat("a,", g.n(1, 3000)))
}

func (g *gen) queryFilters() request {
	var parts []string
	for range g.n(1, 6) {
		switch g.r.IntN(4) {
		case 0, 1:
			parts = append(parts, g.queryValue(g.queryKey())+"="+g.queryValue(g.queryValueOf()))
		case 2:
			k := pick(g, "limit", "offset", "order_by", "dir", "status", "return_object", "filter", "fields", "_")
			v := pick(g, "1e99", "-1", "0", "51", "50", "9223372036854775807", "9223372036854775808", "99999999999999999999999",
				"abc", "", "1.5", " 1", "0x10", "+1", "limited", "asc", "DESC", "active", "inactive", "shallow", "none", "bogus",
				"[", "]", `["id"`, `["id",]`, `[{"roles":[["name"]]}]`, `[{"roles":`, `["id","login",{"manager":["login"]}]`,
				`[1,2]`, `[null]`, `[""]`, `{}`, `[{}]`, `[{"a":"b"}]`, `["`+strings.Repeat("x", 300)+`"]`, g.odd(), g.deepFields())
			parts = append(parts, k+"="+g.queryValue(v))
		default:
			parts = append(parts, pick(g, "login", "=", "&", "==", "login==x", "login[=x", "login]=x", "[x]=1", "a=1=2", "%=1",
				"login=%", "login%5Bgt%5D=x", "id[gt]=abc", "fields=[", "limit=1&limit=2", "offset=1e99", "limit=-5"))
		}
	}
	target := "/api/users" + pick(g, "", "", ".json", ".xml")
	if g.chance(0.15) {
		target = g.userPath()
	}
	return request{method: pick(g, http.MethodGet, http.MethodGet, http.MethodHead), target: target + "?" + strings.Join(parts, "&"),
		header: http.Header{"Accept": {g.accept()}}, token: true}
}

// deepFields is a fields= list (or a response filter) nested deep, through an association.
func (g *gen) deepFields() string {
	d := g.size([2]int{10, 200}, [2]int{200, 3000}, [2]int{3000, 20000})
	assoc := pick(g, "manager", "roles", "default-address", "bogus")
	return "[" + strings.Repeat(`{"`+assoc+`":[`, d) + `"id"` + strings.Repeat("]}", d) + "]"
}

func (g *gen) manyParams() request {
	n := g.size([2]int{100, 1000}, [2]int{1000, 3000}, [2]int{3000, 30000})
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte('&')
		}
		switch g.r.IntN(4) {
		case 0:
			fmt.Fprintf(&b, "p%d=%d", i, i)
		case 1:
			b.WriteString("login=x")
		case 2:
			fmt.Fprintf(&b, "%s=%d", g.queryValue(g.queryKey()), i)
		default:
			b.WriteString("a")
		}
	}
	return request{method: http.MethodGet, target: "/api/users?" + b.String(), header: http.Header{"Accept": {g.accept()}}, token: true}
}

func (g *gen) oddPaths() request {
	p := pick(g, "/api/users/../../_admin", "/api/users/../../_admin/state", "/api/users/%2e%2e/%2e%2e/_admin",
		"/api/users/%2e%2e%2f%2e%2e%2f_admin/reset", "/api/users/..%2f..%2f_admin", "/api/users/%00", "/api/users/1%00",
		"/api/users/99999999999999999999", "/api/users/-1", "/api/users/0", "/api/users/1.5", "/api/users/1e3", "/api/users/0x1",
		"/api/users/1.json.xml", "/api/users/1.yaml", "/api/users/1.", "/api/users/.json", "/api/users/1;jsessionid=x",
		"/api/users/1%3Ffields=[\"id\"]", "/api/users/1%2F2", "/api/users/1/", "/api/users/1/roles", "/api/users//1",
		"/api//users", "/api/users/%", "/api/users/%zz", "/api/users/%c0%af", "/api/users/%ff", "/api/users/\xff",
		"/api/users/\\..\\..\\_admin", "/API/USERS", "/api/Users/1", "/api/users/ 1", "/api/users/1 ", "/api/users/%201",
		"/api/users/"+strings.Repeat("9", g.n(20, 5000)), "/api/users/"+strings.Repeat("../", g.n(1, 500))+"etc/passwd",
		"/api/users/1"+strings.Repeat("/x", g.n(1, 2000)), "/_admin/../api/users", "/_admin/%2e%2e/api/users", "/_admin/",
		"/_admin/nope", "/_admin//state", "/_admin/response-filters/%00", "/_admin/response-filters/..",
		"/oauth2/token/", "/oauth2/token/../token", "/oauth2//token", "/healthz/../_admin/state", "/openapi.yaml/x",
		"/openapi.json%00", "/", "*", "", "/.", "/..", "/%2e", "http://evil.example/api/users", "//evil.example/api/users",
		"/api/users?"+strings.Repeat("&", g.n(1, 3000)), "/api/users#frag", "/api/users?#")
	return request{method: pick(g, http.MethodGet, http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPost),
		target: p, header: http.Header{"Accept": {g.accept()}}, token: true}
}

var routes = []string{"/api/users", "/api/users.json", "/api/users.xml", "/api/users/1", "/api/users/2.json",
	"/api/users/3.xml", "/api/users/999", "/oauth2/token", "/oauth2/access_tokens", "/openapi.yaml", "/openapi.json",
	"/healthz", "/", "/_admin", "/_admin/", "/_admin/reset", "/_admin/users", "/_admin/state", "/_admin/faults",
	"/_admin/clock", "/_admin/clock/advance", "/_admin/tokens", "/_admin/response-filters", "/_admin/response-filters/x"}

func (g *gen) methods() request {
	m := pick(g, "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND", "MKCOL", "LOCK", "FOO",
		"get", "Post", "M-SEARCH", "PURGE", strings.Repeat("X", g.n(1, 200)))
	route := pick(g, routes...)
	h := http.Header{"Accept": {g.accept()}}
	var body []byte
	if g.chance(0.5) {
		// Admin writes need a JSON type or the admin header: neither here, so this category never changes the state.
		if !strings.HasPrefix(route, "/_admin") {
			h.Set("Content-Type", pick(g, "application/json", "application/xml", "application/x-www-form-urlencoded"))
		} else {
			h.Set("Content-Type", "text/plain")
		}
		body = []byte(pick(g, g.validJSON(), g.validXML(), "grant_type=client_credentials", "x", ""))
	}
	if g.chance(0.3) {
		h.Set("Max-Forwards", "0")
	}
	return request{method: m, target: route, header: h, body: body, token: !strings.HasPrefix(route, "/_admin")}
}

func (g *gen) contentTypes() request {
	ct := pick(g, "", "application/json", "application/xml", "text/xml", "text/plain", "text/json", "application/json; charset=latin1",
		"application/json; charset=utf-16", "application/xml; charset=ebcdic", "application/json;;;", "application/json; =x",
		"application/vnd.api+json", "application/problem+xml", "application/x-www-form-urlencoded", "multipart/form-data",
		"multipart/form-data; boundary=", "*/*", "application/*", "application/json, application/xml", ";;;==", "application",
		"/", "application/json\xff", "application/"+strings.Repeat("x", g.n(100, 5000)), "APPLICATION/JSON", " application/xml ",
		"application/octet-stream", "image/png")
	accept := pick(g, "", "application/json", "application/xml", "text/xml", "*/*", "*", "application/*", "text/*;q=0.5",
		"application/xml;q=abc", "*/*;q=0", "application/json;q=0, application/xml;q=0", "application/json;q=2",
		"application/vnd.api+json", "text/html", ";;;", ",,,", "application/json\xff", strings.Repeat("application/xml;q=0.1,", g.n(10, 2000)),
		"image/png", "application/json;charset=utf-16")
	body := []byte(pick(g, g.validJSON(), g.validXML(), "login=x&email=y", "", "\x89PNG\r\n\x1a\n", "--x\r\n\r\n--x--"))
	h := http.Header{}
	if ct != "" {
		h.Set("Content-Type", ct)
	}
	if accept != "" {
		h.Set("Accept", accept)
	}
	if g.chance(0.1) {
		h["Content-Type"] = []string{"application/json", "application/xml"}
	}
	m, t := g.writeTarget()
	if g.chance(0.3) {
		m, t, body = http.MethodGet, pick(g, "/api/users", g.userPath(), "/api/users?limit=2"), nil
	}
	return request{method: m, target: t, header: h, body: body, token: true}
}

func (g *gen) credentials() request {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	raw := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	h := http.Header{"Accept": {g.accept()}}
	token := false
	switch g.r.IntN(4) {
	case 0:
		h.Set("Authorization", pick(g, "", "Bearer", "Bearer ", "Bearer  ", "bearer x", "BEARER x", "Bearer garbage", "Bearer a.b.c",
			"Bearer ..", "Bearer "+strings.Repeat("A", g.n(100, 8000)), "Bearer \xff\xfe", "Bearer x y z", "Token x", "Digest x",
			"Basic", "Basic !!!", "Basic ====", "Basic "+b64("coupa-fake-client"), "Basic "+b64(":"), "Basic "+b64("\xff:\xfe"),
			"Basic "+b64("coupa-fake-client:coupa-fake-secret"), "Basic "+b64(strings.Repeat("x", g.n(100, 5000))),
			"Bearer "+raw(`{"alg":"none","typ":"JWT"}`)+"."+raw(`{"sub":"coupa-fake-client","scope":"core.user.read core.user.write","exp":9999999999}`)+".",
			"Bearer "+raw(`{"alg":"HS256","typ":"JWT"}`)+"."+raw(`{"sub":"coupa-fake-client","exp":1}`)+"."+raw("sig"),
			"Bearer "+raw(`{"alg":"HS256"}`)+"."+raw(`{"exp":"tomorrow","iat":-1,"scope":[1]}`)+"."+raw("x"),
			"Bearer "+raw(`{"alg":"RS256"}`)+"."+raw(`not json`)+"."+raw("x"), "Bearer "+raw(`{`)+"."+raw(`}`)+".",
			"Bearer "+strings.Repeat("a.", g.n(2, 3000)), "Bearer %00", "Bearer \t x"))
	case 1:
		h.Set("X-Coupa-Api-Key", pick(g, "", "x", "0123456789abcdef0123456789abcdef0123456", "0123456789abcdef0123456789abcdef012345678",
			"0123456789ABCDEF0123456789ABCDEF01234567", strings.Repeat("0", g.n(100, 10000)), "\xff\xfe", " 0123456789abcdef0123456789abcdef01234567"))
		if g.chance(0.3) {
			h.Set("Authorization", "Bearer x")
		}
	case 2: // several credentials at once, or repeated
		h["Authorization"] = []string{"Bearer x", "Bearer y"}
		if g.chance(0.5) {
			token = true
			h["Authorization"] = nil
			h.Set("X-Coupa-Api-Key", "bogus")
		}
	default: // a huge header, with the valid token, so it is the header that is judged
		token = true
		n := g.size([2]int{1_000, 30_000}, [2]int{30_000, 300_000}, [2]int{1_100_000, 1_300_000})
		h.Set(pick(g, "Cookie", "X-Padding", "Referer", "User-Agent", "Accept-Language"), strings.Repeat("a", n))
		if g.chance(0.3) {
			for i := range g.n(100, 3000) {
				h.Set(fmt.Sprintf("X-H%d", i), "v")
			}
		}
	}
	m, t := http.MethodGet, pick(g, "/api/users", g.userPath(), "/api/users?limit=1")
	var body []byte
	if g.chance(0.3) {
		m, t = g.writeTarget()
		h.Set("Content-Type", "application/json")
		body = []byte(g.validJSON())
	}
	return request{method: m, target: t, header: h, body: body, token: token}
}

func (g *gen) oauth() request {
	form := url.Values{}
	switch g.r.IntN(3) {
	case 0:
		form.Set("grant_type", pick(g, "client_credentials", "password", "authorization_code", "refresh_token", "implicit",
			"urn:ietf:params:oauth:grant-type:jwt-bearer", "", "CLIENT_CREDENTIALS", "client_credentials ", g.odd(), strings.Repeat("x", g.n(10, 5000))))
	case 1:
		form["grant_type"] = []string{"client_credentials", pick(g, "client_credentials", "password")}
	}
	if g.chance(0.7) {
		var scopes []string
		for range pick(g, 0, 1, g.n(2, 20), g.n(100, 3000)) {
			scopes = append(scopes, pick(g, "core.user.read", "core.user.write", "core.bogus", "", "*", "core.user.read.extra", g.odd()))
		}
		form.Set("scope", strings.Join(scopes, pick(g, " ", "+", ",", "  ", "\t")))
	}
	// Wrong secrets name the reader client or unknown ones, never coupa-fake-client: its lockout would stop the
	// renewal of the token the other categories use.
	pair := pick(g, [2]string{"coupa-fake-client", "coupa-fake-secret"}, [2]string{"coupa-fake-reader", "wrong"},
		[2]string{"coupa-fake-reader", ""}, [2]string{"nobody", "x"}, [2]string{"", ""}, [2]string{g.odd(), g.odd()},
		[2]string{strings.Repeat("c", g.n(10, 3000)), "s"})
	h := http.Header{}
	switch g.r.IntN(4) {
	case 0:
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(pair[0]+":"+pair[1])))
	case 1:
		form.Set("client_id", pair[0])
		form.Set("client_secret", pair[1])
	case 2: // both, disagreeing
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("coupa-fake-client:coupa-fake-secret")))
		form.Set("client_id", pair[0])
	default:
		h.Set("Authorization", pick(g, "Basic !!!", "Basic", "Bearer x", "Basic "+base64.StdEncoding.EncodeToString([]byte("nocolon"))))
	}
	body := form.Encode()
	switch g.r.IntN(6) {
	case 0:
		body = pick(g, "grant_type=%zz", "%", "&&&", "grant_type", "=client_credentials", `{"grant_type":"client_credentials"}`,
			"<grant_type>client_credentials</grant_type>", "grant_type=client_credentials&"+strings.Repeat("x=y&", g.n(10, 6000)),
			"scope="+strings.Repeat("core.user.read+", g.n(1000, 3000)), "\x00", "grant_type=client_credentials\xff")
	case 1:
		h.Set("Origin", pick(g, "https://evil.example", "null", "http://127.0.0.1:1"))
		h.Set("Sec-Fetch-Site", pick(g, "cross-site", "same-site", "same-origin", "bogus"))
	}
	h.Set("Content-Type", pick(g, "application/x-www-form-urlencoded", "application/x-www-form-urlencoded", "application/json",
		"multipart/form-data", "", "text/plain", "application/x-www-form-urlencoded; charset=bogus"))
	if h.Get("Content-Type") == "" {
		h.Del("Content-Type")
	}
	m := pick(g, http.MethodPost, http.MethodPost, http.MethodPost, http.MethodGet, http.MethodPut)
	t := pick(g, "/oauth2/token", "/oauth2/access_tokens")
	if m == http.MethodGet {
		return request{method: m, target: t + "?" + rawEscape(body, "#"), header: h}
	}
	return request{method: m, target: t, header: h, body: []byte(body)}
}

func (g *gen) xmlEntities() request {
	var body string
	switch g.r.IntN(7) {
	case 0: // billion laughs
		levels := g.n(3, 12)
		var d strings.Builder
		d.WriteString(`<?xml version="1.0"?><!DOCTYPE user [<!ENTITY l0 "lol">`)
		for i := 1; i <= levels; i++ {
			fmt.Fprintf(&d, `<!ENTITY l%d "%s">`, i, strings.Repeat(fmt.Sprintf("&l%d;", i-1), 10))
		}
		fmt.Fprintf(&d, `]><user><login>&l%d;</login><email>a@example.com</email></user>`, levels)
		body = d.String()
	case 1: // external entities
		body = `<?xml version="1.0"?><!DOCTYPE user [<!ENTITY xxe SYSTEM "` + pick(g, "file:///etc/passwd", "file:///dev/random",
			"http://127.0.0.1:1/", "http://169.254.169.254/latest/meta-data/", "expect://id", "php://filter/resource=x") +
			`">]><user><login>&xxe;</login><email>a@example.com</email></user>`
	case 2: // parameter entities
		body = `<?xml version="1.0"?><!DOCTYPE user [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]><user><login>x</login></user>`
	case 3: // a DOCTYPE alone, or an external DTD
		body = pick(g, `<!DOCTYPE user><user><login>x</login></user>`, `<!DOCTYPE user SYSTEM "file:///etc/passwd"><user/>`,
			`<!DOCTYPE user PUBLIC "-//X//EN" "http://127.0.0.1:1/x.dtd"><user/>`, `<!DOCTYPE user [<!ELEMENT user ANY>]><user/>`,
			`<!DOCTYPE user [`, `<!DOCTYPE user [<!ENTITY a "&a;">]><user><login>&a;</login></user>`,
			`<!DOCTYPE user [<!ENTITY a "&b;"><!ENTITY b "&a;">]><user><login>&a;</login></user>`)
	case 4: // undefined, numeric and predefined references
		body = "<user>" + g.validXMLInner() + "<firstname>" + pick(g, "&undefined;", "&#0;", "&#x0;", "&#xD800;", "&#x110000;",
			"&#-1;", "&#;", "&#x;", "&amp", "&lt;&gt;&amp;&quot;&apos;", "&#65;&#x42;", "&nbsp;", "&"+strings.Repeat("a", 10000)+";") + "</firstname></user>"
	case 5: // a long entity, used many times
		body = `<!DOCTYPE user [<!ENTITY big "` + strings.Repeat("x", g.n(100, 60000)) + `">]><user><login>` +
			strings.Repeat("&big;", g.n(10, 500)) + `</login></user>`
	default: // XInclude and processing instructions
		body = pick(g, `<user xmlns:xi="http://www.w3.org/2001/XInclude"><login><xi:include href="file:///etc/passwd" parse="text"/></login></user>`,
			`<?xml-stylesheet href="http://127.0.0.1:1/x.xsl"?><user><login>x</login></user>`, `<user><?php echo 1; ?><login>x</login></user>`,
			`<?xml version="1.0" standalone="no"?><user/>`, "<user><login>"+strings.Repeat("<!-- c -->", g.n(100, 20000))+"x</login></user>")
	}
	return g.bodyRequest(pick(g, "application/xml", "text/xml"), []byte(body))
}

func (g *gen) admin() request {
	h := http.Header{}
	switch g.r.IntN(10) {
	case 0:
		h.Set("X-Coupa-Users-Admin", "1")
	case 1: // what a browser would send for another site: refused
		h.Set("Content-Type", "application/json")
		h.Set(pick(g, "Origin", "Sec-Fetch-Site", "Host"), pick(g, "https://evil.example", "cross-site", "evil.example", "127.0.0.1.evil.example"))
	case 2:
		h.Set("Content-Type", pick(g, "text/plain", "application/x-www-form-urlencoded", "application/jsonx", ""))
		if h.Get("Content-Type") == "" {
			h.Del("Content-Type")
		}
	default:
		h.Set("Content-Type", pick(g, "application/json", "application/json; charset=utf-8", "application/merge-patch+json"))
	}
	bad := func() string {
		return pick(g, "", "{", "}", "[", "null", "0", `"x"`, "[]", `{"a":1}`, `{"a":`, "\x00", "\xff", `{"users":`,
			strings.Repeat("[", g.n(10, 20000)), strings.Repeat(`{"a":`, g.n(10, 20000)), `{"`+strings.Repeat("k", g.n(10, 100000))+`":1}`,
			`{"users":[{"login":1}]}`, `{"users":{}}`, `[{"login":"`+g.login()+`","email":"not-an-email"}]`, `[{"id":"x"}]`,
			`[{"login":null}]`, `[{"manager":{"login":"nobody"}}]`, `[`+strings.Repeat(`{"login":"a"},`, g.n(1, 3000))+`{}]`,
			`{"version":99,"users":[]}`, `{"version":"2","users":[{"id":-1}]}`, `{"version":2,"users":[{}]}`, `{"version":2,"users":[{"id":1e99}]}`,
			`{"latency":"forever"}`, `{"latency":-1}`, `{"latency":"-5s"}`, `{"error_rate":2}`, `{"error_rate":-0.5}`, `{"error_rate":"1"}`,
			`{"error_status":99}`, `{"error_status":"500"}`, `{"rate":-1,"rate_limit":"yes"}`, `{"burst":1e99}`, `{"jitter":[]}`,
			`{"now":"yesterday"}`, `{"now":1}`, `{"now":"99999-01-01T00:00:00Z"}`, `{"now":""}`, `{"frozen":"true"}`, `{"now":null}`,
			`{"by":"1e99h"}`, `{"by":"-9999999999h"}`, `{"by":5}`, `{"by":"abc"}`, `{"by":""}`, `{"by":null}`,
			`{"client_id":"nobody"}`, `{"client_id":1}`, `{"scopes":"core.user.read"}`, `{"scopes":[1,2]}`, `{"scopes":["`+strings.Repeat("x", g.n(10, 10000))+`"]}`,
			`{"client_id":"coupa-fake-client","scopes":["core.bogus"]}`, `{"x":["id"]}`, `{"x":[{"roles":[[]]}]}`, `{"":["id"]}`,
			`{"x":"id"}`, `{"x":[1]}`, `["id",{"roles":`, `[{"manager":[{"manager":[{"manager":["login"]}]}]}]`, `[`+strings.Repeat(`"id",`, g.n(1, 5000))+`"id"]`,
			`{"x":["bogus-element"]}`, `{"deep":`+g.deepFields()+`}`, g.deepFields(), g.odd())
	}
	type ep struct{ method, target string }
	e := pick(g, ep{"POST", "/_admin/reset"}, ep{"POST", "/_admin/users"}, ep{"POST", "/_admin/users?mode=" + pick(g, "bogus", "replace", "", "ADD", "%00")},
		ep{"PUT", "/_admin/state"}, ep{"PUT", "/_admin/faults"}, ep{"PUT", "/_admin/clock"}, ep{"POST", "/_admin/clock/advance"},
		ep{"POST", "/_admin/tokens"}, ep{"PUT", "/_admin/response-filters"}, ep{"PUT", "/_admin/response-filters/" + pick(g, "x", "%00", "%ff", "..", "%2F", "a%20b", strings.Repeat("n", g.n(100, 5000)), url.PathEscape(g.odd()))},
		ep{"GET", "/_admin/response-filters/" + pick(g, "x", "%", "%zz", url.PathEscape(g.odd()))}, ep{"DELETE", "/_admin/response-filters/" + pick(g, "nope", "%00", "%zz")},
		ep{"GET", "/_admin/state"}, ep{"GET", "/_admin/faults"}, ep{"GET", "/_admin/clock"}, ep{"PATCH", "/_admin/state"}, ep{"DELETE", "/_admin/reset"})
	body := bad()
	// A replace with a valid body would drop the users the other requests of this phase read: harmless here, as
	// the phase runs last and is followed by a reset, but keep most bodies broken so that the parsers are what
	// the requests reach.
	return request{method: e.method, target: e.target, header: h, body: []byte(body)}
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func xmlEscape(s string) string { return xmlEscaper.Replace(s) }

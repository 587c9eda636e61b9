package contract

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/coupa-kit/coupa-users/spec"
)

// Generated negatives (Config.Generate, `check --generate N --seed S`): cases derived from the spec's constraints,
// boundary and invalid bodies and hostile queries, each with what any plausible Coupa must answer. The same seed
// gives the same cases; read-only mode sends only the queries. A failing case is shrunk to the smallest size that
// still fails and reported with a curl command that replays it.

// answer is what a generated case must get. Every case must get an answer, never a 5xx.
type answer int

const (
	// refuse: 4xx with Coupa's error body, and nothing changed (a validation Coupa's model makes).
	refuse answer = iota
	// reject: any 4xx, nothing changed (a body that does not parse: Rails refuses it before Coupa's code runs).
	reject
	// tolerate: a 2xx (with a list, for an index) or a 4xx with Coupa's error body (Rails may cast or ignore it).
	tolerate
	// accept: 2xx (a value at its limit).
	accept
)

func (a answer) String() string {
	return [...]string{"4xx with Coupa's error body, nothing changed", "4xx, nothing changed",
		"2xx, or 4xx with Coupa's error body", "2xx"}[a]
}

// genCase is one generated request. build remakes it at another size (a length, a depth, a count), for shrinking.
type genCase struct {
	kind   string
	answer answer
	method string // GET, POST or PUT (of the check's fixture user)
	query  url.Values
	body   []byte
	size   int
	build  func(size int) genCase
}

// generator derives cases for one format.
type generator struct {
	rng    *rand.Rand
	format Format
	login  func(string) string
	n      int // cases made, for unique logins
}

// maxGeneratedFailures bounds the failures a run reports: each is shrunk, which costs requests.
const maxGeneratedFailures = 10

func generatedChecks() []*check {
	return []*check{{name: "robustness/generated", doc: "seeded cases derived from the spec's constraints (lengths, enumerations, types, malformed, deep and odd bodies, hostile queries) get a 4xx or an answer Coupa could give, never a 5xx, and refused writes change nothing (--generate N --seed S)", run: checkGenerated}}
}

func checkGenerated(t *checkRun) {
	n := t.r.s.Generate
	if n <= 0 {
		t.skip("no cases asked for: give --generate N (and --seed S)")
	}
	g := &generator{rng: rand.New(rand.NewPCG(uint64(t.r.s.Seed), uint64(len(t.format)))), format: t.format, login: t.env.loginFor}
	var id int64
	if !t.r.s.ReadOnly {
		id = userID(t.env.fixture(t, "generated", func() map[string]any { return t.env.requiredBody("generated") }))
	}
	failures, counts := 0, map[string]int{}
	for i := 0; i < n; i++ {
		c := g.next(t.r.s.ReadOnly)
		counts[strings.SplitN(c.kind, "/", 2)[0]]++
		if msg, ex := runCase(t, c, id); msg != "" && failures < maxGeneratedFailures {
			failures++
			c, msg, ex = shrink(t, c, id, msg, ex)
			t.fail(ex, "generated case "+c.kind+": "+c.answer.String()+", never a 5xx", refBadRequest,
				"%s (size %d)\nreplay: %s", msg, c.size, curlOf(ex))
		}
	}
	t.note("%d cases from seed %d: %s", n, t.r.s.Seed, tally(counts))
}

func tally(counts map[string]int) string {
	var parts []string
	for _, k := range sortedKeys(counts) {
		parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
	}
	return strings.Join(parts, ", ")
}

// runCase sends a case and says what is wrong with its answer ("" when nothing is).
func runCase(t *checkRun, c genCase, id int64) (string, *exchange) {
	path := "/api/users"
	if c.method == http.MethodPut {
		path += "/" + strconv.FormatInt(id, 10)
	}
	var before map[string]any
	if c.method == http.MethodPut && c.answer != tolerate && c.answer != accept {
		before, _ = t.env.show(t, id)
	}
	r := request{method: c.method, path: path, query: c.query}
	if c.body != nil {
		r.raw, r.rawType = c.body, t.format.mediaType()
	}
	ex := t.try(r)
	if c.method == http.MethodPost {
		t.env.noteCreated(t, ex)
	}
	_, hasBody := errorMessages(ex.value)
	switch {
	case ex.err != nil:
		return "no answer: " + ex.err.Error(), ex
	case ex.status >= 500:
		return fmt.Sprintf("status %d", ex.status), ex
	case c.answer == accept && (ex.status < 200 || ex.status > 299):
		return fmt.Sprintf("status %d for a valid value", ex.status), ex
	case c.answer == refuse && (ex.status < 400 || !hasBody):
		return fmt.Sprintf("status %d (Coupa's error body: %v)", ex.status, hasBody), ex
	case c.answer == reject && ex.status < 400:
		return fmt.Sprintf("status %d", ex.status), ex
	case c.answer == tolerate && ex.status >= 400 && !hasBody:
		return fmt.Sprintf("status %d without Coupa's error body", ex.status), ex
	}
	if before != nil {
		after, _ := t.env.show(t, id)
		if diff := diffKeys(before, after); len(diff) > 0 {
			return "the refused write changed " + strings.Join(diff, ", "), ex
		}
	}
	return "", ex
}

// shrink looks for the smallest size at which the case still fails, by bisection.
func shrink(t *checkRun, c genCase, id int64, msg string, ex *exchange) (genCase, string, *exchange) {
	if c.build == nil {
		return c, msg, ex
	}
	build := c.build
	lo, hi := 0, c.size // fails at hi
	for lo < hi {
		mid := lo + (hi-lo)/2
		s := build(mid)
		if m, e := runCase(t, s, id); m != "" {
			hi, c, msg, ex = mid, s, m, e
		} else {
			lo = mid + 1
		}
	}
	return c, msg, ex
}

// curlOf writes the request of an exchange as a curl command; the token stays a variable.
func curlOf(ex *exchange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "curl -sS -X %s '%s' -H \"Authorization: Bearer $COUPA_TOKEN\" -H 'Accept: %s'", ex.method, ex.url, ex.format.mediaType())
	if ex.reqBody == nil {
		return b.String()
	}
	fmt.Fprintf(&b, " -H 'Content-Type: %s'", ex.reqType)
	if len(ex.reqBody) > 2000 || !printable(ex.reqBody) {
		return fmt.Sprintf("echo %s | base64 -d | %s --data-binary @-", base64.StdEncoding.EncodeToString(ex.reqBody), b.String())
	}
	return b.String() + " --data-binary '" + strings.ReplaceAll(string(ex.reqBody), "'", `'\''`) + "'"
}

func printable(b []byte) bool {
	for _, r := range string(b) {
		if r < 0x20 && r != '\n' || r == 0xFFFD || r > 0x7e && r < 0xa0 {
			return false
		}
	}
	return true
}

// next makes the next case: one of the kinds, in turn, its details drawn from the seed.
func (g *generator) next(readOnly bool) genCase {
	g.n++
	kinds := []func() (genCase, bool){g.query, g.paging, g.fields}
	if !readOnly {
		kinds = append(kinds, g.tooLong, g.atLimit, g.badEnum, g.wrongType, g.malformed, g.deep, g.oddText)
	}
	for {
		if c, ok := kinds[g.rng.IntN(len(kinds))](); ok {
			return c
		}
	}
}

// pick chooses an element of the spec's input elements that ok accepts.
func (g *generator) pick(ok func(*spec.Element) bool) (*spec.Element, bool) {
	var els []*spec.Element
	for _, e := range theSpec().Elements {
		if e.In && ok(e) {
			els = append(els, e)
		}
	}
	if len(els) == 0 {
		return nil, false
	}
	return els[g.rng.IntN(len(els))], true
}

// user encodes a user body in the generator's format: JSON, or Rails XML with string leaves.
func (g *generator) user(fields map[string]any) []byte {
	if g.format == FormatJSON {
		b, _ := json.Marshal(fields)
		return b
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<user>")
	for _, k := range sortedKeys(fields) {
		fmt.Fprintf(&b, "<%s>%s</%s>", k, xmlEscape(fmt.Sprint(fields[k])), k)
	}
	b.WriteString("</user>\n")
	return b.Bytes()
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func letters(rng *rand.Rand, n int) string {
	const abc = "abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, n)
	for i := range b {
		b[i] = abc[rng.IntN(len(abc))]
	}
	return string(b)
}

func (g *generator) tooLong() (genCase, bool) {
	e, ok := g.pick(func(e *spec.Element) bool { return e.Kind == spec.KindString && e.MaxLength > 0 && e.Name != "email" })
	if !ok {
		return genCase{}, false
	}
	seed := g.rng.Uint64()
	extra := 1 + g.rng.IntN(300)
	build := func(size int) genCase {
		s := letters(rand.New(rand.NewPCG(seed, 0)), e.MaxLength+1+size)
		return genCase{kind: "body/max-length/" + e.Name, answer: refuse, method: http.MethodPut, body: g.user(map[string]any{e.Name: s}), size: size}
	}
	c := build(extra - 1)
	c.build = build
	return c, true
}

func (g *generator) atLimit() (genCase, bool) {
	e, ok := g.pick(func(e *spec.Element) bool {
		return e.Kind == spec.KindString && e.MaxLength > 0 && !e.Unique && len(e.Enum) == 0 && e.Name != "email"
	})
	if !ok {
		return genCase{}, false
	}
	return genCase{kind: "body/at-max-length/" + e.Name, answer: accept, method: http.MethodPut,
		body: g.user(map[string]any{e.Name: letters(g.rng, e.MaxLength)})}, true
}

func (g *generator) badEnum() (genCase, bool) {
	e, ok := g.pick(func(e *spec.Element) bool { return len(enumValues(e)) > 0 && e.Kind == spec.KindString })
	if !ok {
		return genCase{}, false
	}
	v := "ct-" + letters(g.rng, 1+g.rng.IntN(12))
	return genCase{kind: "body/enum/" + e.Name, answer: refuse, method: http.MethodPut, body: g.user(map[string]any{e.Name: v})}, true
}

func (g *generator) wrongType() (genCase, bool) {
	e, ok := g.pick(func(e *spec.Element) bool { return e.Kind != spec.KindObject })
	if !ok || g.format == FormatXML {
		return genCase{}, false
	}
	vals := []any{[]any{"x"}, map[string]any{"x": 1}, []any{}, map[string]any{}, 1e300, -1}
	return genCase{kind: "body/type/" + e.Name, answer: tolerate, method: http.MethodPut,
		body: g.user(map[string]any{e.Name: vals[g.rng.IntN(len(vals))]})}, true
}

func (g *generator) malformed() (genCase, bool) {
	body := g.user(map[string]any{"login": g.login(fmt.Sprintf("gen%d", g.n)), "firstname": "Gen", "lastname": "Erated"})
	method := []string{http.MethodPost, http.MethodPut}[g.rng.IntN(2)]
	switch g.rng.IntN(3) {
	case 0: // a proper prefix of an object is never a whole one
		body = body[:1+g.rng.IntN(len(bytes.TrimSpace(body))-1)]
	case 1: // invalid UTF-8 inside a value
		i := bytes.Index(body, []byte("Gen"))
		body = slices.Concat(body[:i], []byte{0xff, 0xfe}, body[i:])
		if g.format == FormatJSON {
			return genCase{kind: "body/malformed/utf-8", answer: tolerate, method: method, body: body}, true
		}
	default: // something after the document
		body = append(body, []byte("}<]")...)
	}
	return genCase{kind: "body/malformed", answer: reject, method: method, body: body}, true
}

func (g *generator) deep() (genCase, bool) {
	build := func(size int) genCase {
		depth := size + 1
		var body []byte
		if g.format == FormatJSON {
			body = []byte(`{"roles":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`)
		} else {
			body = []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<user><roles>" + strings.Repeat("<role>", depth) +
				strings.Repeat("</role>", depth) + "</roles></user>\n")
		}
		return genCase{kind: "body/deep", answer: tolerate, method: http.MethodPut, body: body, size: size}
	}
	c := build(g.rng.IntN(2000))
	c.build = build
	return c, true
}

// oddTexts are strings within every length limit that parsers and collations trip on.
var oddTexts = []string{"\u0000", "\u202eevil", "e\u0301\u0301\u0301", "\ufeff", "😀🇫🇷", "\u2028", "x\u00a0y", "'; --", "%00", "\\u0000"}

func (g *generator) oddText() (genCase, bool) {
	e, ok := g.pick(func(e *spec.Element) bool {
		return e.Kind == spec.KindString && !e.Unique && len(e.Enum) == 0 && e.Name != "email" && (e.MaxLength == 0 || e.MaxLength >= 12)
	})
	if !ok {
		return genCase{}, false
	}
	return genCase{kind: "body/odd-text/" + e.Name, answer: tolerate, method: http.MethodPut,
		body: g.user(map[string]any{e.Name: oddTexts[g.rng.IntN(len(oddTexts))]})}, true
}

// queryValues are filter values of every kind a client might send by mistake.
var queryValues = []string{"", "x", "-1", "0", "99999999999999999999999", "1e309", "2024-13-45T99:00:00Z", "true", "null", "[]", "{}",
	"a,b,c", "%", "_", "\u0000", "😀", "' OR 1=1 --"}

func (g *generator) query() (genCase, bool) {
	attrs := sortedFilters()
	attr := attrs[g.rng.IntN(len(attrs))]
	ops := append([]string{""}, "ct_bogus", "gt", "contains", "in", "blank", "not_eq")
	for _, op := range theSpec().Filters[attr] {
		ops = append(ops, op.Spelling())
	}
	op := ops[g.rng.IntN(len(ops))]
	param := attr
	if op != "" {
		param += "[" + op + "]"
	}
	v := queryValues[g.rng.IntN(len(queryValues))]
	if g.rng.IntN(8) == 0 {
		v = strings.Repeat(v+"z", 500+g.rng.IntN(3000))
	}
	return genCase{kind: "query/filter", answer: tolerate, method: http.MethodGet, query: q(param, v, "limit", "5")}, true
}

func (g *generator) paging() (genCase, bool) {
	name := []string{"limit", "offset"}[g.rng.IntN(2)]
	return genCase{kind: "query/paging", answer: tolerate, method: http.MethodGet,
		query: q(name, queryValues[g.rng.IntN(len(queryValues))], "fields", `["id"]`)}, true
}

func (g *generator) fields() (genCase, bool) {
	var v string
	switch g.rng.IntN(4) {
	case 0:
		v = `["id",`
	case 1:
		d := 1 + g.rng.IntN(200)
		v = strings.Repeat(`[{"roles":`, d) + `["name"]` + strings.Repeat(`}]`, d)
	case 2:
		v = `["ct-` + letters(g.rng, 8) + `"]`
	default:
		v = queryValues[g.rng.IntN(len(queryValues))]
	}
	return genCase{kind: "query/fields", answer: tolerate, method: http.MethodGet, query: q("fields", v, "limit", "3")}, true
}

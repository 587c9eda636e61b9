package auth

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// claims are the JWT claims verify reads, as encoding/json decodes them.
type claims struct {
	Iss   *string         `json:"iss"`
	Sub   string          `json:"sub"`
	Aud   json.RawMessage `json:"aud"`
	Scope *string         `json:"scope"`
	Iat   json.Number     `json:"iat"`
	Exp   json.Number     `json:"exp"`
	Nbf   json.Number     `json:"nbf"`
	Jti   string          `json:"jti"`
}

// decodeClaims decodes a verified token's payload. Tokens this package
// issues take a shortcut (parseIssued); anything else, such as a token
// signed elsewhere with the same key, gets encoding/json.
func decodeClaims(raw []byte) (claims, error) {
	if cl, ok := parseIssued(raw); ok {
		return cl, nil
	}
	var cl claims
	if err := json.Unmarshal(raw, &cl); err != nil {
		return claims{}, fmt.Errorf("decoding claims: %w", err)
	}
	return cl, nil
}

// parseIssued decodes claims laid out exactly as issue writes them:
//
//	{"iss":"…","sub":"…","aud":"…","scope":"…","iat":1,"exp":2,"jti":"…"}
//
// without whitespace, with whole numbers and with strings of printable
// ASCII and no escapes, so that each string is its bytes. It exists because
// encoding/json spent about 50 µs on the scope claim of a token for the
// whole catalogue (4.3 KB of JSON), most of verifying one. It is a shortcut,
// not a second JSON parser: what it accepts, encoding/json decodes to the
// same claims (FuzzParseIssued checks it), and it answers ok false for
// everything else, which then goes to encoding/json.
func parseIssued(raw []byte) (cl claims, ok bool) {
	p := issuedParser{rest: raw, ok: true}
	iss := p.str(`{"iss":`)
	cl.Iss = &iss
	cl.Sub = p.str(`,"sub":`)
	cl.Aud = p.rawStr(`,"aud":`)
	scope := p.str(`,"scope":`)
	cl.Scope = &scope
	cl.Iat = p.num(`,"iat":`)
	cl.Exp = p.num(`,"exp":`)
	cl.Jti = p.str(`,"jti":`)
	if !p.ok || string(p.rest) != "}" {
		return claims{}, false
	}
	return cl, true
}

// issuedParser reads parseIssued's layout; after the first mismatch ok is
// false and every read returns zero values.
type issuedParser struct {
	rest []byte
	ok   bool
}

func (p *issuedParser) key(k string) bool {
	if !p.ok || !bytes.HasPrefix(p.rest, []byte(k)) {
		p.ok = false
		return false
	}
	p.rest = p.rest[len(k):]
	return true
}

// rawStr reads key and a string value, which it returns with its quotes.
func (p *issuedParser) rawStr(key string) []byte {
	if !p.key(key) || len(p.rest) == 0 || p.rest[0] != '"' {
		p.ok = false
		return nil
	}
	end := bytes.IndexByte(p.rest[1:], '"') + 1
	if end == 0 {
		p.ok = false
		return nil
	}
	for _, c := range p.rest[1:end] {
		if c-0x20 > 0x7E-0x20 || c == '\\' { // not printable ASCII (unsigned: below 0x20 wraps), or an escape
			p.ok = false
			return nil
		}
	}
	v := p.rest[:end+1]
	p.rest = p.rest[end+1:]
	return v
}

// str reads key and a string value.
func (p *issuedParser) str(key string) string {
	v := p.rawStr(key)
	if v == nil {
		return ""
	}
	return string(v[1 : len(v)-1])
}

// num reads key and a whole number without sign, fraction, exponent or
// leading zero.
func (p *issuedParser) num(key string) json.Number {
	if !p.key(key) {
		return ""
	}
	n := 0
	for n < len(p.rest) && '0' <= p.rest[n] && p.rest[n] <= '9' {
		n++
	}
	if n == 0 || n > 1 && p.rest[0] == '0' {
		p.ok = false
		return ""
	}
	v := json.Number(p.rest[:n])
	p.rest = p.rest[n:]
	return v
}

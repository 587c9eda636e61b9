package snapshot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"unicode"

	"github.com/brianvoe/gofakeit/v7"
)

// pseudonymiser maps personal values to fake ones with a keyed, deterministic mapping: HMAC-SHA256 of the value
// under the key seeds gofakeit, so the same value maps to the same pseudonym in every user, field and run with the
// same key (a manager's login and the manager's own login agree), while without the key nothing leads back.
type pseudonymiser struct {
	key []byte
}

// KeyID names a key without revealing it: a checkpoint records it so that a resumed run can refuse another key.
func KeyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("coupa-users snapshot key id"))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// sum is the HMAC of a value within a domain ("login", "email"...). Domains keep the mappings of different shapes
// apart; values that should agree across elements (an sso-identifier that is an email) share a domain.
func (p *pseudonymiser) sum(domain, value string) []byte {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(domain))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return m.Sum(nil)
}

// faker is a gofakeit generator seeded from the value's HMAC, so that the pseudonym looks real and is repeatable.
func (p *pseudonymiser) faker(domain, value string) (*gofakeit.Faker, []byte) {
	h := p.sum(domain, value)
	src := rand.NewPCG(binary.BigEndian.Uint64(h[0:8]), binary.BigEndian.Uint64(h[8:16]))
	return gofakeit.NewFaker(src, false), h
}

// tag is 8 base-36 characters of the HMAC (41 bits): appended to values that must stay unique (logins, emails,
// mention names), it makes two users' pseudonyms collide with odds of about 1 in 400 million per pair.
func tag(h []byte) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	n := binary.BigEndian.Uint64(h[16:24])
	b := make([]byte, 8)
	for i := range b {
		b[i] = digits[n%36]
		n /= 36
	}
	return string(b)
}

// ascii keeps the letters a login or an address can carry.
func ascii(s string) string {
	return strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// FirstName, LastName: names from gofakeit's lists.
func (p *pseudonymiser) firstName(v string) string {
	f, _ := p.faker("firstname", v)
	return f.FirstName()
}
func (p *pseudonymiser) lastName(v string) string {
	f, _ := p.faker("lastname", v)
	return f.LastName()
}

// login is first.last.tag: unique where the original was, and shaped like the logins of a real tenant.
func (p *pseudonymiser) login(v string) string {
	f, h := p.faker("login", v)
	return ascii(f.FirstName()) + "." + ascii(f.LastName()) + "." + tag(h)
}

// mentionName is FirstLast plus the tag, as Coupa derives mention names from names.
func (p *pseudonymiser) mentionName(v string) string {
	f, h := p.faker("mention-name", v)
	return f.FirstName() + f.LastName() + tag(h)
}

// email keeps the shape of an address: a pseudonymous local part, and a domain mapped on its own (so that a
// tenant's two domains stay two) under the reserved .example top-level domain, which no mail reaches.
func (p *pseudonymiser) email(v string) string {
	local, domain, ok := strings.Cut(v, "@")
	if !ok {
		return p.identifier(v)
	}
	f, h := p.faker("email", local+"@"+strings.ToLower(domain))
	d, _ := p.faker("email-domain", strings.ToLower(domain))
	return ascii(f.FirstName()) + "." + ascii(f.LastName()) + "." + tag(h) + "@" + ascii(d.Noun()) + "-" + ascii(d.Noun()) + ".example"
}

// minIdentifier is the shortest pseudonymous identifier: shorter ones would collide, and employee numbers are
// unique.
const minIdentifier = 12

// identifier keeps the shape of an id (digits stay digits, letters letters of the same case, punctuation stays),
// extended to minIdentifier characters so that unique ids stay unique. Identifiers that are email addresses map
// as emails, so that an sso-identifier equal to the user's email still equals it.
func (p *pseudonymiser) identifier(v string) string {
	if strings.Contains(v, "@") {
		return p.email(v)
	}
	h := p.sum("identifier", v)
	src := rand.New(rand.NewPCG(binary.BigEndian.Uint64(h[0:8]), binary.BigEndian.Uint64(h[8:16])))
	return shape(src, v, minIdentifier)
}

// digits keeps the length and the non-digits of a phone number's part.
func (p *pseudonymiser) digits(v string) string {
	h := p.sum("phone", v)
	src := rand.New(rand.NewPCG(binary.BigEndian.Uint64(h[0:8]), binary.BigEndian.Uint64(h[8:16])))
	return shape(src, v, 0)
}

// text is free text: words from gofakeit, about as many as the original had, cut to its length. A value without
// spaces (a code) keeps its shape instead.
func (p *pseudonymiser) text(v string) string {
	if !strings.ContainsAny(v, " \t\n") {
		h := p.sum("text", v)
		src := rand.New(rand.NewPCG(binary.BigEndian.Uint64(h[0:8]), binary.BigEndian.Uint64(h[8:16])))
		return shape(src, v, 0)
	}
	f, _ := p.faker("text", v)
	words := make([]string, 0, 8)
	n := len(strings.Fields(v))
	for range n {
		words = append(words, f.Word())
	}
	out := strings.Join(words, " ")
	if len(out) > len(v) {
		out = strings.TrimSpace(out[:len(v)])
	}
	return out
}

// shape replaces each letter and digit of v with a random one of its class, and pads to atLeast characters.
func shape(src *rand.Rand, v string, atLeast int) string {
	const lower, upper, num = "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789"
	var b strings.Builder
	last := num
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			last = num
		case unicode.IsUpper(r):
			last = upper
		case unicode.IsLetter(r):
			last = lower
		default:
			b.WriteRune(r)
			continue
		}
		b.WriteByte(last[src.IntN(len(last))])
	}
	for b.Len() < atLeast {
		b.WriteByte(last[src.IntN(len(last))])
	}
	return b.String()
}

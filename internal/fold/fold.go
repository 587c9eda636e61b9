// Package fold is the fake's one definition of case-insensitive string comparison. Coupa runs on MySQL, whose
// case-insensitive collations make `login=JDoe` find jdoe, refuse a second user "JDOE", and order names without
// regard to case. The fake must answer the same whichever way it gets there (a unique index, a scan, a sorted page,
// a reference looked up by name), so the store, the query engine, the catalog and the contract suite's oracle all
// fold here, and nowhere else.
//
// The fold works rune by rune: each rune stands for its case class, the lower case of its upper case (simple, one
// rune to one rune, case mappings), so "K" matches the Kelvin sign, "ſ" matches "s", "ς" matches "σ", and dotless ı
// and dotted İ match "i". Folded runes are compared by code point. One rune to one rune, because MySQL's
// collations weigh characters one at a time too, and because it keeps substrings, prefixes and ordering simple: no
// rune folds into several (ß stays ß; it is not ss). Accents still differ ("é" ≠ "e") and trailing spaces count,
// where MySQL's collations may ignore both. An invalid UTF-8 byte is a rune of its own, below every valid rune and
// equal to nothing but itself.
//
// Every function has an ASCII fast path that allocates nothing and falls back to the rune path at the first
// non-ASCII byte, because a full scan runs one of them on every user.
package fold

import (
	"cmp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lowerASCII maps each byte to its ASCII lower case (other bytes unchanged).
var lowerASCII = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] += 'a' - 'A'
		}
	}
	return t
}()

// canon is the representative of a rune's case-folding class.
func canon(r rune) rune {
	if r < utf8.RuneSelf {
		return rune(lowerASCII[r])
	}
	return unicode.ToLower(unicode.ToUpper(r))
}

// decodeFold returns the folded first rune of s and its size. An invalid byte becomes a negative rune of its own
// (byte order kept, below every valid rune), so that two different invalid bytes never compare equal.
func decodeFold(s string) (rune, int) {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && n <= 1 {
		if n == 0 {
			return 0, 0
		}
		return rune(s[0]) - 256, 1
	}
	return canon(r), n
}

// decodeLastFold is decodeFold for the last rune of s.
func decodeLastFold(s string) (rune, int) {
	r, n := utf8.DecodeLastRuneInString(s)
	if r == utf8.RuneError && n <= 1 {
		if n == 0 {
			return 0, 0
		}
		return rune(s[len(s)-1]) - 256, 1
	}
	return canon(r), n
}

// Compare orders a and b case-insensitively, by folded rune: negative, zero or positive. Zero exactly when
// Key(a) == Key(b).
func Compare(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		x, y := a[i], b[i]
		if x|y >= utf8.RuneSelf {
			return compareRunes(a[i:], b[i:])
		}
		if x != y {
			if x, y = lowerASCII[x], lowerASCII[y]; x != y {
				return cmp.Compare(x, y)
			}
		}
	}
	return cmp.Compare(len(a), len(b))
}

// Equal reports whether a and b are equal case-insensitively: Compare(a, b) == 0.
func Equal(a, b string) bool { return Compare(a, b) == 0 }

func compareRunes(a, b string) int {
	for a != "" && b != "" {
		x, n := decodeFold(a)
		y, m := decodeFold(b)
		if x != y {
			return cmp.Compare(x, y)
		}
		a, b = a[n:], b[m:]
	}
	return cmp.Compare(len(a), len(b))
}

// Pattern is a needle folded once, for contains, starts_with and ends_with: make it with NewPattern, once per
// query, and match it against every user. Its methods allocate nothing.
type Pattern struct {
	runes []rune // folded
	ascii string // the folded needle as bytes, when every folded rune is ASCII
	isASC bool
	// direct: the needle is ASCII, not empty, and no non-ASCII rune folds to its first byte, so a match can start
	// only at that byte in either case (lo, up), whatever else the text holds.
	direct bool
	lo, up byte
	// anchor: the position in the ASCII needle of its rarest byte (see rarity), when that is not the first;
	// in all-ASCII text a search for it wastes fewer comparisons than one for the first byte.
	anchor         int
	anchorLo, anUp byte
}

// commonness lists bytes by how often they occur in what users hold (names, logins, emails), the most common first.
const commonness = "ea.nriolstm@cdhuykgbpjvfwzxq0123456789"

// Rarity ranks a byte by how seldom it occurs in what users hold, the rarer the higher: bytes of commonness by
// their place in it (either case), bytes not in it (punctuation, the upper half) above them all. A search looks
// for a needle's rarest byte first.
func Rarity(b byte) int {
	if i := strings.IndexByte(commonness, lowerASCII[b]); i >= 0 {
		return i
	}
	return len(commonness)
}

// rarity ranks a byte for the anchor of a search in text that is not folded: as Rarity, but with the twins lowest,
// so never the anchor, because a non-ASCII rune can stand for them (ſ for s) and an anchor must be a byte every
// match holds.
func rarity(b byte) int {
	if asciiTwins[lowerASCII[b]] {
		return -1
	}
	return Rarity(b)
}

// NewPattern folds the needle s.
func NewPattern(s string) Pattern {
	var p Pattern
	for s != "" {
		r, n := decodeFold(s)
		p.runes = append(p.runes, r)
		s = s[n:]
	}
	p.isASC = true
	b := make([]byte, 0, len(p.runes))
	for _, r := range p.runes {
		if r < 0 || r >= utf8.RuneSelf {
			p.isASC = false
			break
		}
		b = append(b, byte(r))
	}
	if p.isASC {
		p.ascii = string(b)
	}
	if p.isASC && len(p.ascii) > 1 {
		for i := 1; i < len(p.ascii); i++ {
			if rarity(p.ascii[i]) > rarity(p.ascii[p.anchor]) {
				p.anchor = i
			}
		}
		p.anchorLo, p.anUp = p.ascii[p.anchor], p.ascii[p.anchor]
		if 'a' <= p.anchorLo && p.anchorLo <= 'z' {
			p.anUp = p.anchorLo - ('a' - 'A')
		}
	}
	if p.isASC && p.ascii != "" && !asciiTwins[p.ascii[0]] {
		p.direct = true
		p.lo, p.up = p.ascii[0], p.ascii[0]
		if 'a' <= p.lo && p.lo <= 'z' {
			p.up = p.lo - ('a' - 'A')
		}
	}
	return p
}

// In reports whether the needle occurs in h, case-insensitively (contains). It is one call to Index, so that it is
// inlined and a scan's predicate makes a single call per user.
func (p *Pattern) In(h string) bool { return p.Index(h) >= 0 }

// asciiTwins are the ASCII letters a non-ASCII rune also folds to: k (the Kelvin sign), s (ſ), i (ı, İ).
// TestASCIITwins checks the list against the Unicode tables.
var asciiTwins = [128]bool{'k': true, 's': true, 'i': true}

// isASCII reports whether s is all ASCII, eight bytes at a time.
func isASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if (s[i]|s[i+1]|s[i+2]|s[i+3]|s[i+4]|s[i+5]|s[i+6]|s[i+7])&0x80 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i]&0x80 != 0 {
			return false
		}
	}
	return true
}

// Index returns the byte offset in h of the needle's first case-insensitive occurrence, or -1.
//
// The commonest needle, ASCII that no other rune folds to (direct), goes straight to the byte search, whatever h
// holds; so does an ASCII needle in ASCII text. There a match can only start at an ASCII byte equal to the needle's
// first in either case: candidates are found with strings.IndexByte (vectorised) for both cases, and only they are
// compared, byte by byte while h is ASCII, rune by rune from its first other byte. Other needles and texts take the
// rune by rune search. The choice is made here rather than in a function calling this one: a full scan calls Index
// on every user, and every call counts.
func (p *Pattern) Index(h string) int {
	if !p.direct {
		switch {
		case !p.isASC:
			if isASCII(h) {
				return -1 // ASCII folds to ASCII, so a needle with other runes cannot occur in ASCII text
			}
			return p.runesIndex(h)
		case p.ascii == "":
			return 0
		case !isASCII(h):
			return p.runesIndex(h)
		}
	}
	nd := p.ascii
	if len(h) < len(nd) {
		return -1
	}
	if p.anchor > 0 {
		if i, sure := p.anchoredIndex(h); sure {
			return i
		}
	}
	lo, up := p.lo, p.up
	if !p.direct {
		lo = nd[0]
		up = lo
		if 'a' <= lo && lo <= 'z' {
			up = lo - ('a' - 'A')
		}
	}
	window := h[:len(h)-len(nd)+1] // a match takes at least one byte per needle rune, so it starts in here
	nextLo, nextUp := nextByte(window, 0, lo), len(window)
	if up != lo {
		nextUp = nextByte(window, 0, up)
	}
	for {
		j := min(nextLo, nextUp)
		if j >= len(window) {
			return -1
		}
		if matchAt(h[j:], nd, p.runes) {
			return j
		}
		if j == nextLo {
			nextLo = nextByte(window, j+1, lo)
		} else {
			nextUp = nextByte(window, j+1, up)
		}
	}
}

// matchAt reports whether h starts with the needle (nd as lower-case ASCII, runes folded).
// anchoredIndex searches for the needle's rarest byte (at p.anchor) rather than its first. Every match holds that
// byte (it is ASCII and no other rune folds to it) at a byte position between p.anchor and len(h)-len(needle)+
// p.anchor, whatever else h holds, so finding none there settles it. When one is found in all-ASCII text, the match
// around it is byte for byte and starts p.anchor bytes earlier; in other text sure is false and index does the
// general search.
func (p *Pattern) anchoredIndex(h string) (i int, sure bool) {
	nd, k := p.ascii, p.anchor
	window := h[k : len(h)-len(nd)+k+1]
	best, checked := -1, false
	for _, c := range [2]byte{p.anchorLo, p.anUp} {
		for from := 0; ; {
			i := strings.IndexByte(window[from:], c)
			if i < 0 || (best >= 0 && from+i >= best) {
				break
			}
			if !checked {
				if !isASCII(h) {
					return -1, false
				}
				checked = true
			}
			if start := from + i; matchAt(h[start:], nd, p.runes) {
				best = start
				break
			}
			from += i + 1
		}
		if p.anchorLo == p.anUp {
			break
		}
	}
	return best, true
}

func matchAt(h, nd string, runes []rune) bool {
	for i := 0; i < len(nd); i++ {
		b := h[i]
		if b >= utf8.RuneSelf {
			return runesPrefix(h, runes)
		}
		if lowerASCII[b] != nd[i] {
			return false
		}
	}
	return true
}

// nextByte is the index of c in s at or after from, or len(s).
func nextByte(s string, from int, c byte) int {
	if k := strings.IndexByte(s[from:], c); k >= 0 {
		return from + k
	}
	return len(s)
}

// runesIndex is the general search: at every rune of h that folds to the needle's first rune, compare the rest.
func (p *Pattern) runesIndex(h string) int {
	if len(p.runes) == 0 {
		return 0
	}
	first := p.runes[0]
	for i := 0; i < len(h); {
		var r rune
		n := 1
		if b := h[i]; b < utf8.RuneSelf {
			r = rune(lowerASCII[b])
		} else {
			r, n = decodeFold(h[i:])
		}
		if r == first && runesPrefix(h[i+n:], p.runes[1:]) {
			return i
		}
		i += n
	}
	return -1
}

// PrefixOf reports whether h starts with the needle, case-insensitively (starts_with).
func (p *Pattern) PrefixOf(h string) bool {
	if !p.isASC {
		return runesPrefix(h, p.runes)
	}
	nd := p.ascii
	if len(h) < len(nd) {
		return false
	}
	for i := 0; i < len(nd); i++ {
		b := h[i]
		if b >= utf8.RuneSelf {
			return runesPrefix(h, p.runes)
		}
		if lowerASCII[b] != nd[i] {
			return false
		}
	}
	return true
}

// SuffixOf reports whether h ends with the needle, case-insensitively (ends_with).
func (p *Pattern) SuffixOf(h string) bool {
	if !p.isASC {
		return runesSuffix(h, p.runes)
	}
	nd := p.ascii
	if len(h) < len(nd) {
		return false
	}
	for i := 1; i <= len(nd); i++ {
		b := h[len(h)-i]
		if b >= utf8.RuneSelf {
			return runesSuffix(h, p.runes)
		}
		if lowerASCII[b] != nd[len(nd)-i] {
			return false
		}
	}
	return true
}

func runesPrefix(h string, runes []rune) bool {
	for _, r := range runes {
		x, n := decodeFold(h)
		if n == 0 || x != r {
			return false
		}
		h = h[n:]
	}
	return true
}

func runesSuffix(h string, runes []rune) bool {
	for i := len(runes) - 1; i >= 0; i-- {
		x, n := decodeLastFold(h)
		if n == 0 || x != runes[i] {
			return false
		}
		h = h[:len(h)-n]
	}
	return true
}

// Key returns the canonical form of s under the fold, for map keys and unique indexes: Key(a) == Key(b) exactly
// when Compare(a, b) == 0. It is the folded runes in UTF-8, with invalid bytes kept as they are (they stay invalid
// there, so they cannot pass for a rune). A string that is its own key (lower-case ASCII, or any text already
// folded) is returned as it is, without allocating. The byte order of keys is not Compare's order.
func Key(s string) string {
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if 'A' <= b && b <= 'Z' {
				return string(appendKey(make([]byte, 0, maxKeyLen(len(s))), s, i))
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if n > 1 || r != utf8.RuneError { // a valid rune; invalid bytes are their own key
			if canon(r) != r {
				return string(appendKey(make([]byte, 0, maxKeyLen(len(s))), s, i))
			}
		}
		i += n
	}
	return s
}

// AppendKey appends Key(s) to dst and returns the extended slice. The key of s takes at most len(s)+len(s)/2 bytes
// (Ⱥ and Ⱦ, two bytes, fold to ⱥ and ⱦ, three; no other rune grows), so a caller whose dst has that much room
// allocates nothing.
func AppendKey(dst []byte, s string) []byte {
	return appendKey(dst, s, 0)
}

// maxKeyLen is the longest key of an n-byte string (see AppendKey); TestKeyLength checks it against every rune.
func maxKeyLen(n int) int { return n + n/2 }

// appendKey appends the key of s to dst, the first done bytes of s being known to be their own key.
func appendKey(dst []byte, s string, done int) []byte {
	dst = append(dst, s[:done]...)
	for i := done; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			dst = append(dst, lowerASCII[b])
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, b)
		} else {
			dst = utf8.AppendRune(dst, canon(r))
		}
		i += n
	}
	return dst
}

package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/coupa-kit/coupa-users/internal/fold"
)

// Match says where a Term looks for its value in a user's.
type Match int

// The matches a Term knows: those of contains, starts_with, ends_with and an exact match.
const (
	Anywhere Match = iota
	Prefix
	Suffix
	Whole
)

// Term is a condition a store may search for rather than scan: a string element's value holding Value, compared
// case-insensitively (package fold), where Match says.
type Term struct {
	Element string
	Match   Match
	Value   string
}

// column holds one string element of every user, folded (fold.Key) and laid end to end between zero bytes, in the
// order of Memory.users: "\x00jdoe@example.com\x00asmith@example.org\x00". A search over 100,000 users is then a
// vectorised byte search through a few megabytes instead of a pointer chase and a call per user, and it finds
// `starts_with`, `ends_with` and exact matches by putting the zero bytes into the needle.
//
// Only values of valid UTF-8 without a zero byte are laid out (see appendFolded). The others, and users whose value
// changed since the column was built, are listed in odd: a search offers them whatever they hold, and the caller's
// test decides. Their bytes in text are zeros, which no needle matches.
type column struct {
	text []byte
	ends []uint32 // ends[i] is the offset in text of the zero byte after users[i]'s value
	odd  []int32  // positions in users, ascending
}

// columnBytes is the largest text a column holds: its offsets are 32 bits.
const columnBytes = 1<<32 - 1

// buildColumn lays out the string slot pos of users; ok is false when they do not fit a column.
func buildColumn(users []*Record, pos int) (c *column, ok bool) {
	size, most := 1, 1 // the text's size when every value is ASCII, and at most (fold.AppendKey)
	for _, r := range users {
		size += len(r.Str[pos]) + 1
		most += len(r.Str[pos])*3/2 + 1
	}
	if most > columnBytes {
		return nil, false
	}
	c = &column{text: make([]byte, 1, size+size/8), ends: make([]uint32, 0, len(users))}
	for i, r := range users {
		c.append(int32(i), r.Str[pos])
	}
	return c, true
}

// append lays out the value of the user at position i, which comes after every user laid out so far.
func (c *column) append(i int32, v string) {
	if laid, ok := appendFolded(c.text, v); ok {
		c.text = laid
	} else {
		c.odd = append(c.odd, i)
	}
	c.text = append(c.text, 0)
	c.ends = append(c.ends, uint32(len(c.text)-1))
}

// appendFolded appends v's fold (fold.AppendKey) when v is valid UTF-8 without a zero byte. Both the text and a
// needle are then valid UTF-8, whose bytes match only at rune boundaries, so a byte search finds what comparing
// folded runes one by one (fold.Pattern) would.
func appendFolded(text []byte, v string) ([]byte, bool) {
	if !layable(v) {
		return text, false
	}
	return fold.AppendKey(text, v), true
}

func layable(v string) bool { return strings.IndexByte(v, 0) < 0 && utf8.ValidString(v) }

// start is the offset in text of the zero byte before the value of the user at position i.
func (c *column) start(i int) int {
	if i == 0 {
		return 0
	}
	return int(c.ends[i-1])
}

// change records that the user at position i holds another value: its bytes are zeroed and it becomes odd.
func (c *column) change(i int32) {
	clear(c.text[c.start(int(i))+1 : c.ends[i]])
	if at, found := slices.BinarySearch(c.odd, i); !found {
		c.odd = slices.Insert(c.odd, at, i)
	}
}

func (c *column) isOdd(i int) bool {
	_, found := slices.BinarySearch(c.odd, int32(i))
	return found
}

// worn reports whether so many users are odd that the column is better built again.
func (c *column) worn() bool { return len(c.odd) > 1024+len(c.ends)/16 }

// probe is a Term made ready for its column: what to look for in text (its folded value, with the zero bytes its
// match puts around it). valid is false when no laid-out value can match (the value is not valid UTF-8, or holds
// a zero byte): then only the odd users are candidates.
type probe struct {
	col    *column
	nd     []byte
	key    []byte // nd without its zero bytes
	match  Match
	anchor int // the position in nd that a search looks for first (see rarest)
	valid  bool
}

func newProbe(c *column, t Term) probe {
	p := probe{col: c, match: t.Match, valid: layable(t.Value)}
	if !p.valid {
		return p
	}
	before, after := t.Match == Prefix || t.Match == Whole, t.Match == Suffix || t.Match == Whole
	if before {
		p.nd = append(p.nd, 0)
	}
	p.nd = fold.AppendKey(p.nd, t.Value)
	p.key = p.nd[boolInt(before):]
	if after {
		p.nd = append(p.nd, 0)
	}
	p.anchor = rarest(p.nd)
	return p
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// rank orders probes for the lead of a search, the higher the fewer candidates it should find: an invalid probe
// finds only the odd users; otherwise the rarer the anchor byte and the longer the needle, the fewer matches.
func (p *probe) rank() int {
	if !p.valid {
		return 1 << 30
	}
	return fold.Rarity(p.nd[p.anchor])<<16 + len(p.nd)
}

// holds reports whether the user at position i may match: it is odd, or its laid-out value matches.
func (p *probe) holds(i int) bool {
	if p.col.isOdd(i) {
		return true
	}
	if !p.valid {
		return false
	}
	v := p.col.text[p.col.start(i)+1 : p.col.ends[i]]
	switch p.match {
	case Prefix:
		return bytes.HasPrefix(v, p.key)
	case Suffix:
		return bytes.HasSuffix(v, p.key)
	case Whole:
		return bytes.Equal(v, p.key)
	}
	return bytes.Contains(v, p.key)
}

// search calls fn with the position of every user from position first on whose value may match, in ascending
// position, until fn returns false: the laid-out users that match and the odd ones.
func (p *probe) search(first int, fn func(i int) bool) {
	c := p.col
	odd := c.odd[lowerBound(c.odd, int32(first)):]
	offer := func(i int) bool { // the odd users before i, then i
		for len(odd) > 0 && int(odd[0]) < i {
			if !fn(int(odd[0])) {
				return false
			}
			odd = odd[1:]
		}
		if len(odd) > 0 && int(odd[0]) == i {
			odd = odd[1:]
		}
		return fn(i)
	}
	lead := boolInt(p.valid && p.nd[0] == 0) // a match starts at the zero byte before the value
	for i := first; p.valid && i < len(c.ends); i++ {
		from := c.start(i)
		at := indexAnchored(c.text[from:], p.nd, p.anchor)
		if at < 0 {
			break
		}
		i += lowerBound(c.ends[i:], uint32(from+at+lead))
		if !offer(i) {
			return
		}
	}
	for _, i := range odd {
		if !fn(int(i)) {
			return
		}
	}
}

// rarest is the position in nd of the byte a search looks for first: the rarest in what users hold (fold.Rarity),
// never a zero byte, which ends every value.
func rarest(nd []byte) int {
	best := -1
	for i, b := range nd {
		if b != 0 && (best < 0 || fold.Rarity(b) > fold.Rarity(nd[best])) {
			best = i
		}
	}
	return best
}

// indexAnchored is bytes.Index(text, nd), found by looking for nd's byte at anchor with bytes.IndexByte
// (vectorised) and comparing the rest only there: a rare byte leaves few places to compare.
func indexAnchored(text, nd []byte, anchor int) int {
	if anchor < 0 || len(text) < len(nd) {
		return bytes.Index(text, nd)
	}
	c := nd[anchor]
	window := text[anchor : len(text)-len(nd)+anchor+1]
	for from := 0; ; {
		j := bytes.IndexByte(window[from:], c)
		if j < 0 {
			return -1
		}
		start := from + j
		if bytes.Equal(text[start:start+len(nd)], nd) {
			return start
		}
		from = start + 1
	}
}

// lowerBound is the first position in the ascending list whose value is at least v.
func lowerBound[T int32 | uint32](list []T, v T) int {
	at, _ := slices.BinarySearch(list, v)
	return at
}

// Search implements Store. The first search on an element lays it out in a column (see column), which writes keep
// up to date from then on. The term whose needle looks rarest leads (probe.rank); the others are checked in their
// own columns before a user is offered. Searches take the read lock, as Scan does.
func (m *Memory) Search(ctx context.Context, terms []Term, from int64, fn func(*Record) bool) (bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var probes []probe
	for _, t := range terms {
		s, known := m.layout.slots[t.Element]
		if !known || s.Kind != kindStr || t.Value == "" {
			continue
		}
		if c := m.column(s.Pos); c != nil {
			probes = append(probes, newProbe(c, t))
		}
	}
	if len(probes) == 0 {
		return false, nil
	}
	lead := 0
	for k := range probes {
		if probes[k].rank() > probes[lead].rank() {
			lead = k
		}
	}
	first, _ := m.find(from)
	var n int
	var err error
	probes[lead].search(first, func(i int) bool {
		if n++; n&1023 == 0 && ctx.Err() != nil {
			err = fmt.Errorf("search: %w", ctx.Err())
			return false
		}
		for k := range probes {
			if k != lead && !probes[k].holds(i) {
				return true
			}
		}
		return fn(m.users[i])
	})
	return true, err
}

// column returns the column of the string slot pos, building it on first use; nil when the users' values do not
// fit one. The caller holds the read lock: writers, which keep the columns up to date, are then shut out, and
// columnsMu orders the readers that build.
func (m *Memory) column(pos int) *column {
	m.columnsMu.Lock()
	defer m.columnsMu.Unlock()
	if c, ok := m.columns[pos]; ok {
		return c
	}
	c, ok := buildColumn(m.users, pos)
	if !ok {
		return nil
	}
	if m.columns == nil {
		m.columns = map[int]*column{}
	}
	m.columns[pos] = c
	return c
}

// appendColumns lays out the user just added at the end of users. Caller holds the write lock.
func (m *Memory) appendColumns(r *Record) {
	i := int32(len(m.users) - 1)
	for pos, c := range m.columns {
		if len(c.text)+len(r.Str[pos])*3/2+1 > columnBytes {
			delete(m.columns, pos)
			continue
		}
		c.append(i, r.Str[pos])
	}
}

// changeColumns records that the user at position i changed from old to next. Caller holds the write lock.
func (m *Memory) changeColumns(i int, old, next *Record) {
	for pos, c := range m.columns {
		if old.Str[pos] == next.Str[pos] {
			continue
		}
		if c.change(int32(i)); c.worn() {
			delete(m.columns, pos)
		}
	}
}

// dropColumns forgets every column, to be built again on the next search: after a change that moves users in the
// list. Caller holds the write lock.
func (m *Memory) dropColumns() { m.columns = nil }

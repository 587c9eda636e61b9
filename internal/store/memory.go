package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/coupa-kit/coupa-users/internal/fold"
)

// Memory is the in-memory Store. Users sit in a slice kept in ascending id, so that show is a binary search and
// index pages walk the slice in order; each unique element has an index from its folded value (fold.Key, so that a
// lookup finds what a scan comparing with fold.Compare would) to the user's id (see uniqueIndex).
type Memory struct {
	layout *Layout

	mu      sync.RWMutex
	users   []*Record
	unique  []*uniqueIndex // by position in Layout.Unique
	nextID  int64
	version atomic.Uint64

	columnsMu sync.Mutex      // orders the searches that build columns (see column)
	columns   map[int]*column // by string slot position: the elements searched so far
}

// NewMemory returns an empty in-memory store for records of that layout.
func NewMemory(l *Layout) *Memory {
	m := &Memory{layout: l, nextID: 1}
	m.unique = m.emptyIndexes(0)
	return m
}

var _ Store = (*Memory)(nil)

func (m *Memory) emptyIndexes(size int) []*uniqueIndex {
	idx := make([]*uniqueIndex, len(m.layout.Unique))
	for i := range idx {
		idx[i] = newUniqueIndex(size)
	}
	return idx
}

// holder returns the test uniqueIndex.find needs: whether user id's value of the unique element at pos (in
// Layout.Unique) folds to key. Caller holds the lock.
func (m *Memory) holder(pos int, key string) func(id int64) bool {
	s := m.layout.uniqueSlots[pos]
	return func(id int64) bool {
		i, ok := m.find(id)
		return ok && !m.users[i].IsNull(s) && fold.Equal(m.users[i].String(s), key)
	}
}

func (m *Memory) find(id int64) (int, bool) {
	// Ids are handed out in sequence, so a user is usually at its id's distance from the first: try there first.
	if len(m.users) > 0 {
		if i := id - m.users[0].ID; i >= 0 && i < int64(len(m.users)) && m.users[i].ID == id {
			return int(i), true
		}
	}
	return slices.BinarySearchFunc(m.users, id, func(r *Record, id int64) int {
		switch {
		case r.ID < id:
			return -1
		case r.ID > id:
			return 1
		}
		return 0
	})
}

// Get implements Store.
func (m *Memory) Get(_ context.Context, id int64) (*Record, bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if i, ok := m.find(id); ok {
		return m.users[i], true, nil
	}
	return nil, false, nil
}

// Lookup implements Store.
func (m *Memory) Lookup(ctx context.Context, element, value string) (*Record, bool, error) {
	pos, known := m.layout.uniquePos[element]
	if !known {
		return nil, false, fmt.Errorf("lookup: %s is not a unique element", element)
	}
	key := fold.Key(value)
	m.mu.RLock()
	defer m.mu.RUnlock()
	id, ok := m.unique[pos].find(key, m.holder(pos, key))
	if !ok {
		return nil, false, nil
	}
	i, _ := m.find(id)
	return m.users[i], true, nil
}

// Scan implements Store. It holds the read lock while it runs, so fn must be quick and must not call the store.
func (m *Memory) Scan(ctx context.Context, from int64, fn func(*Record) bool) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	i, _ := m.find(from)
	for ; i < len(m.users); i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return fmt.Errorf("scan: %w", ctx.Err())
		}
		if !fn(m.users[i]) {
			break
		}
	}
	return nil
}

// Split returns the first ids of n parts of about equal size of the users from id from on, so that a scan can run
// on several cores.
func (m *Memory) Split(_ context.Context, from int64, n int) ([]int64, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	i, _ := m.find(from)
	rest := len(m.users) - i
	if n < 1 || rest <= 0 {
		return nil, nil
	}
	n = min(n, rest)
	starts := make([]int64, n)
	for k := range n {
		starts[k] = m.users[i+k*rest/n].ID
	}
	starts[0] = from
	return starts, nil
}

// Len implements Store.
func (m *Memory) Len(context.Context) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.users), nil
}

// uniqueKeys appends the folded value of each unique element of r to keys, in the order of Layout.Unique; "" for
// a null or empty one (which is not indexed). A write folds each value once, for the conflict check and the index.
func (m *Memory) uniqueKeys(r *Record, keys []string) []string {
	for _, s := range m.layout.uniqueSlots {
		k := ""
		if !r.IsNull(s) && r.String(s) != "" {
			k = fold.Key(r.String(s))
		}
		keys = append(keys, k)
	}
	return keys
}

// conflicts lists the unique elements of r whose values belong to another user. Caller holds the lock.
func (m *Memory) conflicts(r *Record) []string {
	var buf [8]string
	return m.conflictsKeyed(r, m.uniqueKeys(r, buf[:0]))
}

// conflictsKeyed is conflicts with r's unique keys already folded (uniqueKeys).
func (m *Memory) conflictsKeyed(r *Record, keys []string) []string {
	var taken []string
	for i, e := range m.layout.Unique {
		if keys[i] == "" {
			continue
		}
		if id, ok := m.unique[i].find(keys[i], m.holder(i, keys[i])); ok && id != r.ID {
			taken = append(taken, e.Name)
		}
	}
	return taken
}

func (m *Memory) index(r *Record, add bool) {
	var buf [8]string
	m.indexKeyed(r.ID, m.uniqueKeys(r, buf[:0]), add)
}

// indexKeyed is index with the record's unique keys already folded (uniqueKeys).
func (m *Memory) indexKeyed(id int64, keys []string, add bool) {
	for i, idx := range m.unique {
		if keys[i] == "" {
			continue
		}
		if add {
			idx.add(keys[i], id)
		} else {
			idx.remove(keys[i], id)
		}
	}
}

// Grow makes room for n more users, so that a bulk load does not grow the user list and the indexes step by step.
func (m *Memory) Grow(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.users = slices.Grow(m.users, n)
	for _, idx := range m.unique {
		idx.resize(idx.n + n)
	}
}

// Create implements Store.
func (m *Memory) Create(_ context.Context, r *Record) (*Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	assigned := r.ID == 0
	if assigned {
		r.ID = m.nextID
	} else if _, exists := m.find(r.ID); exists {
		return nil, fmt.Errorf("create: id %d is taken", r.ID)
	}
	if r.ID > MaxID {
		if assigned {
			r.ID = 0
		}
		return nil, fmt.Errorf("create: id %d is beyond the largest id, %d", r.ID, int64(MaxID))
	}
	var buf [8]string
	keys := m.uniqueKeys(r, buf[:0])
	if taken := m.conflictsKeyed(r, keys); len(taken) > 0 {
		if assigned {
			r.ID = 0
		}
		return nil, &ConflictError{Elements: taken}
	}
	m.layout.setID(r)
	i := len(m.users)
	if i > 0 && m.users[i-1].ID > r.ID { // a new id goes last: no search
		i, _ = m.find(r.ID)
	}
	m.users = slices.Insert(m.users, i, r)
	if i == len(m.users)-1 {
		m.appendColumns(r)
	} else {
		m.dropColumns()
	}
	m.nextID = max(m.nextID, r.ID+1)
	m.indexKeyed(r.ID, keys, true)
	m.version.Add(1)
	return r, nil
}

// Update implements Store.
func (m *Memory) Update(_ context.Context, id int64, change func(*Record) error) (*Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, ok := m.find(id)
	if !ok {
		return nil, ErrNotFound
	}
	old := m.users[i]
	next := old.Clone()
	if err := change(next); err != nil {
		return nil, err
	}
	next.ID = id
	m.layout.setID(next)
	if taken := m.conflicts(next); len(taken) > 0 {
		return nil, &ConflictError{Elements: taken}
	}
	m.index(old, false)
	m.index(next, true)
	m.users[i] = next
	m.changeColumns(i, old, next)
	m.version.Add(1)
	return next, nil
}

// Revert puts back the user with id as it was before a write: prev, or no user when prev is nil (the write was a
// create). It checks nothing, because it only undoes writes in reverse order, back to a state that was consistent:
// the fake uses it when a write's journal record could not be made durable. The next id is not taken back.
func (m *Memory) Revert(id int64, prev *Record) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, exists := m.find(id)
	if exists {
		m.index(m.users[i], false)
	}
	switch {
	case prev == nil && exists:
		m.users = slices.Delete(m.users, i, i+1)
	case prev != nil && exists:
		m.users[i] = prev
	case prev != nil:
		m.users = slices.Insert(m.users, i, prev)
	}
	if prev != nil {
		m.index(prev, true)
	}
	m.dropColumns()
	m.version.Add(1)
}

// Replace implements Store. The new content is checked whole before anything changes.
func (m *Memory) Replace(_ context.Context, records []*Record) error {
	users := slices.Clone(records)
	slices.SortFunc(users, func(a, b *Record) int { return cmp.Compare(a.ID, b.ID) })
	// users go in first: the indexes compare the values of the users they find (uniqueIndex.find).
	fresh := &Memory{layout: m.layout, nextID: 1, users: users, unique: m.emptyIndexes(len(users))}
	for i, r := range users {
		if r.ID <= 0 || r.ID > MaxID || (i > 0 && users[i-1].ID == r.ID) {
			return fmt.Errorf("replace: invalid or repeated id %d", r.ID)
		}
		if taken := fresh.conflicts(r); len(taken) > 0 {
			return fmt.Errorf("replace: user %d: %w", r.ID, &ConflictError{Elements: taken})
		}
		m.layout.setID(r)
		fresh.index(r, true)
		fresh.nextID = r.ID + 1
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.users, m.unique = users, fresh.unique
	m.dropColumns()
	m.nextID = max(fresh.nextID, 1)
	m.version.Add(1)
	return nil
}

// Rewrite replaces every user by rewrite(user) — the same content in new memory — provided the store is still at
// version want. The copies are made and indexed without holding the lock, so readers and writers go on meanwhile;
// if anything was written in between, nothing is replaced and ok is false. It returns the new records in id order.
// The fake uses it to compact the heap after a bulk load while it already serves.
func (m *Memory) Rewrite(ctx context.Context, want uint64, rewrite func(*Record) *Record) (recs []*Record, ok bool, err error) {
	m.mu.RLock()
	old := slices.Clone(m.users)
	m.mu.RUnlock()
	if m.version.Load() != want {
		return nil, false, nil
	}
	fresh := &Memory{layout: m.layout, unique: m.emptyIndexes(len(old))}
	recs = make([]*Record, len(old))
	for i, r := range old {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, false, ctx.Err()
		}
		recs[i] = rewrite(r)
	}
	// Indexed after the copies, not between them, so that the copies lie next to each other in memory: a full scan
	// follows them in id order.
	for _, r := range recs {
		fresh.index(r, true)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.version.Load() != want {
		return nil, false, nil
	}
	m.users, m.unique = slices.Clone(recs), fresh.unique // the same values in the same order: the columns stay
	return recs, true, nil
}

// Snapshot implements Store.
func (m *Memory) Snapshot(context.Context) ([]*Record, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return slices.Clone(m.users), nil
}

// Version implements Store.
func (m *Memory) Version() uint64 { return m.version.Load() }

package fake

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/coupa-kit/coupa-users/internal/store"
)

// durableStore is the store of a fake with a state file. A write is applied in memory, its user appended to the
// journal, and it returns only once the journal is fsynced; a write the journal could not make durable is undone
// before it returns its error, so that memory never keeps what the disk does not. Readers may see a write in the
// milliseconds before its fsync (and, if the fsync fails, see it go away).
//
// Until attach, while the fake seeds and loads its state, writes go straight to memory.
type durableStore struct {
	*store.Memory
	encode func(*store.Record) ([]byte, error) // a user as the journal keeps it

	// gate is shared by writers until their write is durable or undone; bulk operations and compaction take it
	// alone, to find memory and the journal at one point where every write is durable.
	gate sync.RWMutex
	mu   sync.Mutex // orders writes: the journal's order is memory's
	undo []undoEntry
	j    *journal
}

// undoEntry puts a user back as it was before the write of seq.
type undoEntry struct {
	seq  uint64
	id   int64
	prev *store.Record // nil: the write created the user
}

var _ store.Store = (*durableStore)(nil)

func newDurableStore(m *store.Memory, encode func(*store.Record) ([]byte, error)) *durableStore {
	return &durableStore{Memory: m, encode: encode}
}

// attach starts journaling. It is called before the fake serves, so no write races it.
func (d *durableStore) attach(j *journal) { d.j = j }

// NotDurableError is a write refused because it could not be made durable; nothing was changed.
type NotDurableError struct{ Err error }

func (e *NotDurableError) Error() string {
	return "the change could not be saved to the state file: " + e.Err.Error()
}

func (e *NotDurableError) Unwrap() error { return e.Err }

// bulkKey marks the context of a bulk operation: it holds the gate alone, and its writes go straight to memory,
// to be made durable together by a snapshot.
type bulkKey struct{}

func inBulk(ctx context.Context) bool { return ctx.Value(bulkKey{}) != nil }

func (d *durableStore) journaling(ctx context.Context) bool { return d.j != nil && !inBulk(ctx) }

// Create implements store.Store.
func (d *durableStore) Create(ctx context.Context, r *store.Record) (*store.Record, error) {
	if !d.journaling(ctx) {
		return d.Memory.Create(ctx, r)
	}
	return d.write(func() (*store.Record, *store.Record, error) {
		stored, err := d.Memory.Create(ctx, r)
		return stored, nil, err
	})
}

// Update implements store.Store.
func (d *durableStore) Update(ctx context.Context, id int64, change func(*store.Record) error) (*store.Record, error) {
	if !d.journaling(ctx) {
		return d.Memory.Update(ctx, id, change)
	}
	return d.write(func() (*store.Record, *store.Record, error) {
		prev, _, _ := d.Memory.Get(ctx, id)
		stored, err := d.Memory.Update(ctx, id, change)
		return stored, prev, err
	})
}

// Replace implements store.Store. With journaling on, only a bulk operation may replace every user: it makes the
// result durable with a snapshot.
func (d *durableStore) Replace(ctx context.Context, records []*store.Record) error {
	if d.journaling(ctx) {
		return errors.New("replace: the state file keeps a replacement through a bulk operation only")
	}
	return d.Memory.Replace(ctx, records)
}

// write applies a change in memory, journals its user, and waits until the journal has it on disk.
func (d *durableStore) write(apply func() (stored, prev *store.Record, err error)) (*store.Record, error) {
	d.gate.RLock()
	defer d.gate.RUnlock()
	d.mu.Lock()
	if err := d.recoverLocked(); err != nil {
		d.mu.Unlock()
		return nil, &NotDurableError{err}
	}
	stored, prev, err := apply()
	if err != nil {
		d.mu.Unlock()
		return nil, err
	}
	user, err := d.encode(stored)
	if err != nil {
		d.Memory.Revert(stored.ID, prev)
		d.mu.Unlock()
		return nil, fmt.Errorf("encoding user %d for the journal: %w", stored.ID, err)
	}
	seq, b, err := d.j.append(func(seq uint64) []byte { return journalLine(seq, user) })
	if err != nil {
		d.Memory.Revert(stored.ID, prev)
		d.rollbackLocked()
		d.mu.Unlock()
		return nil, &NotDurableError{err}
	}
	d.undo = append(d.undo, undoEntry{seq: seq, id: stored.ID, prev: prev})
	d.mu.Unlock()
	<-b.done
	if b.err != nil {
		// Undo this write, and the later ones, before any of them answers; unless a writer recovering from the
		// failure did already (it undoes before it resets the journal).
		d.mu.Lock()
		if d.j.isFailed() {
			d.rollbackLocked()
		}
		d.mu.Unlock()
		return nil, &NotDurableError{b.err}
	}
	return stored, nil
}

// rollbackLocked undoes, newest first, every write the journal does not hold: called while the journal is failed,
// when all of them belong to failed batches. The caller holds mu.
func (d *durableStore) rollbackLocked() {
	durable := d.j.durableSeq()
	for len(d.undo) > 0 && d.undo[len(d.undo)-1].seq > durable {
		u := d.undo[len(d.undo)-1]
		d.Memory.Revert(u.id, u.prev)
		d.undo = d.undo[:len(d.undo)-1]
	}
	d.forgetLocked(durable)
}

// forgetLocked drops the undo entries of writes now durable. The caller holds mu.
func (d *durableStore) forgetLocked(durable uint64) {
	kept := 0
	for kept < len(d.undo) && d.undo[kept].seq <= durable {
		kept++
	}
	clear(d.undo[:kept]) // let the previous versions go
	d.undo = d.undo[kept:]
}

// recoverLocked prepares a write: after a failure, the failed writes are undone, then the journal is cut back to
// its durable length. The caller holds mu.
func (d *durableStore) recoverLocked() error {
	if d.j.isFailed() {
		d.rollbackLocked()
		return d.j.reset()
	}
	if len(d.undo) >= 64 {
		d.forgetLocked(d.j.durableSeq())
	}
	return nil
}

// still runs fn with writers kept away, at a point where every acknowledged write is durable and no other is in
// memory.
func (d *durableStore) still(fn func() error) error {
	d.gate.Lock()
	defer d.gate.Unlock()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.j.isFailed() {
		d.rollbackLocked()
	} else {
		d.forgetLocked(d.j.durableSeq())
	}
	return fn()
}

// bulk runs op alone, its writes straight to memory, then keep makes the result durable (a snapshot). If keep
// fails, memory goes back to what it was and the error is a *NotDurableError.
func (d *durableStore) bulk(ctx context.Context, op func(context.Context) error, keep func() error) error {
	if d.j == nil {
		return op(ctx)
	}
	return d.still(func() error {
		if err := d.j.reset(); err != nil {
			return &NotDurableError{err}
		}
		before, err := d.Memory.Snapshot(ctx)
		if err != nil {
			return err
		}
		if err := op(context.WithValue(ctx, bulkKey{}, true)); err != nil {
			return err
		}
		if err := keep(); err != nil {
			if rerr := d.Memory.Replace(ctx, before); rerr != nil {
				err = fmt.Errorf("%w (and restoring the previous users failed: %v)", err, rerr)
			}
			d.j.setHealth(err)
			return &NotDurableError{err}
		}
		d.j.setHealth(nil)
		return nil
	})
}

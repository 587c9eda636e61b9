package fake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/coupa-kit/coupa-users/internal/store"
)

// persister keeps a fake's users in a state folder:
//
//	STATE          the snapshot, a State (written atomically: temporary file, fsync, rename, fsync of the folder)
//	STATE.journal  the writes since the snapshot, one line each, fsynced before each write is answered
//	STATE.lock     the advisory lock that keeps a second fake away
//
// At start it takes the lock, removes the temporary files a crash left, loads the snapshot and replays the
// journal. In the background it folds the journal into a new snapshot once the journal is as large as the
// snapshot, so that what each write costs stays proportional to the write (about twice its journal line in all).
type persister struct {
	f           *Fake
	d           *durableStore
	j           *journal
	path        string
	journalPath string
	lock        *os.File

	snapMu      sync.Mutex   // one snapshot written at a time
	nextCompact atomic.Int64 // the journal length that starts a compaction
	minCompact  int64

	kick      chan struct{}
	stop      chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// minCompact is the smallest journal worth folding into the snapshot.
const minCompact = 1 << 20

// openPersister locks the state at path, loads it into d's memory and attaches a journal to d.
func openPersister(f *Fake, d *durableStore, path string) (*persister, error) {
	p := &persister{f: f, d: d, path: path, journalPath: path + ".journal", minCompact: minCompact,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
	var err error
	if p.lock, err = lockState(path+".lock", path); err != nil {
		return nil, fmt.Errorf("fake: %w", err)
	}
	if err := p.open(); err != nil {
		p.lock.Close()
		return nil, fmt.Errorf("fake: %w", err)
	}
	go p.loop()
	return p, nil
}

func (p *persister) open() error {
	if err := removeStaleTemps(p.path); err != nil {
		return err
	}
	ctx := context.Background()
	data, err := os.ReadFile(p.path)
	var st State
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if info, jerr := os.Stat(p.journalPath); jerr == nil && info.Size() > 0 {
			return fmt.Errorf("the journal %s has no state file %s: restore the state file, or remove the journal to start afresh", p.journalPath, p.path)
		}
		// The first start: the seeded users become the snapshot the journal builds on.
		recs, err := p.d.Snapshot(ctx)
		if err != nil {
			return err
		}
		if err := p.writeSnapshot(recs, 0); err != nil {
			return err
		}
	case err != nil:
		return fmt.Errorf("reading the state file: %w", err)
	default:
		if err := json.Unmarshal(data, &st); err != nil {
			return fmt.Errorf("the state file %s is not valid: %w", p.path, err)
		}
		p.nextCompact.Store(max(p.minCompact, int64(len(data))))
	}
	seq, size, err := p.replay(ctx, &st)
	if err != nil {
		return err
	}
	file, err := os.OpenFile(p.journalPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("opening the journal: %w", err)
	}
	// Drop a torn tail (writes a crash interrupted, none of them answered), and make the file's name durable.
	if err := file.Truncate(size); err != nil {
		file.Close()
		return fmt.Errorf("cutting the torn tail of the journal: %w", err)
	}
	syncDir(filepath.Dir(p.path))
	p.j = newJournal(file, size, seq, p.grown)
	p.d.attach(p.j)
	return nil
}

// replay loads the snapshot st (empty on the first start: the seeded users stay) and the journal's later writes.
// It returns the last seq and the journal's intact length.
func (p *persister) replay(ctx context.Context, st *State) (seq uint64, size int64, err error) {
	byID := map[int64]*store.Record{}
	var maxOwned int64
	if st.Version != 0 {
		recs, owned, err := p.f.decodeState(st)
		if err != nil {
			return 0, 0, fmt.Errorf("restoring %s: %w", p.path, err)
		}
		for _, r := range recs {
			byID[r.ID] = r
		}
		maxOwned = owned
	} else {
		recs, err := p.d.Snapshot(ctx)
		if err != nil {
			return 0, 0, err
		}
		for _, r := range recs {
			byID[r.ID] = r
		}
	}
	seq = st.JournalSeq
	size, err = readJournal(p.journalPath, func(rec journalRecord) error {
		if rec.Seq <= st.JournalSeq {
			return nil // folded into the snapshot already
		}
		r, owned, err := p.f.decodeRecord(rec.User)
		if err != nil {
			return err
		}
		byID[r.ID], maxOwned, seq = r, max(maxOwned, owned), rec.Seq
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	recs := make([]*store.Record, 0, len(byID))
	for _, r := range byID {
		recs = append(recs, r)
	}
	if err := p.d.Replace(ctx, recs); err != nil {
		return 0, 0, fmt.Errorf("restoring %s: %w", p.path, err)
	}
	p.f.users.NoteOwnedID(maxOwned)
	return seq, size, nil
}

// removeStaleTemps removes the temporary files of snapshots and journal rewrites a crash interrupted.
func removeStaleTemps(path string) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("reading the state folder: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, "."+base+".tmp-") || strings.HasPrefix(name, "."+base+".journal.tmp-") {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return fmt.Errorf("removing a stale temporary file: %w", err)
			}
		}
	}
	return nil
}

// grown is told the journal's length after each batch; the journal outgrowing the snapshot starts a compaction.
func (p *persister) grown(size int64) {
	if size >= p.nextCompact.Load() {
		select {
		case p.kick <- struct{}{}:
		default:
		}
	}
}

func (p *persister) loop() {
	defer close(p.stopped)
	for {
		select {
		case <-p.stop:
			return
		case <-p.kick:
		}
		if err := p.compact(); err != nil {
			// Writes go on into the journal; try again once it has grown as much again.
			_, size := p.j.point()
			p.nextCompact.Store(size + max(p.minCompact, p.nextCompact.Load()))
			p.f.log.Error("folding the journal into the state file", "path", p.path, "error", err)
		}
	}
}

// compact folds the journal into a new snapshot. Writers wait only while the users are captured and while the
// journal's new tail is copied, never while the snapshot is written.
func (p *persister) compact() error {
	p.snapMu.Lock()
	defer p.snapMu.Unlock()
	var recs []*store.Record
	var seq uint64
	var offset int64
	err := p.d.still(func() (err error) {
		seq, offset = p.j.point()
		recs, err = p.d.Snapshot(context.Background())
		return err
	})
	if err != nil || offset == 0 {
		return err
	}
	if err := p.writeSnapshot(recs, seq); err != nil {
		return err
	}
	return p.d.still(func() error { return p.dropJournal(offset) })
}

// fold writes a snapshot of the users as they are and empties the journal. The caller holds snapMu and the store
// still.
func (p *persister) fold() error {
	recs, err := p.d.Snapshot(context.Background())
	if err != nil {
		return err
	}
	seq, size := p.j.point()
	if err := p.writeSnapshot(recs, seq); err != nil {
		return err
	}
	if err := p.dropJournal(size); err != nil {
		// The snapshot is durable and replay skips the records it holds: the users are safe.
		p.f.log.Error("emptying the journal after a snapshot", "path", p.journalPath, "error", err)
	}
	return nil
}

// bulk runs an operation that changes many users at once (reset, loads, restores), and makes its result durable
// with a snapshot; on failure the users are as they were.
func (p *persister) bulk(ctx context.Context, op func(context.Context) error) error {
	p.snapMu.Lock()
	defer p.snapMu.Unlock()
	return p.d.bulk(ctx, op, p.fold)
}

// writeSnapshot saves recs as the state file, holding the journal up to seq.
func (p *persister) writeSnapshot(recs []*store.Record, seq uint64) error {
	st := p.f.stateOf(recs)
	st.JournalSeq = seq
	var n countingWriter
	err := writeFileAtomic(p.path, func(w io.Writer) error {
		n.w = w
		return json.NewEncoder(&n).Encode(st)
	})
	if err != nil {
		return err
	}
	p.nextCompact.Store(max(p.minCompact, n.n))
	return nil
}

// dropJournal removes the journal's first offset bytes, folded into the snapshot: the rest is copied into a new
// file that replaces the journal. The caller holds the store still.
func (p *persister) dropJournal(offset int64) error {
	if p.j.isFailed() {
		return errors.New("the journal failed: it is kept whole until it recovers")
	}
	_, size := p.j.point()
	src, err := os.Open(p.journalPath)
	if err != nil {
		return fmt.Errorf("rewriting the journal: %w", err)
	}
	defer src.Close()
	err = writeFileAtomic(p.journalPath, func(w io.Writer) error {
		_, err := io.Copy(w, io.NewSectionReader(src, offset, size-offset))
		return err
	})
	if err != nil {
		return err
	}
	file, err := os.OpenFile(p.journalPath, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		// The old descriptor writes to a file no longer named: stop writing rather than lose writes.
		err = fmt.Errorf("reopening the journal after rewriting it: %w", err)
		p.j.fail(err)
		return err
	}
	p.j.swap(file, size-offset).Close()
	return nil
}

// health is why writes cannot be made durable now, or nil.
func (p *persister) health() error { return p.j.health() }

// close stops compaction, folds the journal into the snapshot (so that the next start reads one file), closes
// the journal and releases the lock. A write after close fails.
func (p *persister) close() error {
	p.closeOnce.Do(func() {
		close(p.stop)
		<-p.stopped
		p.snapMu.Lock()
		defer p.snapMu.Unlock()
		p.closeErr = p.d.still(func() error {
			var err error
			if _, size := p.j.point(); size > 0 && !p.j.isFailed() {
				err = p.fold()
			}
			return errors.Join(err, p.j.close())
		})
		p.closeErr = errors.Join(p.closeErr, p.lock.Close())
	})
	return p.closeErr
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// syncDir makes a folder's entries durable (a created or renamed file); not every file system supports it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

package fake

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strconv"
	"sync"
)

// The journal is the state's write-ahead log: one line per acknowledged write of a user, appended and fsynced
// before the write is answered, replayed at start over the snapshot (the state file) and folded into it in the
// background. A line is
//
//	<crc32c of the JSON, 8 hex digits> {"seq":N,"user":{...the user as the state file keeps it...}}
//
// so that a line torn by a crash, or never fsynced, is recognised and dropped. seq grows by one per write across
// compactions; the snapshot says which seq it holds up to, and replay skips what it already holds.

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// journalLine frames one user as a journal line.
func journalLine(seq uint64, user []byte) []byte {
	rec := make([]byte, 0, len(user)+32)
	rec = append(rec, `{"seq":`...)
	rec = strconv.AppendUint(rec, seq, 10)
	rec = append(rec, `,"user":`...)
	rec = append(rec, user...)
	rec = append(rec, '}')
	line := make([]byte, 0, len(rec)+10)
	line = fmt.Appendf(line, "%08x ", crc32.Checksum(rec, crcTable))
	line = append(line, rec...)
	return append(line, '\n')
}

// journalRecord is a journal line read back.
type journalRecord struct {
	Seq  uint64         `json:"seq"`
	User map[string]any `json:"user"`
}

// parseJournalLine reads a line (without its newline); ok is false for a torn or damaged line.
func parseJournalLine(line []byte) (journalRecord, bool) {
	var rec journalRecord
	sum, body, found := bytes.Cut(line, []byte{' '})
	if !found || len(sum) != 8 {
		return rec, false
	}
	want, err := strconv.ParseUint(string(sum), 16, 32)
	if err != nil || crc32.Checksum(body, crcTable) != uint32(want) {
		return rec, false
	}
	if json.Unmarshal(body, &rec) != nil || rec.User == nil {
		return rec, false
	}
	return rec, true
}

// readJournal calls fn on each record of the journal at path, in order, and returns the length of its intact
// part. Only the tail may be damaged (the writes a crash interrupted, none of them acknowledged): a damaged line
// followed by intact ones is corruption, and an error.
func readJournal(path string, fn func(journalRecord) error) (good int64, err error) {
	file, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading the journal: %w", err)
	}
	defer file.Close()
	r := bufio.NewReaderSize(file, 1<<20)
	var offset int64
	damagedAt := int64(-1)
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			rec, ok := parseJournalLine(bytes.TrimSuffix(line, []byte{'\n'}))
			ok = ok && line[len(line)-1] == '\n'
			switch {
			case ok && damagedAt >= 0:
				return 0, fmt.Errorf("the journal %s is damaged at byte %d, before intact records: "+
					"move it away to start from the state file alone", path, damagedAt)
			case ok:
				if err := fn(rec); err != nil {
					return 0, fmt.Errorf("the journal %s at byte %d: %w", path, offset, err)
				}
				good = offset + int64(len(line))
			case damagedAt < 0:
				damagedAt = offset
			}
			offset += int64(len(line))
		}
		if errors.Is(err, io.EOF) {
			return good, nil
		}
		if err != nil {
			return 0, fmt.Errorf("reading the journal %s: %w", path, err)
		}
	}
}

// journalFile is what the journal writes to: an *os.File, or a failing one in tests.
type journalFile interface {
	io.Writer
	Sync() error
	Truncate(size int64) error
	Close() error
}

// journal appends lines with group commit: writers add their line to the open batch and wait; one goroutine
// writes the batch and fsyncs it, and meanwhile the next batch fills, so that concurrent writers share one fsync.
// After a failed write or fsync the journal refuses appends until reset, which cuts the file back to its durable
// length: the writers of the failed batches undo their changes in memory first.
type journal struct {
	mu      sync.Mutex
	wake    *sync.Cond // a batch is open, or the journal closes
	file    journalFile
	size    int64  // the file's durable length
	seq     uint64 // the last seq appended
	durable uint64 // the last seq fsynced
	open    *batch // the batch filling, nil when none
	failed  error  // set after a failed write until reset
	fatal   error  // a failure reset cannot recover from
	lastErr error  // the last failure, until a write succeeds: /healthz reports it
	closing bool
	stopped chan struct{}

	needCompact func(size int64) // told the durable length after each batch
}

// batch is the lines of a group commit and their outcome.
type batch struct {
	buf  []byte
	last uint64
	done chan struct{}
	err  error
}

// newJournal writes to file, whose durable length is size and last seq seq; needCompact (may be nil) is told the
// durable length after each batch.
func newJournal(file journalFile, size int64, seq uint64, needCompact func(size int64)) *journal {
	j := &journal{file: file, size: size, seq: seq, durable: seq, needCompact: needCompact, stopped: make(chan struct{})}
	j.wake = sync.NewCond(&j.mu)
	go j.run()
	return j
}

// errJournalFailed refuses appends between a failed write and the reset that recovers from it.
var errJournalFailed = errors.New("the journal failed and is being recovered")

// append adds the line of the next seq (line builds it) to the open batch. The caller waits on the batch's done.
func (j *journal) append(line func(seq uint64) []byte) (uint64, *batch, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.failed != nil {
		return 0, nil, fmt.Errorf("%w: %w", errJournalFailed, j.failed)
	}
	if j.closing {
		return 0, nil, errors.New("the journal is closed")
	}
	if j.open == nil {
		j.open = &batch{done: make(chan struct{})}
		j.wake.Signal()
	}
	j.seq++
	j.open.buf = append(j.open.buf, line(j.seq)...)
	j.open.last = j.seq
	return j.seq, j.open, nil
}

// run writes and fsyncs batches until the journal closes.
func (j *journal) run() {
	defer close(j.stopped)
	for {
		j.mu.Lock()
		for j.open == nil && !j.closing {
			j.wake.Wait()
		}
		b, file := j.open, j.file
		j.open = nil
		j.mu.Unlock()
		if b == nil {
			return
		}
		_, err := file.Write(b.buf)
		if err == nil {
			err = file.Sync()
		}
		j.mu.Lock()
		var size int64
		if err == nil {
			j.size += int64(len(b.buf))
			j.durable, j.lastErr, size = b.last, nil, j.size
		} else {
			j.failed, j.lastErr = err, err
			// Later lines sit behind the failed ones: they fail too.
			if j.open != nil {
				j.open.err = err
				close(j.open.done)
				j.open = nil
			}
		}
		notify := j.needCompact
		j.mu.Unlock()
		b.err = err
		close(b.done)
		if err == nil && notify != nil {
			notify(size)
		}
	}
}

// durableSeq is the last seq fsynced.
func (j *journal) durableSeq() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.durable
}

// isFailed reports whether the journal refuses appends until reset.
func (j *journal) isFailed() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.failed != nil
}

// reset recovers from a failure, once memory holds nothing beyond the durable seq: the file is cut back to its
// durable length (a failed write may have left part of a batch), and the undone seqs are given out again.
func (j *journal) reset() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.failed == nil {
		return nil
	}
	if j.fatal != nil {
		return j.fatal
	}
	if err := j.file.Truncate(j.size); err != nil {
		return fmt.Errorf("cutting the journal back to its durable length after %v: %w", j.failed, err)
	}
	j.failed, j.seq = nil, j.durable
	return nil
}

// health is the last failure, nil once a write succeeded after it.
func (j *journal) health() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.lastErr
}

// setHealth records the outcome of a write that bypassed the journal (a bulk operation's snapshot).
func (j *journal) setHealth(err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.lastErr = err
}

// point is the journal's durable seq and length; the caller keeps writers away, so that they stay put.
func (j *journal) point() (seq uint64, size int64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.durable, j.size
}

// swap puts file in place of the journal's file (after compaction rewrote it), with its durable length.
func (j *journal) swap(file journalFile, size int64) (old journalFile) {
	j.mu.Lock()
	defer j.mu.Unlock()
	old, j.file, j.size = j.file, file, size
	return old
}

// fail stops the journal for good: appends are refused until the fake restarts.
func (j *journal) fail(err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.failed, j.fatal, j.lastErr = err, err, err
}

// close waits for the batches in flight and closes the file.
func (j *journal) close() error {
	j.mu.Lock()
	j.closing = true
	j.wake.Signal()
	j.mu.Unlock()
	<-j.stopped
	return j.file.Close()
}

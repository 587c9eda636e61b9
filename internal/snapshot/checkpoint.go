package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// checkpoint is the progress of a run, kept in OUT.checkpoint beside OUT.part (the users read so far, one JSON
// object a line). The part file is synced before the checkpoint is replaced, and the checkpoint is replaced
// atomically (a temporary file renamed over it), so an interruption at any point leaves a checkpoint that names
// a prefix of the part file: a resumed run cuts the part file back to Bytes and goes on after LastID.
type checkpoint struct {
	KeyID   string `json:"key_id"`   // the pseudonymisation key's id: a resumed run must use the same key
	BaseURL string `json:"base_url"` // the tenant
	LastID  int64  `json:"last_id"`  // the id of the last user written
	Users   int    `json:"users"`    // users written
	Bytes   int64  `json:"bytes"`    // length of the part file that holds them
}

func partPath(out string) string       { return out + ".part" }
func checkpointPath(out string) string { return out + ".checkpoint" }

// readCheckpoint returns the checkpoint beside out, or nil when there is none.
func readCheckpoint(out string) (*checkpoint, error) {
	data, err := os.ReadFile(checkpointPath(out))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the checkpoint: %w", err)
	}
	var c checkpoint
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", checkpointPath(out), err)
	}
	return &c, nil
}

// save replaces the checkpoint atomically.
func (c *checkpoint) save(out string) error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(checkpointPath(out), func(f *os.File) error {
		_, err := f.Write(append(data, '\n'))
		return err
	})
}

// writeAtomic writes a file through a temporary one in the same folder, synced and renamed over the target, so
// that readers see the old file or the new one, never part of one.
func writeAtomic(path string, write func(*os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after the rename, nothing is left to remove
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

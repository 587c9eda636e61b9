//go:build unix

package fake

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockState takes the advisory lock on path (created if need be), so that two fakes cannot keep one state file
// and overwrite each other's writes. The kernel drops the lock when the process ends, however it ends.
func lockState(path, state string) (*os.File, error) {
	file, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("locking the state file: %w", err)
	}
	if err := syscall.Flock(int(file.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		file.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("state file %s is in use by another process (it holds the lock %s)", state, path)
		}
		return nil, fmt.Errorf("locking the state file %s: %w", state, err)
	}
	return file, nil
}

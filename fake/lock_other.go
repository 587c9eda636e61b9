//go:build !unix

package fake

import (
	"fmt"
	"os"
)

// lockState creates the lock file; outside Unix it takes no lock, and two fakes on one state file are not refused.
func lockState(path, state string) (*os.File, error) {
	file, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("locking the state file %s: %w", state, err)
	}
	return file, nil
}

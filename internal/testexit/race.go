//go:build race

package testexit

import (
	"os"
	"syscall"
)

// exit leaves at once through syscall.Exit when the tests passed: os.Exit would run the race detector's finaliser,
// which sleeps. A failure keeps os.Exit, whose code the race detector does not change.
func exit(code int) {
	if code == 0 {
		syscall.Exit(0)
	}
	os.Exit(code)
}

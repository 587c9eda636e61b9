//go:build race

package testexit

import "syscall"

const raceEnabled = true

// exitNow is syscall.Exit, which leaves the process at once: os.Exit would run the race detector's finaliser, which
// sleeps.
func exitNow(code int) { syscall.Exit(code) }

// Package testexit ends a test binary without the race detector's pause at exit.
//
// A binary built with -race sleeps for a second as it exits (GORACE's atexit_sleep_ms, 1000 by default), to give
// goroutines still running a last chance to race. go test ./... runs this module's two dozen test binaries two at
// a time on a 2-core machine, so the pauses cost about 15 s of the README's test command, which has no way to set
// GORACE. Every package's TestMain therefore ends with
//
//	func TestMain(m *testing.M) { testexit.Exit(m.Run()) }
//
// What is lost is only that last second: a race during the tests still fails the test it happened in, and one
// outside any test still fails the run ("race detected outside of test execution"), both before m.Run returns.
// Coverage is written inside m.Run too.
package testexit

// Exit ends the process with code, as os.Exit does, skipping the race detector's exit pause when the tests passed.
func Exit(code int) { exit(code) }

// Package fuzzcount counts the inputs a fuzz target really ran. The "execs" figure go test -fuzz prints
// under-reports (golang/go#51484: executions a worker made but had not yet reported when fuzzing stopped are
// missed), so .ci/fuzz sums these counts instead.
//
// Each fuzz function calls Inc first thing, and the package's TestMain is
//
//	func TestMain(m *testing.M) { os.Exit(fuzzcount.Main(m)) }
//
// TestMain runs in the fuzz worker processes too, and a worker returns from m.Run when the coordinator closes its
// input pipe, so every process that ran inputs appends its count to the file named by $FUZZCOUNT_FILE on the way
// out.
package fuzzcount

import (
	"fmt"
	"os"
	"sync/atomic"
	"testing"
)

// Env names the variable that holds the path of the file the counts are appended to, one line per process.
const Env = "FUZZCOUNT_FILE"

var n atomic.Int64

// Inc counts one input run by a fuzz function.
func Inc() { n.Add(1) }

// Count is the number of inputs run so far by this process.
func Count() int64 { return n.Load() }

// Main runs the tests and then, if $FUZZCOUNT_FILE is set and this process ran inputs, appends "pid count" to that
// file. It returns m.Run's exit code.
func Main(m *testing.M) int {
	code := m.Run()
	if err := record(os.Getenv(Env), n.Load()); err != nil {
		fmt.Fprintln(os.Stderr, "fuzzcount:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// record appends one line to path. One small write to a file opened O_APPEND is not interleaved with the other
// processes' writes, so the workers need no lock.
func record(path string, count int64) error {
	if path == "" || count == 0 {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(f, "%d %d\n", os.Getpid(), count); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

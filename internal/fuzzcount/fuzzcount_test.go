package fuzzcount

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func TestRecordAppendsOneLinePerCall(t *testing.T) {
	path := filepath.Join(t.TempDir(), "counts")
	if err := record(path, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a process that ran nothing wrote the file: %v", err)
	}
	for _, c := range []int64{3, 5} {
		if err := record(path, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pid := strconv.Itoa(os.Getpid())
	if want := pid + " 3\n" + pid + " 5\n"; string(got) != want {
		t.Fatalf("file = %q, want %q", got, want)
	}
}

func TestRecordWithoutPathIsANoOp(t *testing.T) {
	if err := record("", 7); err != nil {
		t.Fatal(err)
	}
}

package store

import (
	"testing"

	"github.com/coupa-kit/coupa-users/internal/fuzzcount"
	"github.com/coupa-kit/coupa-users/internal/testexit"
)

// TestMain counts the fuzz inputs run (package fuzzcount) and skips the race detector's one-second pause at exit
// (package testexit).
func TestMain(m *testing.M) { testexit.Exit(fuzzcount.Main(m)) }

package linger_test

import (
	"testing"

	"github.com/coupa-kit/coupa-users/internal/testexit"
)

// TestMain skips the race detector's one-second pause at exit (see package testexit).
func TestMain(m *testing.M) { testexit.Exit(m.Run()) }

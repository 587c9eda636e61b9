package main

import (
	"context"
	"fmt"
	"io"
)

func runCheck(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "coupa-users check: not built yet")
	return 1
}

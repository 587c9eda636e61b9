package main

import (
	"context"
	"fmt"
	"io"
)

func runServe(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "coupa-users serve: not built yet")
	return 1
}

func runCheck(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "coupa-users check: not built yet")
	return 1
}

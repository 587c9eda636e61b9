package main

import (
	"context"
	"fmt"
	"io"

	"github.com/coupa-kit/coupa-users/spec"
)

func runSpec(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("spec")
	format := fs.String("format", "yaml", "output format: yaml or json")
	if done, code := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	switch *format {
	case "yaml":
		stdout.Write(spec.YAML())
	case "json":
		s, err := spec.Load()
		if err != nil {
			fmt.Fprintln(stderr, "coupa-users spec:", err)
			return 1
		}
		stdout.Write(append(s.JSON(), '\n'))
	default:
		fmt.Fprintf(stderr, "coupa-users spec: --format must be yaml or json, not %q\n", *format)
		return exitUsage
	}
	return 0
}

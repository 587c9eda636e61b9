// Command specgen writes spec/openapi.yaml from spec/elements.yaml. It runs through `go generate ./...`.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/coupa-kit/coupa-users/spec/internal/gen"
	"github.com/coupa-kit/coupa-users/spec/internal/table"
)

func main() {
	in := flag.String("in", "elements.yaml", "the element table")
	out := flag.String("out", "openapi.yaml", "the OpenAPI document to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "specgen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	t, err := table.Parse(data)
	if err != nil {
		return err
	}
	doc, err := gen.Generate(t)
	if err != nil {
		return err
	}
	return os.WriteFile(out, doc, 0o644)
}

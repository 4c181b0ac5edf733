// Command validate-files validates each policy file named on the command line through the Go binding and
// prints one JSON object: file path → the binding's Report. tests/parity compares it with what the CLI, the
// C ABI, wasm and the REST API say about the same bytes.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"acmepolicy.dev/go/acmepolicy"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: validate-files NOW FILE...")
		os.Exit(2)
	}
	now := os.Args[1]
	out := map[string]acmepolicy.Report{}
	for _, path := range os.Args[2:] {
		text, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		report, err := acmepolicy.ValidateWith(text, acmepolicy.ValidateOptions{Now: now})
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			os.Exit(1)
		}
		out[path] = report
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(1)
	}
}

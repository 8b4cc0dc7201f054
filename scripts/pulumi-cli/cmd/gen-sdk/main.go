// Command gen-sdk generates this package's SDKs from schema.json with Pulumi's own code generators
// (internal/sdkgen, shared with the language hosts' GeneratePackage).
//
//	gen-sdk <schema.json> <python|nodejs|go> <output directory>
//
// The output directory is replaced whole. scripts/gen-sdks runs it for every language.
package main

import (
	"fmt"
	"os"

	"pulumi-idcs/pulumi-cli/internal/sdkgen"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: gen-sdk <schema.json> <python|nodejs|go> <output directory>")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err == nil {
		var files map[string][]byte
		if files, err = sdkgen.Generate(data, os.Args[2]); err == nil {
			err = sdkgen.Write(os.Args[3], files)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen-sdk:", err)
		os.Exit(1)
	}
}

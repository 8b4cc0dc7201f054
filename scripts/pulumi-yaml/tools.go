//go:build tools

// Package tools pins upstream's YAML language host into this module's dependency graph.
package tools

import (
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
)

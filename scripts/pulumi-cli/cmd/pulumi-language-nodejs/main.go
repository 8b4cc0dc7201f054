// Command pulumi-language-nodejs is a minimal Node.js language host for the Pulumi engine.
//
// Upstream's host lives in a Go module the module proxy here does not serve, so scripts/install-pulumi-cli builds
// this one into the project's .pulumi/bin (never where another project would pick it up). Run starts the
// program's own @pulumi/pulumi `cmd/run` (from its node_modules), as upstream's host does, with the engine's
// settings; `main` in Pulumi.yaml picks the program directory and `main` in its package.json the entry point
// (cmd/run reads it). Programs are run as compiled JavaScript: compile TypeScript with tsc first.
// GeneratePackage generates a Node.js SDK (`pulumi package gen-sdk --language nodejs`). Anything else answers
// Unimplemented.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"pulumi-idcs/pulumi-cli/internal/langhost"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "0.0.0-dev"

var engineAddress string

type host struct {
	langhost.Basics
}

// runScript finds @pulumi/pulumi's cmd/run in the node_modules of dir or of a directory above it.
func runScript(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		script := filepath.Join(d, "node_modules", "@pulumi", "pulumi", "cmd", "run")
		if _, err := os.Stat(filepath.Join(script, "index.js")); err == nil {
			return script, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("@pulumi/pulumi is not installed for %s: run `npm install` there", dir)
		}
	}
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	configEnv, err := langhost.ConfigEnv(req)
	if err != nil {
		return nil, err
	}
	programDir, entry, root := langhost.Program(req) // entry "." lets cmd/run read package.json's "main"
	script, err := runScript(programDir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	args := []string{script,
		"--monitor", req.GetMonitorAddress(), "--engine", engineAddress,
		"--project", req.GetProject(), "--stack", req.GetStack(), "--pwd", programDir,
		"--parallel", strconv.Itoa(int(req.GetParallel())), "--organization", req.GetOrganization(),
		"--root-directory", root}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	args = append(append(args, entry), req.GetArgs()...)
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = programDir
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), configEnv...)
	return langhost.RunResponse(cmd.Run(), "node"), nil
}

func main() {
	engineAddress = langhost.EngineAddress()
	langhost.Serve(&host{Basics: langhost.Basics{Version: version, Language: "nodejs"}})
}

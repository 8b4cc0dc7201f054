// Command pulumi-language-go is a minimal Go language host for the Pulumi engine.
//
// Upstream's host lives in a Go module the module proxy here does not serve, so scripts/install-pulumi-cli builds
// this one into the project's .pulumi/bin (never where another project would pick it up). Run builds the program
// (as `go run` does: see build) and runs the binary with the engine's settings in the
// environment the Go SDK's pulumi.Run reads, as upstream's host does. GeneratePackage generates a Go SDK
// (`pulumi package gen-sdk --language go`). Anything else answers Unimplemented.
package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"pulumi-idcs/pulumi-cli/internal/langhost"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "0.0.0-dev"

var engineAddress string

type host struct {
	langhost.Basics
}

// build compiles the program in dir and returns its binary, and a temporary directory to remove ("" for none).
// `go run -exec echo` builds the way `go run` does, then prints the binary's path instead of running it: since Go
// 1.24 that binary stays in Go's build cache, so a program unchanged since its last run is not linked again (a link
// costs about 2 s of a core, every preview and up). With an older Go the printed binary is gone once `go run`
// returns, and the program is built with `go build` into a temporary directory, as upstream's host does.
func build(ctx context.Context, dir string) (binary, tmp string, err error) {
	var printed bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "run", "-exec", "echo", ".")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &printed, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", "", fmt.Errorf("go build in %s failed: %w", dir, err)
	}
	if cached := strings.TrimSpace(printed.String()); filepath.IsAbs(cached) {
		if info, statErr := os.Stat(cached); statErr == nil && info.Mode().IsRegular() {
			return cached, "", nil
		}
	}
	tmp, err = os.MkdirTemp("", "pulumi-go-program-")
	if err != nil {
		return "", "", err
	}
	binary = filepath.Join(tmp, "program")
	cmd = exec.CommandContext(ctx, "go", "build", "-o", binary, ".")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", tmp, fmt.Errorf("go build in %s failed: %w", dir, err)
	}
	return binary, tmp, nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	configEnv, err := langhost.ConfigEnv(req)
	if err != nil {
		return nil, err
	}
	programDir, _, root := langhost.Program(req)
	binary, tmp, err := build(ctx, programDir)
	if tmp != "" {
		defer os.RemoveAll(tmp)
	}
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	cmd := exec.CommandContext(ctx, binary, req.GetArgs()...)
	cmd.Dir = programDir
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(append(os.Environ(), configEnv...),
		"PULUMI_MONITOR="+req.GetMonitorAddress(), "PULUMI_ENGINE="+engineAddress,
		"PULUMI_PROJECT="+req.GetProject(), "PULUMI_STACK="+req.GetStack(),
		"PULUMI_ORGANIZATION="+req.GetOrganization(), "PULUMI_ROOT_DIRECTORY="+root,
		"PULUMI_PARALLEL="+strconv.Itoa(int(req.GetParallel())), "PULUMI_DRY_RUN="+strconv.FormatBool(req.GetDryRun()))
	return langhost.RunResponse(cmd.Run(), "the Go program"), nil
}

func main() {
	engineAddress = langhost.EngineAddress()
	langhost.Serve(&host{Basics: langhost.Basics{Version: version, Language: "go"}})
}

// Command pulumi-language-python is a minimal Python language host for the Pulumi engine.
//
// Upstream's host lives in a Go module the module proxy here does not serve, so scripts/install-pulumi-cli
// builds this one instead. It implements what `pulumi preview/up/refresh/destroy` of a Python program needs:
// GetPluginInfo, Handshake, GetRequiredPackages (none: dynamic providers need no plugin download), Run,
// which starts upstream's `pulumi-language-python-exec` script (shipped in the sdk/v3 module) with the
// engine's settings as the upstream host does, and RunPlugin, which runs a Python plugin directory (a
// policy pack) and streams its output back, and GeneratePackage, which generates a Python SDK
// (`pulumi package gen-sdk --language python`). Anything else answers Unimplemented.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"

	"pulumi-idcs/pulumi-cli/internal/langhost"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "0.0.0-dev"

type host struct {
	langhost.Basics
	execScript string
}

// python picks the interpreter: the `virtualenv` runtime option of Pulumi.yaml, then $PULUMI_PYTHON_CMD,
// then python3 on PATH.
func python(info *pulumirpc.ProgramInfo) (string, []string) {
	if info != nil && info.Options != nil {
		if venv, ok := info.Options.AsMap()["virtualenv"].(string); ok && venv != "" {
			if !filepath.IsAbs(venv) {
				venv = filepath.Join(info.RootDirectory, venv)
			}
			bin := filepath.Join(venv, "bin")
			return filepath.Join(bin, "python"), []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
				"VIRTUAL_ENV=" + venv}
		}
	}
	if cmd := os.Getenv("PULUMI_PYTHON_CMD"); cmd != "" {
		return cmd, nil
	}
	return "python3", nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	configEnv, err := langhost.ConfigEnv(req)
	if err != nil {
		return nil, err
	}
	programDir, entry, root := langhost.Program(req)
	interpreter, extraEnv := python(req.GetInfo())
	args := []string{"-u", h.execScript,
		"--monitor", req.GetMonitorAddress(),
		"--engine", engineAddress,
		"--project", req.GetProject(),
		"--stack", req.GetStack(),
		"--pwd", programDir,
		"--dry_run", strconv.FormatBool(req.GetDryRun()),
		"--parallel", strconv.Itoa(int(req.GetParallel())),
		"--organization", req.GetOrganization(),
		"--root_directory", root,
		entry}
	args = append(args, req.GetArgs()...)
	cmd := exec.CommandContext(ctx, interpreter, args...)
	cmd.Dir = programDir
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(append(os.Environ(), extraEnv...), configEnv...)
	return langhost.RunResponse(cmd.Run(), interpreter), nil
}

// RunPlugin runs a Python plugin (a CrossGuard policy pack, for `pulumi preview --policy-pack`): its
// directory's __main__.py with the engine's arguments, its output streamed back to the engine.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest,
	stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]) error {
	info := req.GetInfo()
	dir := req.GetProgram()
	if info != nil && info.ProgramDirectory != "" {
		dir = filepath.Join(info.ProgramDirectory, info.EntryPoint)
	}
	interpreter, extraEnv := python(info)
	cmd := exec.Command(interpreter, append([]string{"-u", dir}, req.GetArgs()...)...)
	cmd.Dir = req.GetPwd()
	cmd.Env = append(append(os.Environ(), req.GetEnv()...), extraEnv...)
	var mu sync.Mutex
	send := func(resp *pulumirpc.RunPluginResponse) error {
		mu.Lock()
		defer mu.Unlock()
		return stream.Send(resp)
	}
	cmd.Stdout = langhost.StreamWriter(func(p []byte) error {
		return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: p}})
	})
	cmd.Stderr = langhost.StreamWriter(func(p []byte) error {
		return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: p}})
	})
	code := 0
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return fmt.Errorf("could not start %s: %w", interpreter, err)
		}
		code = exitErr.ExitCode()
	}
	return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}

var engineAddress string

func main() {
	engineAddress = langhost.EngineAddress()
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	script := filepath.Join(filepath.Dir(self), "pulumi-language-python-exec")
	if _, err := os.Stat(script); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: %s is missing: run scripts/install-pulumi-cli\n", script)
		os.Exit(1)
	}
	langhost.Serve(&host{Basics: langhost.Basics{Version: version, Language: "python"}, execScript: script})
}

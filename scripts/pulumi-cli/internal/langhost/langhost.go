// Package langhost holds what this project's small language hosts share: serving the LanguageRuntime service
// and generating SDKs for `pulumi package gen-sdk` (thin wrappers over Pulumi's codegen, as upstream's hosts are).
package langhost

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"

	"pulumi-idcs/pulumi-cli/internal/sdkgen"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Basics answers what every one of our hosts answers alike; a host embeds it and adds Run (and more).
// Programs here need no plugin downloads (the provider plugin comes from Pulumi.yaml's plugins section).
type Basics struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	Version  string
	Language string // what GeneratePackage generates: python, nodejs, go
}

// GeneratePackage generates the host's language's SDK (`pulumi package gen-sdk --language <language>`).
func (b *Basics) GeneratePackage(_ context.Context, req *pulumirpc.GeneratePackageRequest) (
	*pulumirpc.GeneratePackageResponse, error) {
	return GeneratePackage(req, b.Language)
}

func (b *Basics) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: b.Version}, nil
}

func (b *Basics) Handshake(context.Context, *pulumirpc.LanguageHandshakeRequest) (
	*pulumirpc.LanguageHandshakeResponse, error) {
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (b *Basics) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (
	*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (b *Basics) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (
	*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

// GeneratePackage writes the SDK for language into the request's directory.
func GeneratePackage(req *pulumirpc.GeneratePackageRequest, language string) (
	*pulumirpc.GeneratePackageResponse, error) {
	files, err := sdkgen.Generate([]byte(req.GetSchema()), language)
	if err != nil {
		return nil, err
	}
	for name, content := range req.GetExtraFiles() {
		files[name] = content
	}
	return &pulumirpc.GeneratePackageResponse{}, sdkgen.Write(req.GetDirectory(), files)
}

// Serve listens on a loopback port, tells the engine which one on stdout, and serves runtime until it stops.
func Serve(runtime pulumirpc.LanguageRuntimeServer) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	server := grpc.NewServer(grpc.MaxRecvMsgSize(400 * 1024 * 1024))
	pulumirpc.RegisterLanguageRuntimeServer(server, runtime)
	fmt.Printf("%d\n", lis.Addr().(*net.TCPAddr).Port)
	if err := server.Serve(lis); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// StreamWriter adapts a send function to io.Writer, copying each chunk (the caller reuses its buffer).
type StreamWriter func([]byte) error

func (w StreamWriter) Write(p []byte) (int, error) {
	if err := w(append([]byte(nil), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// EngineAddress parses the engine's arguments (`[--logtostderr] [-v=N] [--tracing X] [--root D] <engine address>`)
// and returns the address. Flags a linked library already defines (glog's) are reused, not defined twice.
func EngineAddress() string {
	for name, boolean := range map[string]bool{"tracing": false, "root": false, "logtostderr": true, "v": false} {
		if flag.Lookup(name) != nil {
			continue
		}
		if boolean {
			flag.Bool(name, false, "ignored")
		} else {
			flag.String(name, "", "ignored")
		}
	}
	flag.Parse()
	if flag.NArg() == 0 {
		return ""
	}
	return flag.Arg(flag.NArg() - 1)
}

// userActionableExit is the exit code of a program runner that has already shown the user the error.
const userActionableExit = 32

// ConfigEnv is the stack configuration as the SDKs' runners read it: PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS.
// A stack with no config is an empty object and an empty list, as upstream's hosts send it: a nil map would be
// JSON null, which the Python runner cannot read (`'NoneType' object has no attribute 'items'`).
func ConfigEnv(req *pulumirpc.RunRequest) ([]string, error) {
	values, keys := req.GetConfig(), req.GetConfigSecretKeys()
	if values == nil {
		values = map[string]string{}
	}
	if keys == nil {
		keys = []string{}
	}
	config, err := json.Marshal(values)
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	return []string{"PULUMI_CONFIG=" + string(config), "PULUMI_CONFIG_SECRET_KEYS=" + string(secretKeys)}, nil
}

// Program says where the program to run is: its directory, its entry point ("." when unset: the runner then
// finds it itself) and the project's root directory.
func Program(req *pulumirpc.RunRequest) (dir, entry, root string) {
	dir, entry, root = req.GetPwd(), req.GetProgram(), req.GetPwd()
	if info := req.GetInfo(); info != nil {
		dir, entry, root = info.ProgramDirectory, info.EntryPoint, info.RootDirectory
	}
	if entry == "" {
		entry = "."
	}
	return dir, entry, root
}

// RunResponse tells the engine how the program's process ended (err from exec.Cmd.Run; runner names it).
func RunResponse(err error, runner string) *pulumirpc.RunResponse {
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}
	case errors.As(err, &exitErr) && exitErr.ExitCode() == userActionableExit:
		return &pulumirpc.RunResponse{Bail: true}
	case errors.As(err, &exitErr):
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d",
			exitErr.ExitCode())}
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not start %s: %v", runner, err)}
	}
}

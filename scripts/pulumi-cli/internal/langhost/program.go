package langhost

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	gocodegen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/hcl2/syntax"
	nodejscodegen "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/pcl"
	pythoncodegen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// programGenerators turn a bound PCL program into a program of each language, with Pulumi's own code generators.
var programGenerators = map[string]func(*pcl.Program) (map[string][]byte, hcl.Diagnostics, error){
	"python": pythoncodegen.GenerateProgram,
	"nodejs": nodejscodegen.GenerateProgram,
	"go":     gocodegen.GenerateProgram,
}

// GenerateProgram writes the engine's PCL program (`pulumi import --generate-code`, `pulumi convert`) in the host's
// language: the PCL files are parsed and bound against the schemas the engine's loader serves, then generated.
func (b *Basics) GenerateProgram(_ context.Context, req *pulumirpc.GenerateProgramRequest) (
	*pulumirpc.GenerateProgramResponse, error) {
	generate, ok := programGenerators[b.Language]
	if !ok {
		return nil, fmt.Errorf("no program generator for %s", b.Language)
	}
	loader, err := schema.NewLoaderClient(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer loader.Close()
	parser := syntax.NewParser()
	for name, text := range req.GetSource() {
		if err := parser.ParseFile(strings.NewReader(text), name); err != nil {
			return nil, err
		}
	}
	if parser.Diagnostics.HasErrors() {
		return &pulumirpc.GenerateProgramResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(parser.Diagnostics)}, nil
	}
	options := []pcl.BindOption{pcl.PreferOutputVersionedInvokes}
	if !req.GetStrict() {
		options = append(options, pcl.NonStrictBindOptions()...)
	}
	program, diags, err := pcl.BindProgram(parser.Files, schema.NewCachedLoader(loader), options...)
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() || program == nil {
		return &pulumirpc.GenerateProgramResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
	}
	files, generated, err := generate(program)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GenerateProgramResponse{
		Source:      files,
		Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(append(diags, generated...)),
	}, nil
}

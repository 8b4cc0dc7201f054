// Package sdkgen generates this package's SDKs from its schema with Pulumi's own code generators
// (github.com/pulumi/pulumi/pkg/v3/codegen). cmd/gen-sdk and the language hosts' GeneratePackage share it, so
// `scripts/gen-sdks` and `pulumi package gen-sdk` produce the same files.
package sdkgen

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-idcs gen-sdk"

// standalone is the loader for a schema that references no other package: every lookup is refused.
type standalone struct{}

func (standalone) refuse(name string) error {
	return fmt.Errorf("the schema must not reference package %q: it stands alone", name)
}

func (l standalone) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.refuse(pkg)
}

func (l standalone) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.refuse(d.Name)
}

func (l standalone) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.refuse(pkg)
}

func (l standalone) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, l.refuse(d.Name)
}

// Generate returns the SDK files for language ("python", "nodejs" or "go"), by path.
func Generate(schemaJSON []byte, language string) (map[string][]byte, error) {
	var spec schema.PackageSpec
	if err := json.Unmarshal(schemaJSON, &spec); err != nil {
		return nil, fmt.Errorf("the schema is not JSON: %w", err)
	}
	pkg, diags, err := schema.BindSpec(spec, standalone{}, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, diags
	}
	switch language {
	case "python":
		return python.GeneratePackage(tool, pkg, nil, standalone{})
	case "nodejs":
		return nodejs.GeneratePackage(tool, pkg, nil, nil, false, standalone{})
	case "go":
		return gogen.GeneratePackage(tool, pkg, nil)
	}
	return nil, fmt.Errorf("unknown language %q: use python, nodejs or go", language)
}

// Write replaces directory out with files.
func Write(out string, files map[string][]byte) error {
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	for name, content := range files {
		path := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

"""schema.json, generated from the catalog: `python -m pulumi_idcs_provider.schema_gen` (run by scripts/gen-sdks)
writes the copy shipped in the package, which the plugin serves byte for byte (the repository's schema.json links
to it). Never edit schema.json by hand: tests/plugin/test_schema_agreement.py fails when it differs from what this
writes."""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .catalog import DEFINITIONS, FUNCTIONS, VARIABLES, Variable
from .definition import has_flag, properties
from .resource import Definition, FunctionDefinition

PACKAGE: dict[str, Any] = {
    "name": "idcs",
    "displayName": "Oracle IDCS token lifetimes",
    "version": "0.1.0",
    "description": "Adopt existing Oracle IDCS (OCI IAM identity domain) apps and Transmit Mosaic OIDC clients and "
                   "manage their token lifetimes only; prove that refresh grants still work.",
    "keywords": ["pulumi", "oracle", "idcs", "oci", "identity", "oauth", "category/infrastructure", "kind/native"],
    "license": "Apache-2.0",
    "publisher": "pulumi-idcs",
    "homepage": "https://github.com/pulumi-idcs/pulumi-idcs",
    "repository": "https://github.com/pulumi-idcs/pulumi-idcs",
    # Where the engine downloads pulumi-resource-idcs-v<version>-<os>-<arch>.tar.gz on first use: the GitHub release
    # of tag v<version> (PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES redirects it, as the artifacts test does).
    "pluginDownloadURL": "github://api.github.com/pulumi-idcs",
}
LANGUAGE = {
    "python": {"packageName": "pulumi_idcs_native", "respectSchemaVersion": True},
    "nodejs": {"packageName": "@pulumi-idcs/idcs", "packageDescription": (
        "Oracle IDCS and Transmit Mosaic token lifetimes, from the pulumi-resource-idcs plugin"),
        "respectSchemaVersion": True, "dependencies": {"@pulumi/pulumi": "^3.270.0"},
        "devDependencies": {"@types/node": "^20", "typescript": "^5.4"}},
    "go": {"importBasePath": "github.com/pulumi-idcs/pulumi-idcs/sdk/go/idcs", "respectSchemaVersion": True},
}
_ANY = {"$ref": "pulumi.json#/Any"}
_SCALARS = {str: "string", int: "integer", bool: "boolean", float: "number"}


def _type(annotation: Any) -> dict[str, Any]:
    """The schema type of a Python annotation (None left out: optional is said by `required`)."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return _type(args[0])
    if typing.get_origin(annotation) is Literal:
        return {"type": "string"}
    if typing.get_origin(annotation) is dict:
        item = args[1]
        return {"type": "object", "additionalProperties": _ANY if item is Any else _type(item)}
    return {"type": _SCALARS[annotation]}


def _property(field: FieldInfo, as_input: bool) -> dict[str, Any]:
    typed = _type(field.annotation)
    if as_input and has_flag(field, "duration"):  # whole seconds or a duration text
        typed = {"oneOf": [{"type": "integer"}, {"type": "string"}]}
    out: dict[str, Any] = {k: v for k, v in typed.items() if k != "additionalProperties"}
    if has_flag(field, "secret"):
        out["secret"] = True
    if as_input and field.default not in (None, ...) and not field.is_required():
        out["default"] = field.default
    if "additionalProperties" in typed:
        out["additionalProperties"] = typed["additionalProperties"]
    out["description"] = field.description
    return out


def _properties(model: type[BaseModel], as_input: bool) -> tuple[dict[str, Any], list[str]]:
    props = {wire: _property(f, as_input) for wire, _, f in properties(model)}
    return props, [wire for wire, _, f in properties(model) if f.is_required()]


def _resource(definition: Definition) -> dict[str, Any]:
    inputs, required_inputs = _properties(definition.inputs, as_input=True)
    outputs, required = _properties(definition.outputs, as_input=False)
    return {"description": definition.description, "inputProperties": inputs, "requiredInputs": required_inputs,
            "properties": outputs, "required": required}


def _function(function: FunctionDefinition) -> dict[str, Any]:
    inputs, required_inputs = _properties(function.inputs, as_input=False)
    outputs, required = _properties(function.outputs, as_input=False)
    return {"description": function.description,
            "inputs": {"properties": inputs, "required": required_inputs},
            "outputs": {"properties": outputs, "required": required}}


def _variable(variable: Variable) -> dict[str, Any]:
    out: dict[str, Any] = {"type": variable.type}
    if variable.secret:
        out["secret"] = True
    if variable.default is not None:  # 10.0 is written 10, as a person would
        default = variable.default
        out["default"] = int(default) if isinstance(default, float) and default.is_integer() else default
    if variable.type == "object":
        out["additionalProperties"] = _ANY
    env = variable.key[1]
    out["description"] = variable.description + (f" Environment: {env}." if env else "")
    return out


PROVIDER_DESCRIPTION = (
    "The provider of IDCS and Mosaic resources. The default provider is configured by the stack's idcs: config, then "
    "the environment variables each setting names. An explicit provider (`new idcs.Provider(...)`, `type: "
    "pulumi:providers:idcs`) is configured by its arguments alone: it reads neither the stack's config nor the "
    "environment, so that one program can reach several domains and nothing meant for one reaches another.")


def _provider_input(variable: Variable) -> dict[str, Any]:
    """A provider argument: the config variable of the same name, less what only the default provider reads."""
    out = _variable(variable)
    out["description"] = variable.description
    return out


def schema() -> dict[str, Any]:
    """The Pulumi package schema of the plugin: every resource of the catalog, every config variable, and the
    provider's arguments (the same settings, for explicit providers)."""
    return {
        **PACKAGE,
        "config": {"variables": {v.key[0].split(":", 1)[1]: _variable(v) for v in VARIABLES}},
        "provider": {"description": PROVIDER_DESCRIPTION,
                     "inputProperties": {v.key[0].split(":", 1)[1]: _provider_input(v) for v in VARIABLES}},
        "resources": {token.plugin: _resource(d) for token, d in DEFINITIONS.items()},
        "functions": {token: _function(f) for token, f in FUNCTIONS.items()},
        "language": LANGUAGE,
    }


def text() -> str:
    """schema.json's exact text."""
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # the repository's schema.json is a link to this one
    Path(__file__).with_name("schema.json").write_text(text())

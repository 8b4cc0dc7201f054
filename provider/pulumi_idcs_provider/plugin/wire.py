"""Properties on the wire between the engine and the plugin, and the shapes of diffs and errors.

The plugin accepts secrets, so values can arrive wrapped; the core sees plain Python values, exactly as the
dynamic path hands them over. Outputs that schema.json marks secret are wrapped on the way back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import grpc
from google.protobuf import struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, status_pb2

Kind = provider_pb2.PropertyDiff.Kind


@cache
def schema_text() -> str:
    """schema.json as shipped in the package: served to the engine byte for byte."""
    return resources.files("pulumi_idcs_provider").joinpath("schema.json").read_text()


@cache
def secret_outputs(type_token: str) -> frozenset[str]:
    resource = json.loads(schema_text())["resources"].get(type_token, {})
    return frozenset(k for k, v in resource.get("properties", {}).items() if v.get("secret"))


def props_in(struct: struct_pb2.Struct, keep_unknowns: bool = True) -> dict[str, Any]:
    """Plain values (secrets unwrapped, unknowns as pulumi's Unknown when kept)."""
    values = rpc.deserialize_properties(struct, keep_unknowns) or {}
    return {k: _unwrap(v) for k, v in values.items()}


def _unwrap(value: Any) -> Any:
    value = rpc.unwrap_rpc_secret(value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def props_out(values: Mapping[str, Any], type_token: str | None = None) -> struct_pb2.Struct:
    """A Struct of plain values; `__` keys (the core's own) stay home; schema secrets are wrapped."""
    secrets = secret_outputs(type_token) if type_token else frozenset()
    out = struct_pb2.Struct()
    out.update({k: rpc.wrap_rpc_secret(v) if k in secrets and v is not None else v
                for k, v in values.items() if not k.startswith("__")})
    return out


def property_diff(kind: int, input_diff: bool = True) -> provider_pb2.PropertyDiff:
    return provider_pb2.PropertyDiff(kind=kind, inputDiff=input_diff)  # type: ignore[arg-type]


def input_changes(old: Mapping[str, Any], new: Mapping[str, Any], replaces: tuple[str, ...] = ()
                  ) -> dict[str, provider_pb2.PropertyDiff]:
    """A detailed diff of the program's inputs: added, deleted, updated, with replace where it applies."""
    found = {}
    for key in sorted(k for k in {*old, *new} if not k.startswith("__")):
        if old.get(key) == new.get(key):
            continue
        if key not in old or old[key] is None:
            kind = Kind.ADD_REPLACE if key in replaces else Kind.ADD
        elif key not in new or new[key] is None:
            kind = Kind.DELETE_REPLACE if key in replaces else Kind.DELETE
        else:
            kind = Kind.UPDATE_REPLACE if key in replaces else Kind.UPDATE
        found[key] = property_diff(kind)
    return found


def init_failed(context: grpc.ServicerContext, id_: str, outputs: struct_pb2.Struct, inputs: struct_pb2.Struct,
                reason: str) -> None:
    """Fail the step but have the engine save `outputs`: a create or update that did work the state must keep."""
    detail = provider_pb2.ErrorResourceInitFailed(id=id_, properties=outputs, inputs=inputs, reasons=[reason])
    status = status_pb2.Status(code=grpc.StatusCode.UNKNOWN.value[0], message=reason)
    status.details.add().Pack(detail)
    context.abort_with_status(_RichStatus(grpc.StatusCode.UNKNOWN, reason, status.SerializeToString()))


class _RichStatus(grpc.Status):  # type: ignore[misc]
    """A grpc.Status with the google.rpc.Status details in the trailing metadata, as the engine reads them."""

    def __init__(self, code: grpc.StatusCode, details: str, rich: bytes) -> None:
        self.code, self.details = code, details
        self.trailing_metadata = (("grpc-status-details-bin", rich),)

"""Properties on the wire between the engine and the plugin, and the shapes of diffs and errors.

The plugin accepts secrets, so values can arrive wrapped; the core sees plain Python values, exactly as the
dynamic path hands them over. Because the plugin accepts secrets, the engine keeps secret only what the plugin
answers wrapped: so every answer wraps what schema.json marks secret *and* every property that arrived secret
(a secret config value passed to `scope`, say). Unwrapping without re-wrapping stores secrets in plain text.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import grpc
from google.protobuf import struct_pb2
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, status_pb2

from ..catalog import BY_PLUGIN_TOKEN, VARIABLES
from ..definition import flagged

Kind = provider_pb2.PropertyDiff.Kind


@cache
def secret_outputs(type_token: str) -> frozenset[str]:
    """The outputs the resource's definition marks secret (what schema.json says, from the same definition)."""
    found = BY_PLUGIN_TOKEN.get(type_token)
    return frozenset(flagged(found.outputs, "secret")) if found else frozenset()


def secret_inputs(type_token: str) -> frozenset[str]:
    """The inputs the resource's definition marks secret."""
    found = BY_PLUGIN_TOKEN.get(type_token)
    return frozenset(flagged(found.inputs, "secret")) if found else frozenset()


def secret_config() -> frozenset[str]:
    """The provider configuration keys the catalog marks secret (without the `idcs:` namespace)."""
    return frozenset(v.key[0].removeprefix("idcs:") for v in VARIABLES if v.secret)


def props_in(struct: struct_pb2.Struct, keep_unknowns: bool = True) -> dict[str, Any]:
    """Plain values (secrets unwrapped, unknowns as pulumi's Unknown when kept)."""
    values = rpc.deserialize_properties(struct, keep_unknowns) or {}
    return {k: _unwrap(v) for k, v in values.items()}


def arrived_secret(*structs: struct_pb2.Struct) -> frozenset[str]:
    """The top-level properties that hold a secret (anywhere inside) in any of `structs`: they leave secret too."""
    found: set[str] = set()
    for struct in structs:
        values = rpc.deserialize_properties(struct, True) or {}
        found.update(k for k, v in values.items() if _holds_secret(v))
    return frozenset(found)


def _holds_secret(value: Any) -> bool:
    if rpc.is_rpc_secret(value):
        return True
    if isinstance(value, dict):
        return any(_holds_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_secret(v) for v in value)
    return False


def _unwrap(value: Any) -> Any:
    value = rpc.unwrap_rpc_secret(value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def props_out(values: Mapping[str, Any], secrets: frozenset[str] = frozenset()) -> struct_pb2.Struct:
    """A Struct of plain values; `__` keys (the core's own) stay home. A property named in `secrets` is wrapped,
    and so is an object that holds one (the RefreshGrantCheck's `checkedInputs`, say)."""
    out = struct_pb2.Struct()
    out.update({k: rpc.wrap_rpc_secret(_known(v)) if v is not None and _is_secret(k, v, secrets) else _known(v)
                for k, v in values.items() if not k.startswith("__")})
    return out


def _known(value: Any) -> Any:
    """A value the engine does not know yet goes back as the wire's unknown sentinel."""
    return rpc.UNKNOWN if isinstance(value, Unknown) else value


def _is_secret(key: str, value: Any, secrets: frozenset[str]) -> bool:
    return key in secrets or (isinstance(value, dict) and any(k in secrets for k in value))


def config_out(news: struct_pb2.Struct, extra: frozenset[str] = frozenset()) -> struct_pb2.Struct:
    """The provider configuration as checked: unchanged, but for the keys schema.json marks secret (and `extra`),
    which are wrapped even when the stack config holds them in plain text; a named connection's clientSecret too."""
    out = struct_pb2.Struct()
    out.CopyFrom(news)
    for key in out.fields:
        value = out.fields[key]
        if key in secret_config() | extra:
            _wrap_value(value)
        elif value.HasField("string_value") and '"clientSecret"' in value.string_value:  # idcs:connections as JSON
            _wrap_value(value)
        elif value.HasField("struct_value") and not _is_wrapped(value):  # idcs:connections as an object
            for entry in value.struct_value.fields.values():
                if entry.HasField("struct_value") and "clientSecret" in entry.struct_value.fields:
                    _wrap_value(entry.struct_value.fields["clientSecret"])
    return out


#: Pulumi's wire encoding of a secret: {_SIG: _SECRET, "value": ...} (sdk/proto's "special signatures").
_SIG, _SECRET = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"


def _is_wrapped(value: struct_pb2.Value) -> bool:
    return value.HasField("struct_value") and _SIG in value.struct_value.fields


def _wrap_value(value: struct_pb2.Value) -> None:
    """Wrap one Value in place as a secret, unless it already is one (or is not known yet)."""
    if _is_wrapped(value) or (value.HasField("string_value") and value.string_value == rpc.UNKNOWN):
        return
    inner = struct_pb2.Value()
    inner.CopyFrom(value)
    wrapped = struct_pb2.Struct()
    wrapped.fields[_SIG].string_value = _SECRET
    wrapped.fields["value"].CopyFrom(inner)
    value.struct_value.CopyFrom(wrapped)


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

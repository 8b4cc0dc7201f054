"""Drive the SDK's real dynamic-provider gRPC server (`python -u -m pulumi.dynamic`) the way the engine does.

Properties cross as protobuf Structs, so numbers arrive as floats, `__provider` rides along with every call,
and diff/update/read/delete receive the old *outputs*: the same data shapes the Pulumi engine sends.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import struct_pb2
from google.protobuf.json_format import MessageToDict
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc
from pulumi_idcs_provider.app_token_expiry import AppTokenExpiryProvider
from pulumi_idcs_provider.validation import NAME_KEY

UNKNOWN = rpc.UNKNOWN
TYPE = "pulumi-python:dynamic/idcs:AppTokenExpiry"


def struct(values: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(values)
    return s


def plain(s: struct_pb2.Struct) -> dict[str, Any]:
    return MessageToDict(s)


@dataclass
class Checked:
    inputs: dict[str, Any]
    failures: list[tuple[str, str]]


class ProviderServer:
    """One provider process, as the engine starts it for a deployment."""

    def __init__(self, config: dict[str, str], env: dict[str, str] | None = None,
                 provider: ResourceProvider | None = None) -> None:
        self.blob = serialize_provider(provider or AppTokenExpiryProvider())
        full_env = {**os.environ, **(env or {})}
        self.proc = subprocess.Popen([sys.executable, "-u", "-m", "pulumi.dynamic"], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=full_env)
        assert self.proc.stdout is not None
        port = self.proc.stdout.readline().decode().strip()
        if not port.isdigit():
            raise RuntimeError(f"provider server did not start: {port!r} {self.proc.stderr.read().decode()[:2000]}")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self.stub.Configure(provider_pb2.ConfigureRequest(args=struct(config), acceptSecrets=True))

    def close(self) -> None:
        """Stop the process; what it wrote to stderr (the engine would show it as logs) is kept in .stderr."""
        self.channel.close()
        self.proc.kill()
        _, err = self.proc.communicate()
        self.stderr = err.decode(errors="replace")

    def __enter__(self) -> ProviderServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _with_blob(self, props: dict[str, Any]) -> dict[str, Any]:
        """Props as the SDK sends them: the provider blob, and the resource's name (unless the test names it)."""
        return {NAME_KEY: "r", **props, "__provider": self.blob}

    def check(self, news: dict[str, Any], olds: dict[str, Any] | None = None) -> Checked:
        resp = self.stub.Check(provider_pb2.CheckRequest(
            urn="urn:pulumi:test::proj::" + TYPE + "::r", olds=struct(self._with_blob(olds or {})) if olds else
            struct({}), news=struct(self._with_blob(news))))
        return Checked(plain(resp.inputs), [(f.property, f.reason) for f in resp.failures])

    def refused_at_check(self, inputs: dict[str, Any]) -> str:
        """The check failures of a new resource as "property: reason" lines; fails when check accepts it."""
        failures = self.check(inputs).failures
        assert failures, f"check accepted {inputs}"
        return "\n".join(f"{p}: {r}" for p, r in failures)

    def create(self, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        resp = self.stub.Create(provider_pb2.CreateRequest(urn="urn:x::r", properties=struct(self._with_blob(inputs))))
        return resp.id, plain(resp.properties)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> provider_pb2.DiffResponse:
        return self.stub.Diff(provider_pb2.DiffRequest(id=id_, urn="urn:x::r", olds=struct(olds),
                                                       news=struct(self._with_blob(news))))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        resp = self.stub.Update(provider_pb2.UpdateRequest(id=id_, urn="urn:x::r", olds=struct(olds),
                                                           news=struct(self._with_blob(news))))
        return plain(resp.properties)

    def read(self, id_: str, outputs: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
        resp = self.stub.Read(provider_pb2.ReadRequest(id=id_, urn="urn:x::r", properties=struct(outputs)))
        return resp.id, plain(resp.properties), plain(resp.inputs)

    def delete(self, id_: str, outputs: dict[str, Any]) -> None:
        self.stub.Delete(provider_pb2.DeleteRequest(id=id_, urn="urn:x::r", properties=struct(outputs)))

    def up(self, inputs: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
        """Check then Create, as `pulumi up` does for a new resource: (id, checked inputs, outputs)."""
        checked = self.check(inputs)
        assert not checked.failures, checked.failures
        id_, outs = self.create(checked.inputs)
        return id_, checked.inputs, outs


DIFF_NONE = provider_pb2.DiffResponse.DIFF_NONE
DIFF_SOME = provider_pb2.DiffResponse.DIFF_SOME
DIFF_UNKNOWN = provider_pb2.DiffResponse.DIFF_UNKNOWN

"""Drive the real `pulumi-resource-idcs` executable over gRPC the way the engine does (no engine address, so its
diagnostics are dropped; the engine tests see them)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2
from provider_server import plain, struct
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

EXECUTABLE = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "pulumi-resource-idcs"
APP_URN = "urn:pulumi:test::proj::idcs:index:AppTokenExpiry::{}"
CHECK_URN = "urn:pulumi:test::proj::idcs:index:RefreshGrantCheck::{}"


class PluginServer:
    """One plugin process; `config` is the provider's inputs (keys without the idcs: namespace)."""

    def __init__(self, config: dict[str, Any], current: dict[str, Any] | None = None) -> None:
        env = {**os.environ, "PULUMI_CONFIG": json.dumps(current or {})}
        self.proc = subprocess.Popen([str(EXECUTABLE)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        assert self.proc.stdout is not None
        port = self.proc.stdout.readline().decode().strip()
        assert port.isdigit(), port
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self.config = config
        self.stub.Configure(provider_pb2.ConfigureRequest(args=struct(config), acceptSecrets=True,
                                                          sends_old_inputs=True))

    def __enter__(self) -> PluginServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.channel.close()
        self.proc.kill()
        self.proc.communicate()

    def schema(self) -> str:
        return str(self.stub.GetSchema(provider_pb2.GetSchemaRequest()).schema)

    def info(self) -> str:
        return str(self.stub.GetPluginInfo(empty_pb2.Empty()).version)

    def check_config(self, news: dict[str, Any]) -> list[tuple[str, str]]:
        urn = "urn:pulumi:test::proj::pulumi:providers:idcs::default_0_1_0"  # the engine's default provider
        resp = self.stub.CheckConfig(provider_pb2.CheckRequest(urn=urn, news=struct(news), olds=struct({})))
        return [(f.property, f.reason) for f in resp.failures]

    def check(self, news: dict[str, Any], olds: dict[str, Any] | None = None, name: str = "r",
              urn: str = APP_URN) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        resp = self.stub.Check(provider_pb2.CheckRequest(urn=urn.format(name), olds=struct(olds or {}),
                                                         news=struct(news)))
        return plain(resp.inputs), [(f.property, f.reason) for f in resp.failures]

    def create(self, inputs: dict[str, Any], preview: bool = False, name: str = "r",
               urn: str = APP_URN) -> tuple[str, dict[str, Any]]:
        resp = self.stub.Create(provider_pb2.CreateRequest(urn=urn.format(name), properties=struct(inputs),
                                                           preview=preview))
        return resp.id, plain(resp.properties)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any], old_inputs: dict[str, Any],
             name: str = "r") -> provider_pb2.DiffResponse:
        return self.stub.Diff(provider_pb2.DiffRequest(id=id_, urn=APP_URN.format(name), olds=struct(olds),
                                                       news=struct(news), old_inputs=struct(old_inputs)))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any], preview: bool = False,
               name: str = "r", urn: str = APP_URN) -> dict[str, Any]:
        resp = self.stub.Update(provider_pb2.UpdateRequest(id=id_, urn=urn.format(name), olds=struct(olds),
                                                           news=struct(news), preview=preview))
        return plain(resp.properties)

    def read(self, id_: str, outputs: dict[str, Any] | None = None, inputs: dict[str, Any] | None = None,
             name: str = "r") -> provider_pb2.ReadResponse:
        return self.stub.Read(provider_pb2.ReadRequest(id=id_, urn=APP_URN.format(name), properties=struct(
            outputs or {}), inputs=struct(inputs or {})))

    def delete(self, id_: str, outputs: dict[str, Any], name: str = "r") -> None:
        self.stub.Delete(provider_pb2.DeleteRequest(id=id_, urn=APP_URN.format(name), properties=struct(outputs)))

"""`pulumi-resource-idcs`: the executable the Pulumi engine starts.

The engine runs it as `pulumi-resource-idcs [--logtostderr] [-v=N] [--tracing X] <engine address>`; it answers
with its port on the first line of stdout and serves until the engine stops it.
"""

from __future__ import annotations

import sys
import threading
from concurrent import futures
from importlib import resources
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc

from . import engine_log

#: The calls the provider itself answers (servicer.py); any other is unimplemented (Handshake, say: the engine
#: then talks the older protocol) or answered here.
FORWARDED = ("CheckConfig", "DiffConfig", "Configure", "Invoke", "Check", "Diff", "Create", "Update", "Read",
             "Delete")


class Plugin(provider_pb2_grpc.ResourceProviderServicer):
    """What the engine talks to. GetSchema, GetPluginInfo and Cancel are answered at once; the calls of FORWARDED
    go to the provider itself (servicer.py: the catalog, the clients), loaded at the first of them. A language
    host that starts the plugin only for its schema (Pulumi YAML does, on every command) never loads the rest."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._provider: provider_pb2_grpc.ResourceProviderServicer | None = None

    def GetSchema(self, request: provider_pb2.GetSchemaRequest, context: grpc.ServicerContext) -> Any:
        """schema.json as shipped in the package, byte for byte."""
        schema = resources.files("pulumi_idcs_provider").joinpath("schema.json").read_text()
        return provider_pb2.GetSchemaResponse(schema=schema)

    def GetPluginInfo(self, request: empty_pb2.Empty, context: grpc.ServicerContext) -> Any:
        from importlib import metadata  # here: 20 ms of every start, for a call some engines never make

        return plugin_pb2.PluginInfo(version=metadata.version("pulumi-idcs"))

    def Cancel(self, request: empty_pb2.Empty, context: grpc.ServicerContext) -> Any:
        """Nothing runs in the background to stop: every call ends before it answers."""
        return empty_pb2.Empty()

    def provider(self) -> provider_pb2_grpc.ResourceProviderServicer:
        with self._lock:
            if self._provider is None:
                from .servicer import IdcsProviderServicer
                self._provider = IdcsProviderServicer()
            return self._provider


def _forwarded(name: str) -> Any:
    def call(self: Plugin, request: Any, context: grpc.ServicerContext) -> Any:
        return getattr(self.provider(), name)(request, context)
    call.__name__ = name
    return call


for _name in FORWARDED:
    setattr(Plugin, _name, _forwarded(_name))


def main(argv: list[str] | None = None) -> None:
    args = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")]
    if args:
        engine_log.connect(args[-1])
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4),
                         options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)])
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(Plugin(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop(0)


if __name__ == "__main__":
    main()

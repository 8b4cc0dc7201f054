"""`pulumi-resource-idcs`: the executable the Pulumi engine starts.

The engine runs it as `pulumi-resource-idcs [--logtostderr] [-v=N] [--tracing X] <engine address>`; it answers
with its port on the first line of stdout and serves until the engine stops it.
"""

from __future__ import annotations

import sys
from concurrent import futures
from threading import Event

import grpc
from pulumi.runtime.proto import provider_pb2_grpc

from . import engine_log
from .servicer import IdcsProviderServicer


def main(argv: list[str] | None = None) -> None:
    args = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")]
    if args:
        engine_log.connect(args[-1])
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4),
                         options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)])
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(IdcsProviderServicer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    try:
        Event().wait()
    except KeyboardInterrupt:
        server.stop(0)


if __name__ == "__main__":
    main()

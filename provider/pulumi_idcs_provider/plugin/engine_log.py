"""Diagnostics shown under a resource in the CLI, sent to the engine's log service.

A plugin's own stdout and stderr are not shown to users as warnings; the engine address it is started with is the
channel for words a user should read (drift found at preview, an expiry no longer managed). Each warning is sent
once per resource per run: the engine may ask the same question of a resource several times in one run.
"""

from __future__ import annotations

import threading

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc


class EngineLog:
    """The engine's log service, once the plugin knows its address; until then, and on any error, silent."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engine: engine_pb2_grpc.EngineStub | None = None
        self._sent: set[tuple[str, str]] = set()

    def connect(self, address: str) -> None:
        with self._lock:
            self._engine = engine_pb2_grpc.EngineStub(grpc.insecure_channel(address))

    def warn(self, urn: str, message: str) -> None:
        """Best effort: a lost diagnostic must never fail a deployment."""
        with self._lock:
            engine, repeated = self._engine, (urn, message) in self._sent
            self._sent.add((urn, message))
        if engine is None or repeated:
            return
        try:
            engine.Log(engine_pb2.LogRequest(severity=engine_pb2.WARNING, message=message, urn=urn), timeout=10)
        except grpc.RpcError:
            pass


#: The plugin process's one log (one engine per process).
LOG = EngineLog()
connect, warn = LOG.connect, LOG.warn

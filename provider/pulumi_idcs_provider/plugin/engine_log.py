"""Diagnostics shown under a resource in the CLI, sent to the engine's log service.

A plugin's own stdout and stderr are not shown to users; the engine address it is started with is the channel
for words a user should read (drift found at preview, an expiry no longer managed).
"""

from __future__ import annotations

import threading

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

_LOCK = threading.Lock()
_ENGINE: engine_pb2_grpc.EngineStub | None = None


def connect(address: str) -> None:
    global _ENGINE
    with _LOCK:
        _ENGINE = engine_pb2_grpc.EngineStub(grpc.insecure_channel(address))


def warn(urn: str, message: str) -> None:
    """Best effort: a lost diagnostic must never fail a deployment."""
    with _LOCK:
        engine = _ENGINE
    if engine is None:
        return
    try:
        engine.Log(engine_pb2.LogRequest(severity=engine_pb2.WARNING, message=message, urn=urn), timeout=10)
    except grpc.RpcError:
        pass

"""Misbehaviour on demand: latency, a domain rate limit, and queued faults for the next matching requests."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fault:
    """One queued misbehaviour, applied to the next `count` requests that match method and path prefix."""

    method: str | None = None
    path: str | None = None
    count: int = 1
    status: int | None = None
    retry_after: str | None = None
    drop: bool = False
    concurrent_change: bool = False
    expire_tokens: bool = False

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and (
            self.path is None or path.startswith(self.path))


@dataclass
class Faults:
    latency_seconds: float = 0.0
    per_second: int | None = None
    per_minute: int | None = None
    queue: list[Fault] = field(default_factory=list)
    _stamps: deque[float] = field(default_factory=deque)

    def over_limit(self, now: float) -> float | None:
        """Seconds until a slot frees when the domain's rate limit is exceeded, else None (and count this one)."""
        while self._stamps and now - self._stamps[0] > 60:
            self._stamps.popleft()
        last_second = sum(1 for t in self._stamps if now - t < 1)
        if self.per_second is not None and last_second >= self.per_second:
            return 1.0
        if self.per_minute is not None and len(self._stamps) >= self.per_minute:
            return 60 - (now - self._stamps[0])
        self._stamps.append(now)
        return None

    def take(self, method: str, path: str) -> Fault | None:
        for fault in self.queue:
            if fault.matches(method, path):
                fault.count -= 1
                if fault.count <= 0:
                    self.queue.remove(fault)
                return fault
        return None

    def configure(self, spec: dict[str, Any]) -> None:
        """From JSON: latencyMs, rateLimit {perSecond, perMinute}, queue [{method, path, count, status, ...}]."""
        self.latency_seconds = float(spec.get("latencyMs", 0)) / 1000
        limit = spec.get("rateLimit") or {}
        self.per_second, self.per_minute = limit.get("perSecond"), limit.get("perMinute")
        self.queue = [Fault(method=f.get("method"), path=f.get("path"), count=int(f.get("count", 1)),
                            status=f.get("status"), retry_after=f.get("retryAfter"), drop=bool(f.get("drop")),
                            concurrent_change=bool(f.get("concurrentChange")),
                            expire_tokens=bool(f.get("expireTokens")))
                      for f in spec.get("queue", [])]

"""A clock for tests: time moves only when the code under test sleeps, and every sleep is recorded."""

from __future__ import annotations

import time

EPOCH = 1_800_000_000.0  # a fixed wall-clock moment (2027-01-15), for Retry-After dates


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return EPOCH + self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class RecordingClock:
    """The real clock, recording every sleep: for tests against a real server, which keeps real time."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        time.sleep(seconds)

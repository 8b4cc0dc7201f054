"""How fast and how often we talk to a domain: even pacing under its rate limit, and bounded retries.

IDCS limits requests per domain (Oracle's "API rate limiting" page: a free domain allows 20 a second and 150 a
minute for the Apps endpoints, 10 a second and 150 a minute for tokens; paid tiers more) and answers 429 past it,
with or without a Retry-After header (docs/idcs-api.md, "Rate limits").
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from dataclasses import dataclass
from typing import Protocol


class Clock(Protocol):
    """Where pacing and retries read the time and wait: the system's, or a test's own."""

    def monotonic(self) -> float: ...

    def time(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


SYSTEM_CLOCK: Clock = SystemClock()


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, bounded in attempts and in total time."""

    attempts: int = 5            # for errors other than throttling, which is retried for the whole budget
    base_seconds: float = 0.5
    cap_seconds: float = 10.0
    budget_seconds: float = 90.0  # a per-minute window (a free domain: 150 a minute) frees within 60 s

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        return random.uniform(0, min(self.cap_seconds, self.base_seconds * 2**attempt))


class RateLimiter:
    """Paces requests evenly at `per_second`, across every thread that talks to one domain.

    No bursts: IDCS counts requests in sliding windows, and a burst followed by the steady rate overshoots them.
    Requests leave at 90% of the limit, so network jitter cannot squeeze one more into a window.
    """

    HEADROOM = 0.9
    #: The slowest a run slows down to after 429s: one request every two seconds.
    FLOOR = 0.5
    #: The pace every tier allows for a whole minute (a free domain's 150 a minute): where the first 429 takes a
    #: faster run at once, rather than halving its way down through several more 429s.
    SUSTAINED = 150 / 60

    def __init__(self, per_second: float, clock: Clock = SYSTEM_CLOCK) -> None:
        self.per_second = per_second * self.HEADROOM
        self.capacity = 1.0
        self.clock = clock
        self._tokens = self.capacity
        self._stamp = clock.monotonic()
        self._slowed_at = float("-inf")
        self._lock = threading.Lock()

    def slow_down(self, sent_at: float) -> tuple[float, float]:
        """The pace after a 429 answered to a request sent at `sent_at`: the first takes it to what every tier
        allows for a minute (SUSTAINED, with headroom) or half, whichever is slower; each later one halves it, not
        below FLOOR. (the pace before, the pace now), in requests a second. A 429 to a request sent before the last
        slow-down says nothing of the new pace, so concurrent requests throttled together slow it once."""
        with self._lock:
            before = self.per_second
            if sent_at >= self._slowed_at:
                first = self._slowed_at == float("-inf")
                halved = self.per_second / 2
                self.per_second = max(self.FLOOR, min(halved, self.SUSTAINED * self.HEADROOM) if first else halved)
                self._slowed_at = self.clock.monotonic()
            return before, self.per_second

    def acquire(self) -> None:
        with self._lock:
            now = self.clock.monotonic()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.per_second)
            self._stamp = now
            self._tokens -= 1
            wait = -self._tokens / self.per_second if self._tokens < 0 else 0.0
        if wait > 0:
            self.clock.sleep(wait)


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3); `now` is the wall-clock time (epoch)."""
    if not value:
        return None
    if value.strip().isascii() and value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)

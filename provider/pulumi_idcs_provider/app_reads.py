"""What one run has read of a domain's apps, and when it lists the domain instead of reading app by app.

One deployment reads an app several times (check then create, refresh then diff, diff then update): the first read
of a run answers the others, and our own PATCH answers replace it. Names resolved once stay resolved. And the
online rule of `listing` keeps a run's requests bounded by the stack, never by the domain
(docs/performance.md, "The read bound"). No HTTP here: the client hands in how to count and how to list.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from .models import AppExpiries
from .pacing import SYSTEM_CLOCK, Clock

#: How long what a run read answers later reads (one deployment rarely lasts longer; a new one reads again).
MAX_AGE_SECONDS = 300.0
#: Apps a listing page holds (the most IDCS serves).
PAGE_SIZE = 1000


def pages(total: int) -> int:
    """Pages a listing of `total` apps takes (at least one)."""
    return max(1, -(-total // PAGE_SIZE))


class AppReads:
    """The apps one provider process has read of one domain. Thread-safe."""

    def __init__(self, clock: Clock = SYSTEM_CLOCK) -> None:
        self.clock = clock
        self._lock = threading.RLock()  # held while probing and listing: other threads wait, not read singly
        self._recent: dict[str, tuple[AppExpiries, float]] = {}
        self._resolved: dict[tuple[str, str], str] = {}  # (attribute, casefolded value) -> app id
        self._listed: dict[str, AppExpiries] | None = None
        self._listed_at = 0.0
        self._single_reads = 0
        self._pages: int | None = None  # what listing the domain costs, once counted

    def recent(self, app_id: str) -> AppExpiries | None:
        with self._lock:
            found = self._recent.get(app_id)
        return found[0] if found and self.clock.monotonic() - found[1] < MAX_AGE_SECONDS else None

    def remember(self, app: AppExpiries) -> None:
        with self._lock:
            self._recent[app.id] = (app, self.clock.monotonic())
            if self._listed is not None:
                self._listed[app.id] = app

    def forget(self, app_id: str) -> None:
        """Someone else changed the app: neither what we read of it nor a listing that missed it may answer."""
        with self._lock:
            self._recent.pop(app_id, None)
            if self._listed is not None:
                self._listed.pop(app_id, None)
            self._listed_at = -MAX_AGE_SECONDS

    def resolved(self, attribute: str, value: str) -> str | None:
        with self._lock:
            return self._resolved.get((attribute, value.casefold()))

    def resolve(self, attribute: str, value: str, app: AppExpiries) -> None:
        self.remember(app)
        with self._lock:
            self._resolved[(attribute, value.casefold())] = app.id

    def listing(self, count: Callable[[], int],
                take: Callable[[], dict[str, AppExpiries]]) -> dict[str, AppExpiries] | None:
        """Every app of the domain when reads are answered from a listing; None for a read of one app.

        The rule: read apps one by one until the reads spent equal what listing the domain costs (L = ceil(M /
        1000) pages, counted by one `count` probe at the third read, so that runs of one or two apps never pay for
        it), then `take` the listing. A run of N apps reads at most max(2, L) apps singly, probes once and lists L
        pages: with the token, never more than 2 (min(N, L) + 1) + 2 requests.
        """
        with self._lock:
            if self._listed is not None and self.clock.monotonic() - self._listed_at < MAX_AGE_SECONDS:
                return self._listed
            self._single_reads += 1
            if self._single_reads <= 2:
                return None
            if self._pages is None:
                self._pages = pages(count())
            if self._single_reads <= self._pages:
                return None
            self._listed, self._listed_at = take(), self.clock.monotonic()
            self._pages = pages(len(self._listed))
            return self._listed

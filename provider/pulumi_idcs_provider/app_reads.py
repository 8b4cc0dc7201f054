"""What one run has read of a domain's apps, and when it lists the domain instead of reading app by app.

One deployment reads an app several times (check then create, refresh then diff, diff then update): the first read
of a run answers the others, and our own PATCH answers replace it. Names resolved once stay resolved. And the
online rule of `listing` keeps a run's requests bounded by the stack, never by the domain (docs/performance.md,
"The read bound and the byte bound"); when the front door knows which apps the stack manages (the plugin reads the
stack's checkpoint), they are read in batches of just those, which bounds the bytes too.
No HTTP here: the client hands in how to count, list and search.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from .apps import AppExpiries
from .pacing import SYSTEM_CLOCK, Clock

#: How long what a run read answers later reads (one deployment rarely lasts longer; a new one reads again).
MAX_AGE_SECONDS = 300.0
#: Apps a listing page holds (the most IDCS serves).
PAGE_SIZE = 1000
#: Apps one filtered search names (`id eq "a" or id eq "b" ...`): IDCS documents no limit on a filter's length
#: (unconfirmed), so a domain that refuses one makes the client halve it. 250 keeps a batched read of the stack's
#: apps within the request bound wherever listing the domain would cost more than twice its bytes.
SEARCH_BATCH = 250


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
        self._absent: set[str] = set()  # ids a batched read found no app for

    def absent(self, app_id: str) -> bool:
        """Whether a batched read of this run found no app with this id (it was deleted)."""
        with self._lock:
            return app_id in self._absent

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

    def listing(self, count: Callable[[], int], take: Callable[[], dict[str, AppExpiries]],
                stack: Callable[[], list[str]] = list,
                search: Callable[[list[str]], list[AppExpiries]] | None = None) -> dict[str, AppExpiries] | None:
        """Every app of the domain when reads are answered from a listing; None for a read of one app (which the
        stack's batched read may have answered: ask `recent` again).

        The rule: read apps one by one until the reads spent equal what listing the domain costs (L = ceil(M /
        1000) pages, counted by one `count` probe at the third read, so that runs of one or two apps never pay for
        it), then `take` the listing. A run of N apps reads at most max(2, L) apps singly, probes once and lists L
        pages: with the token, never more than 2 (min(N, L) + 1) + 2 requests. At the probe, the apps the `stack`
        says it manages are instead `search`ed for in batches of SEARCH_BATCH, when that many batches fit in the
        same bound: then the bytes read are about those of the stack's apps alone, not the domain's.
        """
        with self._lock:
            if self._listed is not None and self.clock.monotonic() - self._listed_at < MAX_AGE_SECONDS:
                return self._listed
            self._single_reads += 1
            if self._single_reads <= 2:
                return None
            if self._pages is None:
                self._pages = pages(count())
                wanted = [i for i in dict.fromkeys(stack()) if self.recent(i) is None]
                if search is not None and wanted and -(-len(wanted) // SEARCH_BATCH) <= 2 * min(
                        len(wanted), self._pages) + 1:
                    self._read_batches(wanted, search)
                    self._single_reads = 0  # the stack's own apps are read: its new ones count afresh
                    return None
            if self._single_reads <= self._pages:
                return None
            self._listed, self._listed_at = take(), self.clock.monotonic()
            self._pages = pages(len(self._listed))
            return self._listed

    def _read_batches(self, wanted: list[str], search: Callable[[list[str]], list[AppExpiries]]) -> None:
        """The stack's apps, SEARCH_BATCH at a time; an id no batch answers has no app now."""
        for start in range(0, len(wanted), SEARCH_BATCH):
            batch = wanted[start:start + SEARCH_BATCH]
            found = {a.id: a for a in search(batch)}
            for app in found.values():
                self.remember(app)
            self._absent.update(i for i in batch if i not in found)

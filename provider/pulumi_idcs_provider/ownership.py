"""Who manages which app in this deployment: one owner per app, and no restore onto an app adopted in this run.

One provider process serves every resource of a deployment (the dynamic provider server runs them all), so the
table of its context sees the whole deployment. Apps (and Mosaic clients) are keyed by (canonical host URL, id).
"""

from __future__ import annotations

import threading

from .errors import IdcsError
from .spelling import shown


def owner_of(urn: str) -> str:
    """How messages name a resource, the same through both doors and from Pulumi's public API (the URN: the
    plugin gets it with every request, the dynamic SDK computes it with `pulumi.create_urn`): its name, prefixed by
    its parent's type when it has a parent (a URN holds the parent's type, not its name)."""
    chain = urn.split("::")[2].split("$")  # the parent's type, then its own: ...$test:index:Team$idcs:index:...
    name = urn.split("::")[-1]
    return f"{chain[-2]}/{name}" if len(chain) >= 2 else name


class OwnershipError(IdcsError):
    """Two resources of one deployment resolve to the same app."""


class Owners:
    """The ownership table of one deployment."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        #: (domain, app id) -> the resource that manages it in this deployment (its name).
        self._owners: dict[tuple[str, str], str] = {}
        #: (domain, app id) of apps that a create or an update of this deployment adopted or wrote.
        self._written: set[tuple[str, str]] = set()
        #: (domain, app id) -> the two owners, once a second one was refused: no write to it for the rest of the run.
        self._contested: dict[tuple[str, str], tuple[str, str]] = {}

    def claim(self, domain: str, app_id: str, owner: str, label: str) -> None:
        """Record that `owner` manages the app; refuse when another resource of this deployment already does."""
        with self._lock:
            current = self._owners.setdefault((domain, app_id), owner)
            contested = self._contested.get((domain, app_id))
            if current != owner and owner and current:
                contested = self._contested.setdefault((domain, app_id), (current, owner))
        if contested:
            first, second = sorted(contested)  # the engine checks resources concurrently: keep the text stable
            raise OwnershipError(
                f"app {label} is managed by two resources of this deployment, {shown(first)} and {shown(second)} "
                "(whatever identifiers they use, they resolve to the same app): one app, one owner. Remove one of "
                "them; to move the management, delete one and change the other in the same update")

    def share(self, key: tuple[str, str], owner: str) -> str | None:
        """Record that `owner` uses `key` (a seed token's fingerprint, say); the other resource of this deployment
        that used it first, or None."""
        with self._lock:
            first = self._owners.setdefault(key, owner)
        return first if first != owner and owner and first else None

    def claim_to_write(self, domain: str, app_id: str, owner: str, label: str) -> None:
        """`claim`, and remember that this deployment writes the app now (deletes must not restore it). Called
        before every write: once two owners were seen in this run, neither writes."""
        self.claim(domain, app_id, owner, label)
        with self._lock:
            self._written.add((domain, app_id))

    def written_in_this_run(self, domain: str, app_id: str) -> bool:
        """Whether a create or update of this deployment manages the app now: a delete must not restore onto it."""
        with self._lock:
            return (domain, app_id) in self._written

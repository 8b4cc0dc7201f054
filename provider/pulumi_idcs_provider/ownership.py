"""Who manages which app in this deployment: one owner per app, and no restore onto an app adopted in this run.

One provider process serves every resource of a deployment (the dynamic provider server runs them all), so a
process-wide table sees the whole deployment. Apps are keyed by (canonical domain URL, app id).
"""

from __future__ import annotations

import threading

from .errors import IdcsError
from .spelling import shown

_LOCK = threading.Lock()
#: (domain, app id) -> the resource that manages it in this deployment (its name).
_OWNERS: dict[tuple[str, str], str] = {}
#: (domain, app id) of apps that a create or an update of this deployment adopted or wrote.
_ADOPTED: set[tuple[str, str]] = set()
#: (domain, app id) -> the two owners, once a second one was refused: no write to it for the rest of the run.
_CONTESTED: dict[tuple[str, str], tuple[str, str]] = {}


class OwnershipError(IdcsError):
    """Two resources of one deployment resolve to the same app."""


def claim(domain: str, app_id: str, owner: str, label: str) -> None:
    """Record that `owner` manages the app; refuse when another resource of this deployment already does."""
    with _LOCK:
        current = _OWNERS.setdefault((domain, app_id), owner)
        contested = _CONTESTED.get((domain, app_id))
        if current != owner and owner and current:
            contested = _CONTESTED.setdefault((domain, app_id), (current, owner))
    if contested:
        first, second = sorted(contested)  # the engine checks resources concurrently: keep the text stable
        raise OwnershipError(
            f"app {label} is managed by two resources of this deployment, {shown(first)} and {shown(second)} (whatever "
            "identifiers they use, they resolve to the same app): one app, one owner. Remove one of them; to move "
            "the management, delete one and change the other in the same update")


def adopt(domain: str, app_id: str, owner: str, label: str) -> None:
    """`claim`, and remember that this deployment now manages the app (deletes must not restore it). Called
    before every write: once two owners were seen in this run, neither writes."""
    claim(domain, app_id, owner, label)
    with _LOCK:
        _ADOPTED.add((domain, app_id))


def adopted_in_this_run(domain: str, app_id: str) -> bool:
    """Whether a create or update of this deployment manages the app now: a delete must not restore onto it."""
    with _LOCK:
        return (domain, app_id) in _ADOPTED


def forget() -> None:
    """Start afresh (tests that run several deployments in one process)."""
    with _LOCK:
        _OWNERS.clear()
        _ADOPTED.clear()
        _CONTESTED.clear()

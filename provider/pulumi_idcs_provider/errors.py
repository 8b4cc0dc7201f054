"""What can go wrong, as exceptions whose message is the line a user reads under the resource in the CLI.

No message ever carries a secret: they are built from app names, statuses and server-side ids only.
"""

from __future__ import annotations


class IdcsError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigurationError(IdcsError):
    """The provider cannot talk to a domain: missing or unusable connection settings. `key` names the stack
    config key at fault, when one is."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class AppNotFoundError(IdcsError):
    """The identifier names no app in the domain (or, for a name, more than one)."""


class IdcsApiError(IdcsError):
    """IDCS answered with an error status."""

    def __init__(self, *, action: str, app: str, status: int, message_id: str | None, detail: str | None,
                 ecid: str | None = None) -> None:
        self.action, self.app, self.status = action, app, status
        self.message_id, self.detail, self.ecid = message_id, detail, ecid
        parts = [f"IDCS refused to {action} app {app}: HTTP {status}"]
        parts.append(f"messageId {message_id}" if message_id else "no messageId")
        parts.append(detail or "no detail given")
        text = ", ".join(parts)
        if ecid:
            text += f" (ECID {ecid}, quote it to Oracle support)"
        super().__init__(text)


class ReadAfterWriteError(IdcsError):
    """IDCS accepted a PATCH but answered with other values than the ones sent (it clamps or ignores)."""


class ConcurrentChangeError(IdcsError):
    """Someone else changed the app between our read and our write, twice in a row."""

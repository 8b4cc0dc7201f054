"""`pulumi-idcs discover`: a `pulumi import --file` document that adopts every OAuth app of a domain in one run
(and every custom resource of the Mosaic tenant, when one is configured).

One `idcs:index:AppTokenExpiry` per app (`idcs:mosaic:ResourceTokenTimeouts` per Mosaic resource), named from its
display name (lower-case words joined by "-", unique in the document); `pulumi import --file` then reads each
through the plugin, which adopts it as it is: every lifetime at its live value, `onDelete: retain`, nothing
written (README, "Adopting existing apps").
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from typing import Any

from .scan import Found


def resource_name(display_name: str, taken: set[str]) -> str:
    """A valid, readable Pulumi name from a display name, unique among `taken` (which it joins)."""
    base = re.sub(r"[^a-z0-9]+", "-", display_name.lower()).strip("-") or "app"
    if base[0].isdigit():
        base = f"app-{base}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def excluded(app: Found, patterns: Iterable[str]) -> bool:
    """Whether a pattern (shell-style, e.g. "bench-*") matches the app's display name, name or id."""
    return any(fnmatch.fnmatchcase(value, p) for p in patterns for value in (app.display_name, app.name, app.id))


def import_document(apps: Iterable[Found], exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The `pulumi import --file` document, in the order found."""
    taken: set[str] = set()
    patterns = list(exclude)
    return {"resources": [{"type": a.type_token, "name": resource_name(a.display_name or a.name or a.id, taken),
                           "id": a.id} for a in apps if not excluded(a, patterns)]}

"""`pulumi-idcs discover`: a `pulumi import --file` document that adopts every OAuth app of a domain in one run
(and every custom resource of the Mosaic tenant, when one is configured).

One `idcs:index:AppTokenExpiry` per app (`idcs:mosaic:ResourceTokenTimeouts` per Mosaic resource), named from its
display name (lower-case words joined by "-", unique in the document); `pulumi import --file` then reads each
through the plugin, which adopts it as it is: every lifetime at its live value, `onDelete: retain`, nothing
written (docs/app-token-expiry.md, "Adopting existing apps").
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from typing import Any

from pulumi_idcs_provider.catalog import TARGETS

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


def _import_inputs(app: Found) -> dict[str, Any]:
    """What the plugin's import gives the resource: the inputs its id names, and every lifetime it holds."""
    named = TARGETS[app.type_token].id_inputs(app.id)
    return {**named, **{w: v for w, v in app.lifetimes.items() if v is not None}}


def import_problem(app: Found) -> str | None:
    """Why `pulumi import` would refuse this object (a lifetime the resource cannot hold: 0 s, beyond what IDCS
    stores; or no lifetime at all), or None: such an object is left out of the document, not imported broken."""
    _, failures = TARGETS[app.type_token].check_inputs(_import_inputs(app))
    return "; ".join(f"{f.property + ': ' if f.property else ''}{f.reason}" for f in failures) or None


def import_document(apps: Iterable[Found], exclude: Iterable[str] = (),
                    left_out: Callable[[Found, str], None] = lambda app, why: None) -> dict[str, Any]:
    """The `pulumi import --file` document, in the order found: only what import accepts (`left_out` is told of
    each other object and why)."""
    taken: set[str] = set()
    patterns = list(exclude)
    chosen = []
    for app in apps:
        if excluded(app, patterns):
            continue
        problem = import_problem(app)
        if problem:
            left_out(app, problem)
            continue
        chosen.append({"type": app.type_token, "name": resource_name(app.display_name or app.name or app.id, taken),
                       "id": app.id})
    return {"resources": chosen}

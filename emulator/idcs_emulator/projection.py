"""Which attributes of an App an answer carries: `attributes`, `attributeSets` and `returned: always`.

The `returned` class of each attribute is the one Oracle's App schema gives it (as published in Oracle's SDK,
`oci.identity_domains.models.App`, see docs/idcs-api.md): `always` attributes come back in every answer,
`default` ones when no attribute is named, `request` ones only when named (or with `attributeSets=request`/`all`).
"""

from __future__ import annotations

import copy
from typing import Any

#: `returned: always` in Oracle's App schema (basedOnTemplate's sub-attribute `value` too, see `project`).
ALWAYS = frozenset({"id", "displayName", "isAliasApp", "meterAsOPCService", "disableKmsiTokenAuthentication",
                    "serviceParams"})
#: `returned: request`: only when asked for by name or by the `request` / `all` sets.
REQUEST = frozenset({"accounts", "adminRoles", "appIcon", "appThumbnail", "cloudControlProperties",
                     "editableAttributes", "grants", "hashedClientSecret", "idcsLastUpgradedInRelease",
                     "idcsPreventedOperations", "identityProviders", "tags", "userRoles"})
ATTRIBUTE_SETS = ("all", "always", "default", "request", "never")


class UnknownAttributeSet(ValueError):
    pass


def project(app: dict[str, Any], attributes: list[str], sets: list[str], version: str | None) -> dict[str, Any]:
    """The app as an answer shows it. `version` (the ETag) goes into meta.version whenever meta is shown."""
    unknown = [s for s in sets if s.lower() not in ATTRIBUTE_SETS]
    if unknown:
        raise UnknownAttributeSet(f"{unknown[0]!r} is not an attribute set: use {', '.join(ATTRIBUTE_SETS)}")
    named = {a.lower() for a in attributes}
    chosen = {s.lower() for s in sets} or ({"default"} if not named else set())
    out: dict[str, Any] = {}
    for key, value in app.items():
        if _shown(key, named, chosen):
            out[key] = copy.deepcopy(value)
    for name in sorted(n for n in named if "." in n):  # a sub-attribute: that part of its parent only
        parent, _, sub = name.partition(".")
        parent_key = next((k for k in app if k.lower() == parent), None)
        if parent_key is not None and parent_key not in out and isinstance(app[parent_key], dict):
            out[parent_key] = {k: copy.deepcopy(v) for k, v in app[parent_key].items() if k.lower() == sub}
    template = app.get("basedOnTemplate")
    if isinstance(template, dict) and "basedOnTemplate" not in out:
        out["basedOnTemplate"] = {"value": template.get("value")}
    if version is not None and ("meta" in out or "meta.version" in named):
        out["meta"] = {**out.get("meta", {}), "version": version}
    return out


def _shown(key: str, named: set[str], chosen: set[str]) -> bool:
    if key in ALWAYS or key.lower() in named:
        return True
    if "all" in chosen or ("request" in chosen and key in REQUEST):
        return True
    return "default" in chosen and key not in REQUEST

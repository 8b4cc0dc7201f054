"""`pulumi-idcs audit`: every OAuth app's (and Mosaic resource's) lifetimes against the policy pack's bounds,
managed or not, worst first.

The bounds and their defaults are the policy pack's own (`idcs-token-lifetime-bounds`, and
`idcs-mosaic-token-lifetime-bounds` for Mosaic), read from the same policy configuration file the pipeline gives
the pack. A refresh token lifetime matters only for an app that hands out refresh tokens: for the others it is
reported, never judged. Whether a stack manages an object comes from the stacks' exported state (`pulumi stack
export`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pulumi_idcs_policy.rules import POLICY_SETTINGS, bounds_violations
from pulumi_idcs_provider.durations import describe
from pulumi_idcs_provider.type_tokens import APP, MOSAIC_RESOURCE
from pydantic.alias_generators import to_camel

from .scan import Found


@dataclass(frozen=True)
class Row:
    domain: str
    app_id: str
    display_name: str
    kind: str
    attribute: str
    seconds: int | None
    bound: str | None       # the bound broken, or None
    managed_by: str | None  # "project/stack/resource" of the stacks given, or None
    last_changed: str = ""  # "by X at T", as the domain records it

    @property
    def human(self) -> str:
        return "—" if self.seconds is None else describe(self.seconds)


def bounds_of(policy_document: Mapping[str, Any], policy: str) -> dict[str, Any]:
    """The bounds settings the policy config gives one bounds policy of the pack (the defaults fill the rest)."""
    value = policy_document.get(policy)
    return {k: v for k, v in value.items() if k != "enforcementLevel"} if isinstance(value, Mapping) else {}


def managed_apps(exports: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """{app or resource id: "project/stack/resource"} of the resources managing one in each `pulumi stack
    export`."""
    found: dict[str, str] = {}
    types = APP.tokens | MOSAIC_RESOURCE.tokens
    for export in exports:
        for resource in (export.get("deployment") or {}).get("resources") or []:
            outputs = resource.get("outputs") or {}
            app_id = outputs.get("appId") or outputs.get("resourceId")
            if resource.get("type") in types and app_id and not resource.get("delete"):
                stack, project = str(resource["urn"]).split("::")[:2]
                found[str(app_id)] = f"{project}/{stack.rsplit(':', 1)[-1]}/{str(resource['urn']).rsplit('::')[-1]}"
    return found


def judge(found: Iterable[tuple[str, Found]], policy_document: Mapping[str, Any],
          managed: Mapping[str, str]) -> list[Row]:
    """One row per (domain, object) and lifetime: those breaking a bound first, then the rest; the longest first."""
    rows = []
    for domain, app in found:
        for attribute, seconds in app.lifetimes.items():
            judged = seconds is not None and attribute not in app.unjudged
            broken = bounds_violations({attribute: seconds}, bounds_of(policy_document, app.policy),
                                       POLICY_SETTINGS[app.policy]) if judged else []
            rows.append(Row(domain, app.id, app.display_name, app.kind, attribute, seconds,
                            broken[0].split("; ", 1)[1] if broken else None, managed.get(app.id), app.last_changed))
    return sorted(rows, key=lambda r: (r.bound is None, -(r.seconds or 0), r.display_name, r.attribute))


def markdown(rows: list[Row], domains: list[str]) -> str:
    bad = [r for r in rows if r.bound]
    head = (f"## Token lifetimes in {', '.join(domains)}\n\n{len({(r.domain, r.app_id) for r in rows})} apps and "
            f"resources, {len(bad)} lifetime(s) outside the bounds.\n\n")
    table = ["| domain | app | kind | lifetime | value | bound broken | managed by | last changed |",
             "|---|---|---|---|---|---|---|---|"]
    table += [f"| {r.domain} | {r.display_name} ({r.app_id}) | {r.kind} | {r.attribute} | {r.seconds} s ({r.human}) "
              f"| {r.bound or 'none'} | {r.managed_by or 'no stack given manages it'} | {r.last_changed or '—'} |"
              for r in rows]
    return head + "\n".join(table) + "\n"


def write_json(rows: list[Row], path: Path, domains: list[str], exit_code: int) -> None:
    path.write_text(json.dumps({"version": 1, "domains": domains, "exitCode": exit_code,
                                "rows": [{to_camel(k): v for k, v in asdict(r).items()} for r in rows]},
                               indent=2) + "\n")

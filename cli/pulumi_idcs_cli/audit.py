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
from pulumi_idcs_provider.catalog import TARGETS
from pulumi_idcs_provider.durations import MAX_SECONDS, describe
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
    bound: str | None       # what is wrong with the value (a bound broken, no lifetime at all), or None
    managed_by: str | None  # "project/stack/resource" of the stacks given, or None
    last_changed: str = ""  # "by X at T", as the domain records it
    active: bool = True

    @property
    def human(self) -> str:
        """The value, written once: "604800 s (1w)", or "not set"."""
        return "not set" if self.seconds is None else describe(self.seconds) if self.seconds > 0 else \
            f"{self.seconds} s"


def bounds_of(policy_document: Mapping[str, Any], policy: str) -> dict[str, Any]:
    """The bounds settings the policy config gives one bounds policy of the pack (the defaults fill the rest)."""
    value = policy_document.get(policy)
    return {k: v for k, v in value.items() if k != "enforcementLevel"} if isinstance(value, Mapping) else {}


def managed_apps(exports: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """{app or resource id: "project/stack/resource"} of the resources managing one in each `pulumi stack
    export`."""
    found: dict[str, str] = {}
    for export in exports:
        for resource in (export.get("deployment") or {}).get("resources") or []:
            target, outputs = TARGETS.get(str(resource.get("type"))), resource.get("outputs") or {}
            if target is None or not outputs or resource.get("delete"):
                continue
            stack, project = str(resource["urn"]).split("::")[:2]
            found[target.key(outputs)] = f"{project}/{stack.rsplit(':', 1)[-1]}/{str(resource['urn']).rsplit('::')[-1]}"
    return found


def judge(found: Iterable[tuple[str, Found]], policy_document: Mapping[str, Any],
          managed: Mapping[str, str]) -> list[Row]:
    """One row per (domain, object) and lifetime: those with something wrong first, then the rest; the longest
    first. Every value is judged, whatever a messy domain holds."""
    rows = []
    for domain, app in found:
        for attribute, seconds in app.lifetimes.items():
            problem = None if attribute in app.unjudged else _problem(attribute, seconds, app, policy_document)
            rows.append(Row(domain, app.id, app.display_name, app.kind, attribute, seconds, problem,
                            managed.get(app.id), app.last_changed, app.active))
    return sorted(rows, key=lambda r: (r.bound is None, -(r.seconds or 0), r.display_name, r.attribute))


def _problem(attribute: str, seconds: int | None, app: Found, policy_document: Mapping[str, Any]) -> str | None:
    """What is wrong with one lifetime: not a lifetime at all (0 s or less), more than an IDCS integer holds, or
    outside the bounds; None when it is fine or not set."""
    if seconds is None:
        return None
    if seconds <= 0:
        return f"{seconds} s is no lifetime: tokens would not live at all"
    if seconds > MAX_SECONDS:
        return f"more than {MAX_SECONDS} s, the largest value an integer attribute holds"
    broken = bounds_violations({attribute: seconds}, bounds_of(policy_document, app.policy),
                               POLICY_SETTINGS[app.policy])
    return broken[0].split("; ", 1)[1] if broken else None


#: GitHub takes a step summary of at most 1 MiB; the table stops well before it (the JSON has every row).
MARKDOWN_LIMIT = 900_000


def cell(text: object) -> str:
    """A Markdown table cell on one line, whatever a name holds: newlines become spaces, `|` is escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _line(r: Row) -> str:
    app = cell(f"{r.display_name} ({r.app_id})") + ("" if r.active else " (inactive)")
    return (f"| {cell(r.domain)} | {app} | {r.kind} | {r.attribute} | {r.human} | {cell(r.bound or 'none')} | "
            f"{cell(r.managed_by or 'no stack given manages it')} | {cell(r.last_changed or '—')} |")


def markdown(rows: list[Row], domains: list[str], limit: int = MARKDOWN_LIMIT) -> str:
    """The report: counts, a chart of the lifetimes against the bounds, then the rows worst first, as many as fit
    under `limit` characters (a line says how many are left out: the JSON has them all)."""
    bad = [r for r in rows if r.bound]
    head = (f"## Token lifetimes in {cell(', '.join(domains))}\n\n{len({(r.domain, r.app_id) for r in rows})} apps "
            f"and resources, {len(bad)} lifetime(s) with something wrong.\n\n") + chart(rows)
    table = ["| domain | app | kind | lifetime | value | what is wrong | managed by | last changed |",
             "|---|---|---|---|---|---|---|---|"]
    size = len(head) + sum(len(t) + 1 for t in table) + 200
    for shown_rows, r in enumerate(rows):
        line = _line(r)
        if size + len(line) + 1 > limit:
            left = len(rows) - shown_rows
            return head + "\n".join(table) + (f"\n\n{left} more row(s), {sum(1 for x in rows[shown_rows:] if x.bound)} "
                                              "of them with something wrong, are in the JSON report (--json).\n")
        table.append(line)
        size += len(line) + 1
    return head + "\n".join(table) + "\n"


def chart(rows: list[Row]) -> str:
    """A Mermaid pie per lifetime (GitHub and GitLab render it): how many values are within the bounds, outside
    them, and not set."""
    out = []
    for attribute in dict.fromkeys(r.attribute for r in rows):
        mine = [r for r in rows if r.attribute == attribute]
        parts = {"outside the bounds or no lifetime": sum(1 for r in mine if r.bound),
                 "within the bounds": sum(1 for r in mine if r.seconds is not None and not r.bound),
                 "not set": sum(1 for r in mine if r.seconds is None)}
        slices = "".join(f'    "{k}" : {v}\n' for k, v in parts.items() if v)
        out.append(f"```mermaid\npie showData title {attribute}\n{slices}```\n")
    return "\n".join(out) + ("\n" if out else "")


def write_json(rows: list[Row], path: Path, domains: list[str], exit_code: int) -> None:
    path.write_text(json.dumps({"version": 1, "domains": domains, "exitCode": exit_code,
                                "rows": [{to_camel(k): v for k, v in asdict(r).items()} for r in rows]},
                               indent=2) + "\n")

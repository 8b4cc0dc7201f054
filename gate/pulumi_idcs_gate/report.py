"""The gate's verdict as rows a reviewer scans: per managed lifetime, its live and desired value and a status; per
refresh check, its last result. Markdown for people (a pull request, a job summary), JSON for machines."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from pulumi_idcs_provider import type_tokens
from pulumi_idcs_provider.adoption import Adoption
from pulumi_idcs_provider.catalog import DEFINITIONS
from pulumi_idcs_provider.type_tokens import original_of

from .collect import Findings, Step, Violation

#: The lifetimes each adopting resource manages, by wire name, under both front doors (from the catalog).
ATTRIBUTES = {token.name: d.implementation.MANAGED for token, d in DEFINITIONS.items()
              if isinstance(d.implementation, Adoption)}
CHECK = type_tokens.CHECK.name
#: Steps of a replacement other than the "replace" itself: they would repeat its rows.
REPLACEMENT_PARTS = {"create-replacement", "delete-replaced", "discard-replaced", "read-replacement",
                     "remove-pending-replace", "import-replacement"}
#: The JSON report's format; a change that is not a pure addition increments it.
JSON_VERSION = 1
ORDER = {"policy violation": 0, "drift": 1, "renamed": 1, "pending change": 2, "in sync": 3}
#: Where AppTokenExpiry keeps an app's live name when the program's identifier no longer names it.
RENAMED = "renamedTo"
QUIET_OPS = {"same", "read", "refresh"}


@dataclass
class Row:
    resource: str
    app: str
    attribute: str
    live: int | None
    desired: int | None
    status: str
    note: str = ""


@dataclass
class CheckRow:
    check: str
    client: str
    checked_at: str
    expires_in: int | None
    result: str


def human(seconds: int | None) -> str:
    """'100 (1m40s)', '900 (15m)', '2592000 (30d)'; '—' when there is no value."""
    if seconds is None:
        return "—"
    rest, parts = int(seconds), []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return f"{int(seconds)} ({''.join(parts) or '0s'})"


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _whole(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _app_label(outputs: dict[str, Any]) -> str:
    """The app as the domain names it now: its live name first (after a console rename too), then its id."""
    if outputs.get("clientId"):
        return f"{outputs['clientId']} (application {outputs.get('appId')})"
    uri, resource_id = outputs.get("resourceUri"), outputs.get("resourceId")
    if uri or resource_id:  # a Mosaic custom resource
        return f"{uri} (resource {resource_id})" if uri and resource_id else str(uri or resource_id)
    live = dict(outputs)
    if outputs.get(RENAMED) and outputs.get("identifiedBy") in ("appName", "appDisplayName"):
        live[str(outputs["identifiedBy"])] = outputs[RENAMED]
    name = live.get("appDisplayName") or live.get("appName")
    if name and outputs.get("appId"):
        return f"{name} ({outputs['appId']})"
    return str(name or outputs.get("appId") or "—")


def _changed_by(live: dict[str, Any]) -> str:
    """Who the domain says last changed the app, and when (a drift row's note); '' where it does not say."""
    by, when = live.get("lastModifiedBy"), live.get("lastModified")
    return f"last changed by {by}" + (f" at {when}" if when else "") if by else ""


def _status(live: int | None, desired: int | None, applied: int | None) -> str:
    if live == desired:
        return "in sync"
    return "drift" if applied is not None and live != applied else "pending change"


def _lifetime_rows(step: Step, applied: dict[str, Any]) -> list[Row]:
    attributes = ATTRIBUTES[type_tokens.kind_of(step.type)]
    if step.op == "replace":
        return _replacement_rows(step, attributes)
    if step.op == "create":
        return _new_rows(step, attributes)
    label = _app_label({**applied, **step.live})
    if step.op == "delete":
        return [Row(_name(step.urn), label, "—", None, None, "pending change", "no longer in the program")]
    rows = _rename_rows(step)
    for attribute in attributes:
        desired = _whole(step.desired.get(attribute))
        if desired is None:
            continue  # not managed
        live = _whole(step.live.get(attribute)) if step.live else None
        status = _status(live, desired, _whole(applied.get(attribute)))
        rows.append(Row(_name(step.urn), label, attribute, live, desired, status,
                        _changed_by(step.live) if status == "drift" else ""))
    return rows


def _new_app(step: Step) -> dict[str, Any]:
    """The app a create or a replacement adopts: what the plugin's preview resolved, else the program's inputs."""
    return step.planned if any(step.planned.get(k) for k in ("appId", "clientId", "resourceId")) else step.desired


def _new_rows(step: Step, attributes: tuple[str, ...]) -> list[Row]:
    """A new resource: `up` adopts the app. Its live values are the originals the plugin's preview read (unknown
    through the dynamic door, which reads them at `up`)."""
    return [Row(_name(step.urn), _app_label(_new_app(step)), a, live, desired,
                "in sync" if live == desired else "pending change",
                "new: adopted by the next up")
            for a in attributes if (desired := _whole(step.desired.get(a))) is not None
            for live in [_whole(step.planned.get(original_of(a)))]]


def _replacement_rows(step: Step, attributes: tuple[str, ...]) -> list[Row]:
    """A replacement: `up` adopts another app. Its rows show that app and its live values (what the plugin's
    preview read as the new originals; unknown through the dynamic door, which reads them at `up`)."""
    old = _app_label(step.live)
    return [Row(_name(step.urn), _app_label(_new_app(step)), a, _whole(step.planned.get(original_of(a))), desired,
                "pending change", f"replace: up adopts this app instead of {old}")
            for a in attributes if (desired := _whole(step.desired.get(a))) is not None]


def _rename_rows(step: Step) -> list[Row]:
    """An app renamed in the console: the program's identifier names no app now. Nothing breaks (the id is the
    handle), but the program should say the new name: one row with the name and what to write."""
    new = step.live.get(RENAMED)
    wire = str(step.live.get("identifiedBy") or "appDisplayName")
    if not new:
        return []
    old = step.desired.get(wire, step.live.get(wire))
    note = (f"{wire} {json.dumps(old, ensure_ascii=False)} names no app now: write {wire}: "
            f"{json.dumps(new, ensure_ascii=False)} (or appId: {json.dumps(step.live.get('appId'))}) in the program")
    return [Row(_name(step.urn), _app_label(step.live), wire, None, None, "renamed", note)]


def _violation_row(v: Violation, found: Findings) -> Row:
    """A policy violation, with the app it is about and, when the message names a lifetime, its desired value."""
    inputs = found.planned.get(v.urn or "", {})
    state = {**inputs, **found.applied.get(v.urn or "", {})}
    known = [a for names in ATTRIBUTES.values() for a in names]
    attribute = next((a for a in sorted(known, key=v.message.find) if a in v.message), "—")
    return Row(_name(v.urn) if v.urn else "(stack)", _app_label(state) if state else "—", attribute, None,
               _whole(inputs.get(attribute)), "policy violation", f"{v.policy} ({v.level}): {v.message}")


def _check_row(step: Step, applied: dict[str, Any]) -> CheckRow:
    state = {**applied, **step.live}
    failure = state.get("failure")
    result = (f"the last up failed it: {failure}" if failure
              else "the last up proved it" if state.get("checkedAt") else "not run yet")
    if step.op not in QUIET_OPS:
        result += "; due: the next up exchanges again"
    return CheckRow(_name(step.urn), str(state.get("clientId") or "—"), str(state.get("checkedAt") or "—"),
                    _whole(state.get("expiresIn")), result)


def build(found: Findings) -> tuple[list[Row], list[CheckRow]]:
    rows = [_violation_row(v, found) for v in found.violations]
    checks = []
    for step in found.steps:
        if step.op in REPLACEMENT_PARTS:
            continue
        kind, applied = type_tokens.kind_of(step.type), found.applied.get(step.urn, {})
        if kind in ATTRIBUTES:
            rows += _lifetime_rows(step, applied)
        elif kind == CHECK:
            checks.append(_check_row(step, applied))
    rows.sort(key=lambda r: (ORDER[r.status], r.resource, r.attribute))
    return rows, checks


def exit_code(found: Findings, rows: list[Row]) -> int:
    if any(v.level == "mandatory" for v in found.violations):
        return 2
    if found.error:
        return 3
    changed = any(s.op not in QUIET_OPS for s in found.steps)
    return 1 if changed or any(r.status != "in sync" for r in rows) else 0


VERDICT = {0: "clean: policies pass and the domain matches the program", 1: "drift or pending changes",
           2: "a mandatory policy was violated", 3: "the gate could not run"}


def cell(text: object) -> str:
    """Text safe in a Markdown table cell: a newline or a pipe would end the cell (or the row) on GitHub."""
    lines = [line.strip() for line in str(text).replace("\r", "").split("\n") if line.strip()]
    return "<br>".join(lines).replace("|", "\\|")


def markdown(stack: str, code: int, rows: list[Row], checks: list[CheckRow], found: Findings) -> str:
    lines = [f"### pulumi-idcs gate: `{stack}`: {VERDICT[code]} (exit {code})", ""]
    if found.error:
        lines += [f"**{cell(found.error)}**", ""]
    if found.details:
        lines += ["```", found.details, "```", ""]
    if rows:
        lines += _row_lines(rows)
    if found.last_update_failed:
        lines += [f"The last `pulumi up` ({found.last_update_failed}) failed: what it tried is not in these rows, "
                  "and a refresh check it failed (an `invalid_grant`, say) still shows its result from before.", ""]
    if checks:
        lines += ["The gate never exchanges a refresh token: an exchange spends it, and only `pulumi up` keeps its "
                  "successor. A check row says what the last `up` proved; a token revoked since then is found by the "
                  "next `up`.", ""]
        lines += ["| refresh check | client | last checked | expires_in | result |", "|---|---|---|---|---|"]
        lines += [f"| {cell(c.check)} | {cell(c.client)} | {c.checked_at} | {human(c.expires_in)} | {cell(c.result)} |"
                  for c in checks]
        lines.append("")
    return "\n".join(lines)


#: GitHub refuses a comment body over 65,536 characters: the report stays under this, whatever the stack.
MARKDOWN_LIMIT = 60_000


def _row_lines(rows: list[Row], budget: int = MARKDOWN_LIMIT - 4_000) -> list[str]:
    """The counts first, then every row that is not in sync (worst first) as long as they fit in `budget`
    characters; the rows in sync as a count. A line says what was left out: the JSON report has every row."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items(), key=lambda kv: ORDER[kv[0]]))
    lines = [f"{len(rows)} rows: {summary}.", ""]
    table = ["| resource | app | attribute | live | desired | status |", "|---|---|---|---|---|---|"]
    changing = [r for r in rows if r.status != "in sync"]
    used = sum(len(t) + 1 for t in (*lines, *table))
    for shown_rows, r in enumerate(changing):
        status = f"**{r.status}**" + (f" ({r.note})" if r.note else "")
        line = (f"| {cell(r.resource)} | {cell(r.app)} | {r.attribute} | {human(r.live)} | {human(r.desired)} | "
                f"{cell(status)} |")
        if used + len(line) + 1 > budget:
            table += ["", f"{len(changing) - shown_rows} more row(s) that are not in sync did not fit here: the JSON "
                      "report (--json) has every row."]
            break
        table.append(line)
        used += len(line) + 1
    in_sync = counts.get("in sync", 0)
    tail = [f"{in_sync} row(s) in sync, not listed (the JSON report has them)."] if in_sync else []
    return [*lines, *(table if changing else []), *([""] if changing else []), *tail, *([""] if tail else [])]


def as_json(stack: str, code: int, rows: list[Row], checks: list[CheckRow], error: str | None) -> str:
    """One naming style (camelCase, as the state and schema.json); `version` says the format."""
    return json.dumps({"version": JSON_VERSION, "stack": stack, "exitCode": code, "verdict": VERDICT[code],
                       "error": error, "rows": [_camel(asdict(r)) for r in rows],
                       "checks": [_camel(asdict(c)) for c in checks]}, indent=1, ensure_ascii=False)


def _camel(row: dict[str, Any]) -> dict[str, Any]:
    return {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k): v for k, v in row.items()}

"""Run the gate's two previews through the Automation API and keep what the engine reports, as data.

1. `pulumi preview --policy-pack …` (no refresh): policy violations, each with its policy, level and resource.
2. `pulumi preview --refresh`: every step, with the refreshed (live) outputs as `old` and the program's checked
   inputs as `new`. The state exported before the refresh says what the last `up` applied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pulumi import automation as auto


@dataclass
class Violation:
    policy: str
    level: str
    message: str
    urn: str | None


@dataclass
class Step:
    """One resource's step of the drift preview: what the domain holds and what the program wants."""

    op: str                      # same, update, create, delete, replace, …
    urn: str
    type: str
    live: dict[str, Any]         # outputs as the refresh read them (the domain as it is)
    desired: dict[str, Any]      # the program's checked inputs
    planned: dict[str, Any] = field(default_factory=dict)  # what the step would store (a replacement's new app)


@dataclass
class Findings:
    violations: list[Violation] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    applied: dict[str, dict[str, Any]] = field(default_factory=dict)   # urn -> outputs the last up stored
    planned: dict[str, dict[str, Any]] = field(default_factory=dict)   # urn -> the program's inputs (policy run)
    last_update_failed: str | None = None  # when the stack's last `pulumi up` failed, its start time
    error: str | None = None      # why the gate could not judge, on one line
    details: str | None = None    # the CLI's last lines, for people


def _policy_listener(found: Findings) -> Any:
    """Violations, and each resource's inputs, so that a violation row can name its app and value."""
    def listen(event: auto.EngineEvent) -> None:
        p = event.policy_event
        if p is not None:
            found.violations.append(Violation(p.policy_name, p.enforcement_level, p.message.strip(), p.resource_urn))
        pre = event.resource_pre_event
        if pre is not None and pre.metadata.new is not None:
            found.planned[pre.metadata.urn] = dict(pre.metadata.new.inputs or {})
    return listen


def _step_listener(found: Findings) -> Any:
    """A --refresh preview emits, per resource, a "refresh" step and then the step the program asks for, whose
    `old` is the refreshed state (what the domain holds) and `new` the program's inputs: that one is kept."""
    def listen(event: auto.EngineEvent) -> None:
        done = event.res_outputs_event
        if done is not None and done.metadata.new is not None:  # a preview's planned outputs (a new resource's)
            for step in found.steps:
                if step.urn == done.metadata.urn and not step.planned:
                    step.planned = dict(done.metadata.new.outputs or {})
        pre = event.resource_pre_event
        if pre is None:
            return
        meta = pre.metadata
        op = str(getattr(meta.op, "value", meta.op))
        if op == "refresh":
            return
        old, new = meta.old, meta.new
        found.steps.append(Step(op, meta.urn, meta.type, dict((old.outputs if old else None) or {}),
                                dict((new.inputs if new else None) or {}), dict((new.outputs if new else None) or {})))
    return listen


def collect(stack: auto.Stack, policy_packs: list[str], policy_configs: list[str]) -> Findings:
    """Both previews; nothing is written to the domain or the state. A policy violation does not stop the drift
    preview: a reviewer sees every pending change beside every violation."""
    found = Findings()
    try:
        stack.preview(policy_packs=policy_packs, policy_pack_configs=policy_configs or None,
                      on_event=_policy_listener(found))
    except auto.CommandError as e:
        if not any(v.level == "mandatory" for v in found.violations):
            return _failed(found, str(e))
    found.last_update_failed = _last_update_failed(stack)
    found.applied = _applied(stack)
    try:
        stack.preview(refresh=True, on_event=_step_listener(found))
    except auto.CommandError as e:
        _failed(found, str(e))
    return found


def _applied(stack: auto.Stack) -> dict[str, dict[str, Any]]:
    """Each resource's outputs as the last update stored them, from `pulumi stack export` without --show-secrets
    (the Automation API's export decrypts every secret): the gate reads lifetimes and names, never a secret, and
    never holds one in the clear."""
    ws = stack.workspace
    assert isinstance(ws, auto.LocalWorkspace)
    done = ws.pulumi_command.run(["stack", "export", "--stack", stack.name], ws.work_dir, ws.env_vars)
    deployment = json.loads(done.stdout).get("deployment") or {}
    return {r["urn"]: dict(r.get("outputs") or {}) for r in deployment.get("resources") or []}


def _last_update_failed(stack: auto.Stack) -> str | None:
    """The start time of the stack's last update when it failed: the state then predates what it tried."""
    history = stack.history(page_size=1, show_secrets=False)
    last = history[0] if history else None
    return str(last.start_time) if last and last.kind == "update" and last.result == "failed" else None


def _failed(found: Findings, text: str) -> Findings:
    found.error, found.details = one_line(text), "\n".join(text.strip().splitlines()[-12:])
    return found


def one_line(text: str) -> str:
    """The line that says what went wrong: the CLI's last `error:` line (not its summary), else the last line."""
    lines = [" ".join(line.split()) for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:") and "preview failed" not in line.lower()]
    chosen = (errors or lines or ["unknown error"])[-1]
    return chosen if len(chosen) <= 600 else chosen[:597] + "..."

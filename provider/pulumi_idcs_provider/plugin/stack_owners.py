"""What only the stack's own state tells a provider: who already manages an app (for `pulumi import`), and the
resource options the engine keeps to itself (`ignoreChanges` at delete, `retainOnDelete`).

During `pulumi import` the engine shows a provider nothing of the stack: the other resources are carried over as
"same" steps, which call no provider, and only Read and Check run for the imported one (docs/design.md, "One owner
per app"). So the one-owner rule cannot be judged from what the engine sends. The stack's checkpoint can be read:
`pulumi stack export` with the CLI and the backend of the running command (both in this process's environment).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

from .. import type_tokens
from ..catalog import DEFINITIONS
from ..settings import same_domain_url

#: Both front doors' types of every resource that adopts a live object (an app, a Mosaic client, a Mosaic
#: resource), from the catalog: what an import must not give two owners.
APP_TYPES = frozenset().union(*(d.token.tokens for d in DEFINITIONS.values() if d.adopts))


class StackUnreadable(Exception):
    """The stack's checkpoint could not be read; the message says why (never a secret: no value is shown)."""


def stack_and_project(urn: str) -> tuple[str, str]:
    """("test", "idcs-yaml") from urn:pulumi:test::idcs-yaml::type::name."""
    head, project = urn.split("::")[:2]
    return head.split(":", 2)[2], project


def owners_of(urn: str, app_id: str) -> list[str]:
    """The names of the stack's other resources of the same kind (through either door) that manage `app_id`
    (an empty list when none do)."""
    stack, _project = stack_and_project(urn)
    kind = type_tokens.kind_of(urn.split("::")[2])
    resources = _exported(stack).get("deployment", {}).get("resources") or []
    return sorted(str(r["urn"]).rsplit("::", 1)[-1] for r in resources
                  if type_tokens.kind_of(str(r.get("type"))) == kind and _manages(r, app_id) and r["urn"] != urn)


def _manages(resource: dict[str, Any], app_id: str) -> bool:
    outputs = resource.get("outputs") or {}
    return (resource.get("type") in APP_TYPES and not resource.get("delete") and not resource.get("external")
            and app_id in (resource.get("id"), outputs.get("appId"), outputs.get("resourceId"),
                           outputs.get("resourceUri")))


def managed_app_ids(urn: str, domain_url: str) -> list[str]:
    """The ids of the apps the stack of `urn` manages in this domain (through either door), from its checkpoint
    as this run found it: what the client reads in batches. Empty when the checkpoint cannot be read."""
    try:
        resources = _checkpoint(stack_and_project(urn)[0])
    except StackUnreadable:
        return []
    return [str(r.get("id")) for r in resources if r.get("type") in type_tokens.APP.tokens and r.get("id")
            and not r.get("delete") and same_domain_url(str((r.get("outputs") or {}).get("domainUrl") or ""),
                                                         domain_url)]


def options_of(urn: str) -> dict[str, Any]:
    """The resource options the state holds for `urn` ({} for a resource not in it yet), read once per process:
    a delete is given no options, and no request carries retainOnDelete."""
    resources = _checkpoint(stack_and_project(urn)[0])
    found = next((r for r in resources if str(r.get("urn")) == urn), {})
    return {k: found[k] for k in ("ignoreChanges", "retainOnDelete") if k in found}


def _checkpoint(stack: str) -> list[dict[str, Any]]:
    """The stack's resources as this run started with them, read once per process (a provider process serves
    one run)."""
    if stack not in _CHECKPOINTS:
        _CHECKPOINTS[stack] = list(_exported(stack).get("deployment", {}).get("resources") or [])
    return _CHECKPOINTS[stack]


_CHECKPOINTS: dict[str, list[dict[str, Any]]] = {}


def _exported(stack: str) -> dict[str, Any]:
    cli = shutil.which("pulumi")
    if cli is None:
        raise StackUnreadable("no pulumi on PATH")
    try:
        done = subprocess.run([cli, "stack", "export", "--stack", stack], capture_output=True, text=True,  # noqa: S603
                              timeout=120, env=os.environ, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise StackUnreadable(type(e).__name__) from None
    if done.returncode != 0:
        raise StackUnreadable((done.stderr.strip().splitlines() or ["pulumi stack export failed"])[-1])
    try:
        return dict(json.loads(done.stdout))
    except ValueError:
        raise StackUnreadable("pulumi stack export did not print JSON") from None

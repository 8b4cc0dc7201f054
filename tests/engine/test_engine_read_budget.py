"""Through the real CLI and the plugin: a preview of a stack's apps in a large domain reads just those apps, in one
filtered search, because the plugin learns which apps the stack manages from its checkpoint (never the whole
domain's listing)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from conftest import ADMIN_ID, ADMIN_SECRET
from engine import yaml_stack
from idcs_emulator import Domain, EmulatorServer
from idcs_emulator.generate import demo_seed, generated_app_id, with_generated_apps

APPS = 6


def program() -> str:
    resources = "".join(f"  app{i}:\n    type: idcs:index:AppTokenExpiry\n    properties:\n"
                        f"      appId: {generated_app_id(i)}\n      accessTokenExpiry: 1800\n" for i in range(APPS))
    return ("name: budget\nruntime: yaml\nplugins:\n  providers:\n    - name: idcs\n      path: ../../.venv/bin\n"
            "resources:\n" + resources)


def test_a_preview_reads_the_stacks_apps_not_the_domain(tmp_path: Path) -> None:
    with EmulatorServer(Domain(with_generated_apps(demo_seed(), 20_000))) as emu:
        config = {"idcs:domainUrl": (emu.url, False), "idcs:clientId": (ADMIN_ID, False),
                  "idcs:clientSecret": (ADMIN_SECRET, True)}
        stack = yaml_stack(tmp_path, program(), config)
        stack.up()
        emu.clear_requests()
        stack.preview(expect_no_changes=True)
        kinds = Counter(r["kind"] for r in emu.requests_of())
        listed = [r for r in emu.requests_of("list") if r["query"].get("count") == "1000"]
    assert kinds == {"token": 1, "get": 2, "list": 1, "search": 1}, kinds  # two reads, a probe, one search
    assert listed == []

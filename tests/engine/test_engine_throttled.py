"""A throttled domain through the real CLI, both doors: every slow-down is on the terminal as it happens (a plugin's
own stderr is not shown, so the plugin tells the engine's log; the dynamic door writes the provider's stderr, which
the CLI shows), never a silent stall."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET, RESOURCE_OWNER
from engine import program_stack, yaml_stack
from idcs_emulator import EmulatorServer

PROGRAM = ("name: throttled\nruntime: yaml\nplugins:\n  providers:\n    - name: idcs\n      path: ../../.venv/bin\n"
           "resources:\n  owner:\n    type: idcs:index:AppTokenExpiry\n    properties:\n"
           f"      appId: {RESOURCE_OWNER}\n      accessTokenExpiry: 20m\n")
PYTHON = f'idcs.AppTokenExpiry("owner", app_id="{RESOURCE_OWNER}", access_token_expiry="20m")\n'


@pytest.mark.parametrize("door", ["plugin", "dynamic"])
def test_a_throttled_domain_is_told_on_the_terminal(tmp_path: Path, emulator: EmulatorServer, door: str) -> None:
    config = {"idcs:domainUrl": (emulator.url, False), "idcs:clientId": (ADMIN_ID, False),
              "idcs:clientSecret": (ADMIN_SECRET, True)}
    stack = yaml_stack(tmp_path, PROGRAM, config) if door == "plugin" else program_stack(tmp_path, PYTHON, config)
    emulator.set_faults({"queue": [{"method": "GET", "path": "/admin/v1/Apps", "status": 429, "retryAfter": "1"}]})
    preview = stack.preview()
    shown = preview.stdout + preview.stderr
    assert f"{emulator.url} answers HTTP 429 (throttled): slowing down from 9.0 to 2.2 requests a second" in shown
    assert "waiting 1 s before trying again" in shown

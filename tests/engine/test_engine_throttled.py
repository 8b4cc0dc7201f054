"""A throttled domain through the real CLI and the plugin: every slow-down is on the terminal as it happens (a
plugin's own stderr is not shown, so the transport tells the engine's log), never a silent stall."""

from __future__ import annotations

from pathlib import Path

from conftest import ADMIN_ID, ADMIN_SECRET, RESOURCE_OWNER
from engine import yaml_stack
from idcs_emulator import EmulatorServer

PROGRAM = ("name: throttled\nruntime: yaml\nplugins:\n  providers:\n    - name: idcs\n      path: ../../.venv/bin\n"
           "resources:\n  owner:\n    type: idcs:index:AppTokenExpiry\n    properties:\n"
           f"      appId: {RESOURCE_OWNER}\n      accessTokenExpiry: 20m\n")


def test_a_throttled_domain_is_told_on_the_terminal(tmp_path: Path, emulator: EmulatorServer) -> None:
    config = {"idcs:domainUrl": (emulator.url, False), "idcs:clientId": (ADMIN_ID, False),
              "idcs:clientSecret": (ADMIN_SECRET, True)}
    stack = yaml_stack(tmp_path, PROGRAM, config)
    emulator.set_faults({"queue": [{"method": "GET", "path": "/admin/v1/Apps", "status": 429, "retryAfter": "1"}]})
    shown = stack.preview().stdout
    assert f"{emulator.url} answers HTTP 429 (throttled): slowing down from 9.0 to 2.2 requests a second" in shown
    assert "waiting 1 s before trying again" in shown

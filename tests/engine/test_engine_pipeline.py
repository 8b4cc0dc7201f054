"""The gate and the guards under real pipeline conditions, through the real CLI against the emulator: a stack
configured only by environment variables, one owner per app across both doors whatever the program exports, a
replacement reported as the app `up` will adopt, and the gate's error paths keeping their exit code."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import requests
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE, PARTNER, RESOURCE_OWNER
from engine import ROOT, new_stack, program_stack, run_gate, write_program
from idcs_emulator import EmulatorServer
from pulumi import automation as auto

PACK = str(ROOT / "policy" / "pack")
MOBILE_NAME = "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5"
SCOPE = "https://resource-owner.example.com/read offline_access"


def connection(emu: EmulatorServer) -> dict[str, tuple[str, bool]]:
    return {"idcs:domainUrl": (emu.url, False), "idcs:clientId": (ADMIN_ID, False),
            "idcs:clientSecret": (ADMIN_SECRET, True)}


def test_a_stack_with_no_config_runs_on_environment_variables(tmp_path: Path, emulator: EmulatorServer) -> None:
    work = tmp_path / "program"
    work.mkdir()
    (work / "Pulumi.yaml").write_text(
        f"name: idcs-env\nruntime:\n  name: python\n  options:\n    virtualenv: {ROOT / '.venv'}\n")
    write_program(work, f'idcs.AppTokenExpiry("owner", app_id="{RESOURCE_OWNER}", access_token_expiry="2h")\n')
    env = {"IDCS_DOMAIN_URL": emulator.url, "IDCS_CLIENT_ID": ADMIN_ID, "IDCS_CLIENT_SECRET": ADMIN_SECRET}
    stack = new_stack(tmp_path, work, {}, env)
    assert stack.get_all_config() == {}
    stack.up()
    assert emulator.domain.apps[RESOURCE_OWNER]["accessTokenExpiry"] == 7200
    stack.preview(expect_no_changes=True)


def test_one_owner_across_both_doors_is_refused_at_preview_whatever_the_program_exports(
        tmp_path: Path, emulator: EmulatorServer) -> None:
    seed = requests.post(emulator.url + "/_emulator/refresh-tokens", timeout=5,
                         json={"clientId": MOBILE_NAME, "scope": SCOPE}).json()["refresh_token"]
    program = ("import pulumi_idcs_native as native\n"
               f'idcs.AppTokenExpiry("a", app_id="{MOBILE}", access_token_expiry="30m")\n'
               f'native.AppTokenExpiry("b", app_name="{MOBILE_NAME}", access_token_expiry="2h")\n'
               f'chk = idcs.RefreshGrantCheck("chk", flavor="idcs", client_id="{MOBILE_NAME}",\n'
               f'                             refresh_token="{seed}", scope="{SCOPE}")\n'
               'pulumi.export("checkedAt", chk.checked_at)\n')  # unknown at preview
    stack = program_stack(tmp_path, program, connection(emulator), plugin=True)
    with pytest.raises(auto.CommandError) as refused:
        stack.preview(policy_packs=[PACK])
    text = str(refused.value)
    assert "mandatory: [idcs-one-owner-per-app]" in text or "idcs-one-owner-per-app" in text
    assert "can't run policy" not in text
    ws = stack.workspace
    up = subprocess.run(["pulumi", "up", "--yes", "--policy-pack", PACK, "--stack", "test"], cwd=ws.work_dir,
                        env={**os.environ, **ws.env_vars}, capture_output=True, text=True, timeout=300, check=False)
    assert up.returncode != 0 and "idcs-one-owner-per-app" in up.stdout + up.stderr
    assert emulator.requests_of("patch") == []  # `pulumi up` previews first: refused before anything was written
    gate = run_gate(stack, "--policy-pack", PACK)
    assert gate.returncode == 2, gate.stdout + gate.stderr


def test_the_gate_reports_the_app_a_replacement_adopts(tmp_path: Path, emulator: EmulatorServer) -> None:
    native = "import pulumi_idcs_native as native\nnative.AppTokenExpiry('app', access_token_expiry='2h', "
    stack = program_stack(tmp_path, native + f"app_name='{MOBILE_NAME}')\n", connection(emulator), plugin=True)
    stack.up()
    write_program(stack.workspace.work_dir, native + f"app_id='{PARTNER}')\n")
    report = tmp_path / "gate.json"
    gate = run_gate(stack, "--json", str(report))
    assert gate.returncode == 1, gate.stdout + gate.stderr
    rows = json.loads(report.read_text())["rows"]
    assert [(r["status"], r["live"], r["desired"]) for r in rows] == [("pending change", 1800, 7200)], rows
    assert PARTNER in rows[0]["app"] and "replace" in rows[0]["note"]


@pytest.mark.parametrize("case", ["no such stack", "no stack selected", "no such directory"])
def test_every_gate_error_exits_3_with_one_line_and_its_json(tmp_path: Path, emulator: EmulatorServer,
                                                            case: str) -> None:
    stack = program_stack(tmp_path, f'idcs.AppTokenExpiry("owner", app_id="{RESOURCE_OWNER}", '
                                    'access_token_expiry="2h")\n', connection(emulator))
    report = tmp_path / "gate.json"
    extra = {"no such stack": ["--stack", "nosuch"], "no stack selected": [],
             "no such directory": ["--cwd", str(tmp_path / "missing")]}[case]
    if case == "no stack selected":  # forget the selection the Automation API made
        for selected in (Path(stack.workspace.env_vars["PULUMI_HOME"]) / "workspaces").glob("*.json"):
            selected.unlink()
    gate = run_gate(stack, *extra, "--json", str(report), selected=case != "no stack selected")
    assert gate.returncode == 3, gate.stdout + gate.stderr
    assert "Traceback" not in gate.stderr
    written = json.loads(report.read_text())
    assert written["exitCode"] == 3 and written["error"] and "\n" not in written["error"]


def test_the_scheduled_gate_says_what_it_can_tell_of_a_refresh_check(tmp_path: Path, emulator: EmulatorServer) -> None:
    """The gate never exchanges (that would spend the token without keeping its successor): a due check is a
    pending change, and an `up` that failed (a revoked token: invalid_grant) is said, not hidden behind "passed"."""
    seed = requests.post(emulator.url + "/_emulator/refresh-tokens", timeout=5,
                         json={"clientId": MOBILE_NAME, "scope": SCOPE}).json()["refresh_token"]
    stack = program_stack(tmp_path, f'idcs.RefreshGrantCheck("chk", flavor="idcs", client_id="{MOBILE_NAME}",\n'
                                    f'    refresh_token="{seed}", scope="{SCOPE}", recheck_after="1s")\n',
                          connection(emulator))
    stack.up()  # proves the grant; 1 s later the check is due
    requests.post(emulator.url + "/_emulator/refresh-tokens/revoke", json={"clientId": MOBILE_NAME}, timeout=5)
    emulator.clear_requests()
    due = run_gate(stack, "--json", str(tmp_path / "due.json"), "--report", str(tmp_path / "due.md"))
    assert due.returncode == 1, due.stdout + due.stderr
    assert json.loads((tmp_path / "due.json").read_text())["checks"][0]["result"] == (
        "the last up proved it; due: the next up exchanges again")
    assert "never exchanges a refresh token" in (tmp_path / "due.md").read_text()
    assert emulator.requests_of() == []  # nothing exchanged, nothing spent
    with pytest.raises(auto.CommandError, match="invalid_grant"):
        stack.up()
    after = run_gate(stack, "--report", str(tmp_path / "after.md"))
    assert after.returncode == 1
    assert "The last `pulumi up` (" in (tmp_path / "after.md").read_text()

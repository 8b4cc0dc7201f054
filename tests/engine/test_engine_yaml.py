"""Pulumi YAML through upstream's pulumi-language-yaml and our plugin `pulumi-resource-idcs`: up, a clean preview,
drift seen without --refresh, refresh, destroy, `pulumi import`, provider configuration refused at preview, and a
failed refresh check that keeps the rotated token."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE, RESOURCE_OWNER
from engine import ROOT, yaml_stack
from idcs_emulator import EmulatorServer
from pulumi import automation as auto

EXAMPLE = (ROOT / "examples" / "yaml" / "Pulumi.yaml").read_text()
MOBILE_CLIENT = "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5"
SCOPE = "https://resource-owner.example.com/read offline_access"
HEADER = ("name: idcs-yaml-test\nruntime: yaml\nplugins:\n  providers:\n    - name: idcs\n"
          "      path: ../../.venv/bin\n")


def seed(emu: EmulatorServer) -> str:
    return str(requests.post(emu.url + "/_emulator/refresh-tokens", json={"clientId": MOBILE_CLIENT, "scope": SCOPE},
                             timeout=5).json()["refresh_token"])


def connection(emu: EmulatorServer) -> dict[str, tuple[str, bool]]:
    return {"idcs:domainUrl": (emu.url, False), "idcs:clientId": (ADMIN_ID, False),
            "idcs:clientSecret": (ADMIN_SECRET, True)}


def live(emu: EmulatorServer, app_id: str) -> int:
    return int(emu.domain.apps[app_id]["accessTokenExpiry"])


def state_of(stack: auto.Stack, name: str) -> dict[str, Any]:
    return next(r for r in stack.export_stack().deployment["resources"] if r["urn"].endswith("::" + name))


def test_the_yaml_example_up_preview_drift_refresh_destroy(tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = yaml_stack(tmp_path, EXAMPLE, {**connection(emulator), "mobileRefreshToken": (seed(emulator), True)})
    stack.up()
    assert live(emulator, RESOURCE_OWNER) == 7200
    assert stack.outputs()["mobileExpiresIn"].value == 7200  # the check saw the managed lifetime
    assert state_of(stack, "resourceOwner")["type"] == "idcs:index:AppTokenExpiry"
    stack.preview(expect_no_changes=True)

    emulator.domain.change_app(RESOURCE_OWNER, {"accessTokenExpiry": 100})  # a console edit
    drift = stack.preview(diff=True)  # no --refresh: the plugin's diff reads the live app
    assert drift.change_summary.get("update") == 1
    assert "warning: accessTokenExpiry is 100 in the domain, the program wants 7200" in drift.stdout + drift.stderr
    stack.up()
    assert live(emulator, RESOURCE_OWNER) == 7200
    stack.refresh()
    stack.preview(expect_no_changes=True)
    stack.destroy()
    assert live(emulator, RESOURCE_OWNER) == 3600  # onDelete: restore


def test_bad_provider_configuration_is_refused_at_preview(tmp_path: Path, emulator: EmulatorServer) -> None:
    program = HEADER + ("resources:\n  owner:\n    type: idcs:index:AppTokenExpiry\n    properties:\n"
                        f"      appId: {RESOURCE_OWNER}\n      accessTokenExpiry: 1h\n")
    stack = yaml_stack(tmp_path, program, {**connection(emulator), "idcs:domainUrl": (
        "http://idcs-0123.identity.oraclecloud.com", False)})
    with pytest.raises(auto.CommandError) as refused:
        stack.preview()
    assert "domainUrl" in str(refused.value) and "plain http for a non-loopback host" in str(refused.value)
    assert emulator.requests_of() == []


def test_pulumi_import_adopts_an_app_as_it_is(tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = yaml_stack(tmp_path, HEADER + "resources: {}\n", connection(emulator))
    ws = stack.workspace
    assert isinstance(ws, auto.LocalWorkspace)
    subprocess.run(["pulumi", "import", "idcs:index:AppTokenExpiry", "mobile", MOBILE, "--yes",
                    "--generate-code=false", "--stack", "test"], cwd=ws.work_dir, env={**os.environ, **ws.env_vars},
                   check=True, capture_output=True, text=True, timeout=300)
    imported = state_of(stack, "mobile")
    assert imported["id"] == MOBILE and imported.get("protect") is True
    assert {k: imported["inputs"][k] for k in ("appId", "accessTokenExpiry", "refreshTokenExpiry", "onDelete")} == {
        "appId": MOBILE, "accessTokenExpiry": 3600, "refreshTokenExpiry": 604800, "onDelete": "retain"}
    assert emulator.requests_of("patch") == []
    (Path(ws.work_dir) / "Pulumi.yaml").write_text(
        HEADER.replace("../../.venv/bin", str(ROOT / ".venv" / "bin"))
        + "resources:\n  mobile:\n    type: idcs:index:AppTokenExpiry\n    properties:\n"
        f"      appId: {MOBILE}\n      accessTokenExpiry: 3600\n      refreshTokenExpiry: 604800\n"
        "      onDelete: retain\n    options:\n      protect: true\n")
    stack.preview(expect_no_changes=True)  # the program now declares what was imported


def test_import_option_in_the_program(tmp_path: Path, emulator: EmulatorServer) -> None:
    program = HEADER + ("resources:\n  mobile:\n    type: idcs:index:AppTokenExpiry\n    properties:\n"
                        f"      appId: {MOBILE}\n      accessTokenExpiry: 3600\n      refreshTokenExpiry: 604800\n"
                        f"      onDelete: retain\n    options:\n      import: {MOBILE}\n")
    stack = yaml_stack(tmp_path, program, connection(emulator))
    result = stack.up()
    assert result.summary.resource_changes.get("import") == 1
    assert emulator.requests_of("patch") == []
    stack.preview(expect_no_changes=True)


def test_a_failed_expectation_fails_up_and_the_next_run_uses_the_kept_token(tmp_path: Path,
                                                                            emulator: EmulatorServer) -> None:
    program = HEADER + ("config:\n  expected:\n    type: string\n  token:\n    type: string\n    secret: true\n"
                        "resources:\n  check:\n    type: idcs:index:RefreshGrantCheck\n    properties:\n"
                        f"      flavor: idcs\n      clientId: {MOBILE_CLIENT}\n      refreshToken: ${{token}}\n"
                        f"      scope: {SCOPE}\n      expectAccessTokenExpiry: ${{expected}}\n")
    first = seed(emulator)
    stack = yaml_stack(tmp_path, program, {**connection(emulator), "token": (first, True), "expected": ("1m", False)})
    with pytest.raises(auto.CommandError) as failed:
        stack.up()
    assert "longer than the expected 60 s (1m)" in str(failed.value)
    assert first not in str(failed.value)
    stack.set_config("expected", auto.ConfigValue("1h"))
    stack.up()  # with the seed (already spent) this would be invalid_grant: it uses the token the failed run kept
    assert stack.export_stack().deployment["resources"][-1]["outputs"]["expiresIn"] == 3600


def test_the_policy_pack_judges_programs_on_the_plugin(tmp_path: Path, emulator: EmulatorServer) -> None:
    program = HEADER + ("resources:\n  owner:\n    type: idcs:index:AppTokenExpiry\n    properties:\n"
                        f"      appId: {RESOURCE_OWNER}\n      accessTokenExpiry: 2d\n")
    stack = yaml_stack(tmp_path, program, connection(emulator))
    with pytest.raises(auto.CommandError) as refused:
        stack.preview(policy_packs=[str(ROOT / "policy" / "pack")])
    assert "idcs-token-lifetime-bounds" in str(refused.value)
    assert "accessTokenExpiry is 172800 s (2d); this organisation allows 300 s (5m) to 86400 s (1d)" in str(
        refused.value)

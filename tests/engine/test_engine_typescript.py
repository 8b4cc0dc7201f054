"""examples/typescript through the real CLI, our Node.js host and @pulumi/pulumi from npm, on the plugin with the
generated Node.js SDK: up, a clean preview, drift, destroy. scripts/setup-node installed and compiled it."""

from __future__ import annotations

from pathlib import Path

import requests
from conftest import ADMIN_ID, ADMIN_SECRET, RESOURCE_OWNER
from engine import ROOT, example_copy, exported_text, new_stack
from idcs_emulator import EmulatorServer

EXAMPLE = ROOT / "examples" / "typescript"


def seed(emu: EmulatorServer) -> str:
    return str(requests.post(emu.url + "/_emulator/refresh-tokens", timeout=5, json={
        "clientId": "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5",
        "scope": "https://resource-owner.example.com/read offline_access"}).json()["refresh_token"])


def test_the_typescript_example_up_preview_drift_destroy(tmp_path: Path, emulator: EmulatorServer) -> None:
    first_seed = seed(emulator)
    config = {"idcs:domainUrl": (emulator.url, False), "idcs:clientId": (ADMIN_ID, False),
              "idcs:clientSecret": (ADMIN_SECRET, True), "idcs-typescript:mobileRefreshToken": (first_seed, True)}
    stack = new_stack(tmp_path, example_copy(tmp_path, "typescript"), config)
    assert (EXAMPLE / "bin" / "index.js").is_file(), "scripts/setup nodejs compiles the example"
    printed = stack.up().stdout
    tokens = [ADMIN_SECRET, first_seed, *emulator.grants.refresh]  # the seed and the rotated token
    assert len(tokens) >= 3 and not [t for t in tokens if t in exported_text(stack) or t in printed]
    assert emulator.domain.apps[RESOURCE_OWNER]["accessTokenExpiry"] == 7200
    assert stack.outputs()["mobileExpiresIn"].value == 7200
    types = {r["type"] for r in stack.export_stack().deployment["resources"]}
    assert {"idcs:index:AppTokenExpiry", "idcs:index:RefreshGrantCheck"} <= types
    stack.preview(expect_no_changes=True)
    emulator.domain.change_app(RESOURCE_OWNER, {"accessTokenExpiry": 100})
    drift = stack.preview(diff=True)
    assert drift.change_summary.get("update") == 1
    assert "accessTokenExpiry is 100 in the domain, the program wants 7200" in drift.stdout + drift.stderr
    stack.up()
    assert emulator.domain.apps[RESOURCE_OWNER]["accessTokenExpiry"] == 7200
    stack.destroy()
    assert emulator.domain.apps[RESOURCE_OWNER]["accessTokenExpiry"] == 3600

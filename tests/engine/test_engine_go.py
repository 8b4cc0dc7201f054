"""examples/go through the real CLI and our Go language host (scripts/pulumi-cli/cmd/pulumi-language-go), on the
plugin with the generated Go SDK: up, a clean preview, drift, destroy."""

from __future__ import annotations

from pathlib import Path

from conftest import ADMIN_ID, ADMIN_SECRET, RESOURCE_OWNER
from engine import GO_ENV, example_copy, new_stack
from idcs_emulator import EmulatorServer


def test_the_go_example_up_preview_drift_destroy(tmp_path: Path, emulator: EmulatorServer) -> None:
    config = {"idcs:domainUrl": (emulator.url, False), "idcs:clientId": (ADMIN_ID, False),
              "idcs:clientSecret": (ADMIN_SECRET, True)}
    env = GO_ENV
    stack = new_stack(tmp_path, example_copy(tmp_path, "go"), config, env)
    try:
        stack.up()
        assert emulator.domain.apps[RESOURCE_OWNER]["accessTokenExpiry"] == 7200
        assert stack.outputs()["accessTokenExpiry"].value == 7200
        stack.preview(expect_no_changes=True)
        emulator.domain.change_app(RESOURCE_OWNER, {"accessTokenExpiry": 100})
        stack.refresh()
        assert stack.preview().change_summary.get("update") == 1  # drift: up would put 7200 back
    finally:
        stack.destroy()
    assert emulator.domain.apps[RESOURCE_OWNER]["accessTokenExpiry"] != 7200  # onDelete restore put back the original

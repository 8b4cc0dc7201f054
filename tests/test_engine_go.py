"""examples/go through the real CLI and our Go language host (scripts/pulumi-cli/cmd/pulumi-language-go), on the
plugin with the generated Go SDK: up, a clean preview, drift, destroy."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET, RESOURCE_OWNER
from engine import ROOT, new_stack
from idcs_emulator import EmulatorServer

pytestmark = pytest.mark.engine


def go_example(tmp: Path) -> Path:
    """A copy of examples/go whose module replace and plugin path point back into this repository."""
    work = tmp / "go"
    shutil.copytree(ROOT / "examples" / "go", work)
    mod = work / "go.mod"
    mod.write_text(mod.read_text().replace("=> ../../sdk", f"=> {ROOT / 'sdk'}"))
    project = work / "Pulumi.yaml"
    project.write_text(re.sub(r"path: .*", f"path: {ROOT / '.venv' / 'bin'}", project.read_text()))
    return work


def test_the_go_example_up_preview_drift_destroy(tmp_path: Path, emulator: EmulatorServer) -> None:
    config = {"idcs:domainUrl": (emulator.url, False), "idcs:clientId": (ADMIN_ID, False),
              "idcs:clientSecret": (ADMIN_SECRET, True)}
    stack = new_stack(tmp_path, go_example(tmp_path), config, env={"GOFLAGS": "-mod=readonly", "CGO_ENABLED": "0"})
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

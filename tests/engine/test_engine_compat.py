"""The compatibility lane: the oldest Pulumi CLI we support (MIN_VERSION in scripts/install-pulumi-cli, built by
`scripts/setup compat` into .pulumi/compat-v<version>/bin when this lane first runs) runs one example of each
language host the examples use (up, a clean preview, destroy), while every other engine test runs the newest. What
the oldest CLI could break is the engine's side of a runtime (its host protocol, the plugin's gRPC); the other
examples share their runtime with one of these and run on the newest CLI in their own tests."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET
from engine import COMPAT_BIN, GO_ENV, MIN_VERSION, ROOT, example_copy, need, new_stack, runtime_of
from idcs_emulator import EmulatorServer

MOBILE, SCOPE = "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5", "https://resource-owner.example.com/read offline_access"


def connection(emu: EmulatorServer) -> dict[str, tuple[str, bool]]:
    return {"idcs:domainUrl": (emu.url, False), "idcs:clientId": (ADMIN_ID, False),
            "idcs:clientSecret": (ADMIN_SECRET, True)}


def with_refresh_token(emu: EmulatorServer) -> dict[str, tuple[str, bool]]:
    return {**connection(emu), "mobileRefreshToken": (emu.grants.mint(MOBILE, SCOPE)["refresh_token"], True)}


#: One example per runtime, with the configuration it needs.
CONFIG: dict[str, Callable[[EmulatorServer], dict[str, tuple[str, bool]]]] = {
    "basic": connection, "go": connection, "yaml": with_refresh_token, "typescript": with_refresh_token,
}


def test_the_lane_runs_the_oldest_supported_cli() -> None:
    need("compat")
    version = subprocess.run([str(COMPAT_BIN / "pulumi"), "version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == f"v{MIN_VERSION}"


def test_every_runtime_of_the_examples_is_in_the_lane() -> None:
    examples = [p for p in (ROOT / "examples").iterdir() if (p / "Pulumi.yaml").exists()]
    assert sorted({runtime_of(p) for p in examples}) == sorted({runtime_of(ROOT / "examples" / e) for e in CONFIG})
    assert len(CONFIG) == len({runtime_of(ROOT / "examples" / e) for e in CONFIG})  # once each


@pytest.mark.parametrize("example", sorted(CONFIG))
def test_each_example_on_the_oldest_supported_cli(tmp_path: Path, emulator: EmulatorServer, example: str) -> None:
    env = GO_ENV if example == "go" else None
    stack = new_stack(tmp_path, example_copy(tmp_path, example), CONFIG[example](emulator), env, cli_bin=COMPAT_BIN)
    stack.up()
    stack.preview(expect_no_changes=True)
    stack.destroy()

"""The compatibility lane: the oldest Pulumi CLI we support (MIN_VERSION in scripts/install-pulumi-cli, built by
scripts/setup into .pulumi/compat-v<version>/bin) runs each example's up, a clean preview and destroy, while every
other engine test runs the newest."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET
from engine import ROOT, example_copy, new_stack
from idcs_emulator import EmulatorServer
from test_engine_mosaic import config as mosaic_config
from test_engine_refresh_check import login

pytestmark = pytest.mark.engine

MIN_VERSION = re.search(r"^MIN_VERSION=(\S+)", (ROOT / "scripts" / "install-pulumi-cli").read_text(), re.M)[1]
COMPAT_BIN = ROOT / ".pulumi" / f"compat-v{MIN_VERSION}" / "bin"


MOBILE, SCOPE = "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5", "https://resource-owner.example.com/read offline_access"


def connection(emu: EmulatorServer) -> dict[str, tuple[str, bool]]:
    return {"idcs:domainUrl": (emu.url, False), "idcs:clientId": (ADMIN_ID, False),
            "idcs:clientSecret": (ADMIN_SECRET, True)}


def with_refresh_token(emu: EmulatorServer) -> dict[str, tuple[str, bool]]:
    return {**connection(emu), "mobileRefreshToken": (emu.grants.mint(MOBILE, SCOPE)["refresh_token"], True)}


CONFIG: dict[str, Callable[[EmulatorServer], dict[str, tuple[str, bool]]]] = {
    "basic": connection, "go": connection, "yaml": with_refresh_token, "typescript": with_refresh_token,
    "refresh-check": lambda emu: {**connection(emu), "mobileRefreshToken": (login(emu), True)},
    "mosaic": mosaic_config,
}


def test_the_lane_runs_the_oldest_supported_cli() -> None:
    if not (COMPAT_BIN / "pulumi").exists():
        raise RuntimeError(f"no Pulumi CLI v{MIN_VERSION} in {COMPAT_BIN}: run scripts/setup (make test does)")
    version = subprocess.run([str(COMPAT_BIN / "pulumi"), "version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == f"v{MIN_VERSION}"


def test_every_example_is_in_the_lane() -> None:
    assert sorted(CONFIG) == sorted(p.name for p in (ROOT / "examples").iterdir() if (p / "Pulumi.yaml").exists())


@pytest.mark.parametrize("example", sorted(CONFIG))
def test_each_example_on_the_oldest_supported_cli(tmp_path: Path, emulator: EmulatorServer, example: str) -> None:
    env = {"GOFLAGS": "-mod=readonly", "CGO_ENABLED": "0"} if example == "go" else None
    stack = new_stack(tmp_path, example_copy(tmp_path, example), CONFIG[example](emulator), env, cli_bin=COMPAT_BIN)
    stack.up()
    stack.preview(expect_no_changes=True)
    stack.destroy()

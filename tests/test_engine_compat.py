"""The compatibility lane: the oldest Pulumi CLI we support (MIN_VERSION in scripts/install-pulumi-cli, built by
scripts/setup into .pulumi/compat-v<version>/bin) runs each example's up, a clean preview and destroy, while every
other engine test runs the newest."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET
from engine import PASSPHRASE, ROOT, example_copy
from idcs_emulator import EmulatorServer

pytestmark = pytest.mark.engine

MIN_VERSION = re.search(r"^MIN_VERSION=(\S+)", (ROOT / "scripts" / "install-pulumi-cli").read_text(), re.M)[1]
COMPAT_BIN = ROOT / ".pulumi" / f"compat-v{MIN_VERSION}" / "bin"


def compat_env(tmp: Path) -> dict[str, str]:
    if not (COMPAT_BIN / "pulumi").exists():
        raise RuntimeError(f"no Pulumi CLI v{MIN_VERSION} in {COMPAT_BIN}: run scripts/setup (make test does)")
    (tmp / "backend").mkdir(exist_ok=True)
    return {**os.environ, "PATH": f"{COMPAT_BIN}{os.pathsep}{os.environ['PATH']}", "PULUMI_HOME": str(tmp / "home"),
            "PULUMI_BACKEND_URL": f"file://{tmp / 'backend'}", "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true", "PULUMI_DIY_BACKEND_NO_LEGACY_WARNING": "true"}


def pulumi(env: dict[str, str], cwd: Path, *args: str) -> str:
    result = subprocess.run([str(COMPAT_BIN / "pulumi"), "--non-interactive", *args], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"pulumi {' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def yaml_copy(tmp: Path) -> Path:
    work = example_copy(tmp, "yaml")
    project = work / "Pulumi.yaml"
    project.write_text(project.read_text().replace("path: ../../.venv/bin", f"path: {ROOT / '.venv' / 'bin'}"))
    return work


@pytest.mark.parametrize("example", ["basic", "yaml"])
def test_each_example_on_the_oldest_supported_cli(tmp_path: Path, emulator: EmulatorServer, example: str) -> None:
    env = compat_env(tmp_path)
    work = yaml_copy(tmp_path) if example == "yaml" else example_copy(tmp_path, example)
    assert pulumi(env, work, "version").strip() == f"v{MIN_VERSION}"
    pulumi(env, work, "stack", "init", "compat")
    for key, value in (("idcs:domainUrl", emulator.url), ("idcs:clientId", ADMIN_ID)):
        pulumi(env, work, "config", "set", key, value)
    pulumi(env, work, "config", "set", "--secret", "idcs:clientSecret", ADMIN_SECRET)
    if example == "yaml":
        seed = emulator.grants.mint("7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5",
                                    "https://resource-owner.example.com/read offline_access")["refresh_token"]
        pulumi(env, work, "config", "set", "--secret", "mobileRefreshToken", seed)
    pulumi(env, work, "up", "--yes", "--skip-preview")
    pulumi(env, work, "preview", "--expect-no-changes")
    pulumi(env, work, "destroy", "--yes", "--skip-preview")

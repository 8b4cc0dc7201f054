"""The install step never harms the user's machine: a user's own Pulumi is used as it is or left alone, and
nothing is written outside the project (a throw-away HOME stands for the user's)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from engine import ROOT

INSTALL = ROOT / "scripts" / "install-pulumi-cli"


def fake_pulumi(bin_dir: Path, version: str) -> None:
    """A user's own CLI and Python language host, as the official installer lays them out in ~/.pulumi/bin."""
    bin_dir.mkdir(parents=True)
    (bin_dir / "pulumi").write_text(f'#!/bin/sh\n[ "$1" = version ] && echo "v{version}"\n')
    for host in ("pulumi-language-python", "pulumi-language-nodejs", "pulumi-language-go", "pulumi-language-yaml"):
        (bin_dir / host).write_text("#!/bin/sh\nexit 0\n")
    for exe in bin_dir.iterdir():
        exe.chmod(0o755)


def snapshot(home: Path) -> dict[str, tuple[int, str]]:
    """Every file under home: (mtime_ns, sha256). Directories are recorded too, so a new empty one shows."""
    found: dict[str, tuple[int, str]] = {}
    for path in sorted(home.rglob("*")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        found[str(path.relative_to(home))] = (path.stat().st_mtime_ns, digest)
    return found


def run_install(home: Path) -> subprocess.CompletedProcess[str]:
    go = shutil.which("go")
    path = os.pathsep.join(p for p in (str(home / ".pulumi" / "bin"), str(Path(go).parent) if go else "",
                                       "/usr/local/bin", "/usr/bin", "/bin") if p)
    env = {"HOME": str(home), "PATH": path}
    return subprocess.run([str(INSTALL)], env=env, capture_output=True, text=True, timeout=900, check=True)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    (home / ".pulumi" / "plugins" / "resource-aws-v6.0.0").mkdir(parents=True)
    (home / ".pulumi" / "plugins" / "resource-aws-v6.0.0" / "pulumi-resource-aws").write_text("binary")
    (home / ".bashrc").write_text('export PATH="$HOME/.pulumi/bin:$PATH"\n')
    return home


def test_a_newer_pulumi_of_the_user_is_used_and_nothing_is_written(home: Path) -> None:
    fake_pulumi(home / ".pulumi" / "bin", "3.270.0")
    before = snapshot(home)
    result = run_install(home)
    assert result.stdout.strip() == str(home / ".pulumi" / "bin")
    assert "nothing installed" in result.stderr
    assert snapshot(home) == before


@pytest.mark.parametrize("version", ["3.100.0", None])
def test_an_older_or_missing_pulumi_gets_the_project_its_own_cli(home: Path, version: str | None) -> None:
    if version:
        fake_pulumi(home / ".pulumi" / "bin", version)
    before = snapshot(home)
    result = run_install(home)
    chosen = Path(result.stdout.strip())
    assert chosen == ROOT / ".pulumi" / "bin"
    assert (chosen / "pulumi").is_file() and (chosen / "pulumi-language-python").is_file()
    assert snapshot(home) == before  # the user's older CLI, its plugins and profile are exactly as they were

"""discover → `pulumi import --file` → a clean preview, through the real CLI and the plugin, on a mixed domain (every
kind of OAuth app, and SAML apps that must be left out), in YAML (upstream's YAML host writes the code), Python and
TypeScript and Go (our hosts answer GenerateProgram with Pulumi's own program generators)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET
from engine import ROOT, example_copy, need, new_stack
from idcs_emulator import EmulatorServer
from idcs_emulator.domain import Domain
from idcs_emulator.generate import demo_seed, with_mixed_apps
from pulumi_idcs_cli.__main__ import main

PLUGIN = f"plugins:\n  providers:\n    - name: idcs\n      path: {ROOT / '.venv' / 'bin'}\n"
RUNTIMES = {
    "yaml": ("runtime: yaml\n", "Pulumi.yaml"),
    "python": (f"runtime:\n  name: python\n  options:\n    virtualenv: {ROOT / '.venv'}\n", "__main__.py"),
    "typescript": ("runtime: nodejs\n", "index.ts"),
    "go": ("runtime: go\n", "main.go"),
}
TYPESCRIPT = ROOT / "examples" / "typescript"


def typescript_project(work: Path) -> None:
    """A TypeScript project on the example's packages (the SDK's npm package, @pulumi/pulumi, tsc)."""
    need("nodejs")
    for name in ("package.json", "tsconfig.json"):
        shutil.copy(TYPESCRIPT / name, work)
    (work / "node_modules").symlink_to(TYPESCRIPT / "node_modules")
    (work / "index.ts").write_text("")


def compile_typescript(work: Path) -> None:
    subprocess.run([str(work / "node_modules" / ".bin" / "tsc")], cwd=work, check=True, capture_output=True,
                   timeout=300)


@pytest.fixture
def mixed() -> Iterator[EmulatorServer]:
    with EmulatorServer(Domain(with_mixed_apps(demo_seed(), 12))) as emu:
        yield emu


@pytest.mark.parametrize("language", sorted(RUNTIMES))
def test_discover_then_import_adopts_every_oauth_app_with_a_clean_preview(tmp_path: Path, mixed: EmulatorServer,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          language: str) -> None:
    for name, value in {"IDCS_DOMAIN_URL": mixed.url, "IDCS_CLIENT_ID": ADMIN_ID,
                        "IDCS_CLIENT_SECRET": ADMIN_SECRET}.items():
        monkeypatch.setenv(name, value)
    assert main(["discover", "-o", str(tmp_path / "import.json")], io.StringIO(), io.StringIO()) == 0
    document = json.loads((tmp_path / "import.json").read_text())["resources"]
    oauth = [a for a in mixed.domain.apps.values() if a.get("isOAuthClient") or a.get("isOAuthResource")]
    assert len(document) == len(oauth) < len(mixed.domain.apps)  # the SAML apps are left out

    runtime, program = RUNTIMES[language]
    work = tmp_path / language
    work.mkdir()
    (work / "Pulumi.yaml").write_text(f"name: adopted-{language}\n{runtime}{PLUGIN}")
    if language == "python":
        (work / "__main__.py").write_text("")
    if language == "typescript":
        typescript_project(work)
    if language == "go":  # examples/go's module: the generated SDK by `replace`, Pulumi's SDK by go.sum
        module = example_copy(tmp_path / "source", "go")
        for name in ("go.mod", "go.sum"):
            shutil.copy(module / name, work)
    stack = new_stack(tmp_path, work, {"idcs:domainUrl": (mixed.url, False), "idcs:clientId": (ADMIN_ID, False),
                                       "idcs:clientSecret": (ADMIN_SECRET, True)},
                      {"GOFLAGS": "-mod=readonly", "CGO_ENABLED": "0"} if language == "go" else None)
    mixed.clear_requests()
    done = subprocess.run(["pulumi", "import", "--file", str(tmp_path / "import.json"), "--yes", "--non-interactive",
                           "--out", str(tmp_path / "code"), "--stack", "test"], cwd=work,
                          env={**os.environ, **stack.workspace.env_vars}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not [r for r in mixed.requests_of() if r["method"] == "PATCH"]  # adopted as they are
    code = (tmp_path / "code").read_text()
    with (work / program).open("a") as target:
        target.write(code)  # Go: the whole main.go
    if language == "typescript":
        compile_typescript(work)
    imported = [r for r in stack.export_stack().deployment["resources"] if r["type"] == "idcs:index:AppTokenExpiry"]
    assert len(imported) == len(oauth) and all(r["inputs"]["onDelete"] == "retain" for r in imported)
    stack.preview(expect_no_changes=True)

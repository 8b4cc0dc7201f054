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
from engine import GO_ENV, ROOT, example_copy, need, new_stack
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
                      GO_ENV if language == "go" else None)
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


def test_a_messy_domain_is_discovered_and_imported_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Impossible lifetimes, none at all, an inactive app, a newline and a `|` in a name, names differing only in
    case: discover leaves out what import would refuse (saying why), and the import of the rest succeeds whole
    with a clean preview after."""
    from idcs_emulator.generate import with_messy_apps
    with EmulatorServer(Domain(with_messy_apps(demo_seed()))) as messy:
        for name, value in {"IDCS_DOMAIN_URL": messy.url, "IDCS_CLIENT_ID": ADMIN_ID,
                            "IDCS_CLIENT_SECRET": ADMIN_SECRET}.items():
            monkeypatch.setenv(name, value)
        err = io.StringIO()
        assert main(["discover", "-o", str(tmp_path / "import.json")], io.StringIO(), err) == 0
        assert err.getvalue().count("discover: left out") == 3
        work = tmp_path / "yaml"
        work.mkdir()
        (work / "Pulumi.yaml").write_text(f"name: adopted-messy\nruntime: yaml\n{PLUGIN}")
        stack = new_stack(tmp_path, work, {"idcs:domainUrl": (messy.url, False), "idcs:clientId": (ADMIN_ID, False),
                                           "idcs:clientSecret": (ADMIN_SECRET, True)})
        done = subprocess.run(["pulumi", "import", "--file", str(tmp_path / "import.json"), "--yes",
                               "--non-interactive", "--out", str(tmp_path / "code"), "--stack", "test"], cwd=work,
                              env={**os.environ, **stack.workspace.env_vars}, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        with (work / "Pulumi.yaml").open("a") as target:
            target.write((tmp_path / "code").read_text())
        document = json.loads((tmp_path / "import.json").read_text())["resources"]
        imported = [r for r in stack.export_stack().deployment["resources"]
                    if r["type"] == "idcs:index:AppTokenExpiry"]
        assert len(imported) == len(document)
        stack.preview(expect_no_changes=True)

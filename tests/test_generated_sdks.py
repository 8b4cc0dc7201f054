"""Generated SDKs are generated: the checked-in ones equal what scripts/gen-sdks makes from schema.json now, and
the plugin's Python SDK names the same inputs and outputs as the dynamic one."""

from __future__ import annotations

import inspect
import os
import subprocess
from pathlib import Path

import pulumi_idcs
import pulumi_idcs_native
import pytest
from engine import isolated_env
from pulumi_idcs.app_token_expiry import OUTPUTS as APP_OUTPUTS
from pulumi_idcs.refresh_grant_check import OUTPUTS as CHECK_OUTPUTS

ROOT = Path(__file__).resolve().parents[1]


def tree(root: Path) -> dict[str, bytes]:
    """The SDK's files, leaving out what installing or building it adds (git ignores those too)."""
    skipped = ("__pycache__", "node_modules", "bin")
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
            and not any(part in skipped or part.endswith(".egg-info") for part in p.relative_to(root).parts)}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sdks")
    subprocess.run([str(ROOT / "scripts" / "gen-sdks"), "--check", str(out)], check=True, timeout=900)
    return out


@pytest.mark.parametrize("language", ["python-native", "nodejs", "go"])
def test_checked_in_sdk_is_what_the_schema_generates(fresh: Path, language: str) -> None:
    checked_in, generated = tree(ROOT / "sdk" / language), tree(fresh / language)
    stale = sorted(k for k in {*checked_in, *generated} if checked_in.get(k) != generated.get(k))
    assert not stale, f"sdk/{language} is stale (run scripts/gen-sdks): {stale}"


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(w.capitalize() for w in rest)


@pytest.mark.parametrize(("dynamic", "native", "outputs"), [
    (pulumi_idcs.AppTokenExpiry, pulumi_idcs_native.AppTokenExpiry, APP_OUTPUTS),
    (pulumi_idcs.RefreshGrantCheck, pulumi_idcs_native.RefreshGrantCheck, CHECK_OUTPUTS),
])
def test_both_python_sdks_name_the_same_properties(dynamic: type, native: type, outputs: tuple[str, ...]) -> None:
    native_outputs = {camel(n) for n, v in vars(native).items() if isinstance(v, property)}
    dynamic_outputs = {camel(n) for n, v in vars(dynamic).items() if isinstance(v, property)}
    assert dynamic_outputs <= native_outputs <= set(outputs) | {"clientSecret"}
    native_args = set(inspect.signature(native._internal_init).parameters) - {"self", "resource_name", "opts",
                                                                              "__props__"}
    dynamic_args = set(inspect.signature(dynamic.__init__).parameters) - {"self", "resource_name", "opts", "args",
                                                                         "kwargs"}
    assert dynamic_args <= native_args


def test_a_go_program_builds_against_the_go_sdk(tmp_path: Path) -> None:
    """Go programs cannot run here (upstream's pulumi-language-go is not to be had), but they compile."""
    result = subprocess.run(["go", "build", "-o", str(tmp_path / "program"), "."], cwd=ROOT / "examples" / "go",
                            env={**os.environ, "GOFLAGS": "-mod=readonly", "CGO_ENABLED": "0"},
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "program").stat().st_size > 0


@pytest.mark.parametrize("language", ["nodejs", "python"])
def test_pulumi_package_gen_sdk_works_with_our_language_hosts(tmp_path: Path, language: str) -> None:
    env = {**os.environ, **isolated_env(tmp_path)}
    subprocess.run(["pulumi", "package", "gen-sdk", str(ROOT / "schema.json"), "--language", language, "--out",
                    str(tmp_path / "out")], env=env, check=True, capture_output=True, text=True, timeout=600)
    generated = tree(tmp_path / "out" / language)
    checked_in = tree(ROOT / "sdk" / ("python-native" if language == "python" else language))
    assert generated == checked_in

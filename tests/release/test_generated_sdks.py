"""Generated SDKs are generated: the checked-in ones equal what scripts/gen-sdks makes from the catalog (the dynamic
SDK) and schema.json (the others) now, and both Python SDKs name every input and output of each definition."""

from __future__ import annotations

import importlib.util
import inspect
import os
import subprocess
import typing
from pathlib import Path

import pulumi_idcs
import pulumi_idcs_native
import pytest
from engine import isolated_env, need
from pulumi_idcs_provider.catalog import DEFINITIONS
from pulumi_idcs_provider.resource import Definition

ROOT = Path(__file__).resolve().parents[2]


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


def test_the_dynamic_sdk_is_what_the_catalog_generates(fresh: Path) -> None:
    generated = sorted(p.name for p in (fresh / "pulumi_idcs").iterdir())
    stale = [name for name in generated
             if (ROOT / "sdk" / "pulumi_idcs" / name).read_text() != (fresh / "pulumi_idcs" / name).read_text()]
    assert generated and not stale, f"sdk/pulumi_idcs is stale (run scripts/gen-sdks): {stale}"


def test_the_reference_is_what_the_catalog_generates() -> None:
    spec = importlib.util.spec_from_file_location("gen_reference", ROOT / "scripts" / "gen_reference.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.text() == (ROOT / "docs" / "reference.md").read_text(), "run scripts/gen-sdks"


def sdk_class(package: object, definition: Definition) -> type:
    module = package if definition.token.module == "index" else getattr(package, definition.token.module)
    return getattr(module, definition.token.name)  # type: ignore[no-any-return]


@pytest.mark.parametrize("definition", DEFINITIONS.values(), ids=lambda d: d.token.name)
def test_both_python_sdks_name_the_same_properties(definition: Definition) -> None:
    dynamic, native = sdk_class(pulumi_idcs, definition), sdk_class(pulumi_idcs_native, definition)
    native_outputs = {camel(n) for n, v in vars(native).items() if isinstance(v, property)}
    dynamic_outputs = {camel(n) for n, v in vars(dynamic).items() if isinstance(v, property)}
    assert dynamic_outputs == native_outputs == set(definition.output_names())
    native_args = set(inspect.signature(native._internal_init).parameters) - {"__self__", "resource_name", "opts",
                                                                              "__props__"}
    keyword_form = typing.get_overloads(dynamic.__init__)[-1]
    dynamic_args = set(inspect.signature(keyword_form).parameters) - {"self", "resource_name", "opts"}
    assert dynamic_args == native_args == set(definition.input_names())


@pytest.mark.parametrize("language", ["nodejs", "python"])
def test_pulumi_package_gen_sdk_works_with_our_language_hosts(tmp_path: Path, language: str) -> None:
    need("nodejs")
    env = {**os.environ, **isolated_env(tmp_path)}
    subprocess.run(["pulumi", "package", "gen-sdk", str(ROOT / "schema.json"), "--language", language, "--out",
                    str(tmp_path / "out")], env=env, check=True, capture_output=True, text=True, timeout=600)
    generated = tree(tmp_path / "out" / language)
    checked_in = tree(ROOT / "sdk" / ("python-native" if language == "python" else language))
    assert generated == checked_in

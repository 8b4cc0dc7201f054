"""No import circle in the provider or the emulator, counting imports made only for type checking: a reader (or an
IDE) can follow each package from its foundations up (docs/design.md, "Layers")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"pulumi_idcs_provider": ROOT / "provider" / "pulumi_idcs_provider",
            "idcs_emulator": ROOT / "emulator" / "idcs_emulator"}


def module_name(package: str, base: Path, file: Path) -> str:
    return ".".join((package, *file.relative_to(base).with_suffix("").parts)).removesuffix(".__init__")


def imports_of(package: str, base: Path) -> dict[str, set[str]]:
    """Each module's imports of its own package at module level (TYPE_CHECKING blocks included)."""
    modules = {module_name(package, base, f): f for f in base.rglob("*.py")}
    found: dict[str, set[str]] = {}
    for name, file in modules.items():
        here = name.split(".") if file.name == "__init__.py" else name.split(".")[:-1]
        deps: set[str] = set()
        for node in ast.parse(file.read_text()).body:
            for imp in ast.walk(node) if isinstance(node, (ast.If, ast.Try, ast.ImportFrom, ast.Import)) else ():
                if isinstance(imp, ast.ImportFrom):
                    target = ".".join([*here[:len(here) - imp.level + 1], imp.module or ""]).strip(".") \
                        if imp.level else (imp.module or "")
                    subs = {f"{target}.{a.name}" for a in imp.names} & modules.keys()
                    deps |= subs or ({target} & modules.keys())
                elif isinstance(imp, ast.Import):
                    deps |= {a.name for a in imp.names} & modules.keys()
        found[name] = deps - {name}
    return found


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = [stack.pop()]
            while group[-1] != v:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    return found


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_no_import_circle(package: str) -> None:
    graph = imports_of(package, PACKAGES[package])
    assert len(graph) > 10  # the package was read
    assert circles(graph) == []


def test_a_circle_is_seen() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]

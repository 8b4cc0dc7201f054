"""The release workflow, read statically (it runs only on a tag): it builds what `make dist` builds for every
os/arch the engine asks for, and publishes each artifact where users' tools look for it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW: dict[Any, Any] = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
SCHEMA = json.loads((ROOT / "schema.json").read_text())


def steps(job: str) -> list[dict[str, Any]]:
    return WORKFLOW["jobs"][job]["steps"]  # type: ignore[no-any-return]


def runs(job: str) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def test_it_runs_on_a_version_tag_and_builds_every_os_and_arch() -> None:
    assert WORKFLOW[True]["push"]["tags"] == ["v*"]  # YAML reads the key `on` as True
    matrix = {(m["os"], m["arch"]) for m in WORKFLOW["jobs"]["plugin"]["strategy"]["matrix"]["include"]}
    assert matrix == {(o, a) for o in ("linux", "darwin", "windows") for a in ("amd64", "arm64")}
    assert "make dist" in runs("plugin") and "dist:" in (ROOT / "Makefile").read_text()
    assert 'GITHUB_REF_NAME#v' in runs("plugin")  # a tag that is not the version fails before anything is built


def test_the_plugin_archives_are_named_as_the_engine_asks_for_them() -> None:
    dist = (ROOT / "scripts" / "dist").read_text()
    assert 'archive="pulumi-resource-idcs-v$version-$os-$arch.tar.gz"' in dist
    assert SCHEMA["pluginDownloadURL"] == "github://api.github.com/pulumi-idcs"  # the GitHub release of the tag
    assert re.search(r"gh release create \"\$GITHUB_REF_NAME\".*release/\*", runs("github-release"))
    assert "SHA256SUMS" in runs("github-release")


def test_each_sdk_is_published_where_its_users_look() -> None:
    pypi = WORKFLOW["jobs"]["pypi"]
    assert pypi["permissions"] == {"id-token": "write"}  # trusted publishing: no token stored
    assert any(step.get("uses", "").startswith("pypa/gh-action-pypi-publish") for step in steps("pypi"))
    assert "npm publish --provenance" in runs("npm")
    assert WORKFLOW["jobs"]["npm"]["permissions"] == {"id-token": "write"}
    assert 'git tag "sdk/$GITHUB_REF_NAME"' in runs("go-sdk-tag") and (ROOT / "sdk" / "go.mod").exists()


def test_only_the_jobs_that_write_may_write() -> None:
    assert WORKFLOW["permissions"] == {"contents": "read"}
    writers = {name for name, job in WORKFLOW["jobs"].items() if job.get("permissions", {}).get("contents") == "write"}
    assert writers == {"github-release", "go-sdk-tag"}

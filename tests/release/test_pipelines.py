"""The example pipelines are valid YAML and every command they run exists, with the flags they pass."""

from __future__ import annotations

import itertools
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from engine import pulumi_command

ROOT = Path(__file__).resolve().parents[2]
PIPELINES = ROOT / "examples" / "pipelines"


def github_commands(name: str) -> list[tuple[Path, str]]:
    workflow = yaml.safe_load((PIPELINES / name).read_text())
    assert {"pull_request", "push", "schedule"} <= set(workflow[True])  # YAML reads the key `on` as True
    found = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                cwd = ROOT / step.get("working-directory", ".")
                found += [(cwd, line.strip()) for line in step["run"].splitlines() if line.strip()]
    return found


def gitlab_commands(name: str) -> list[tuple[Path, str]]:
    pipeline = yaml.safe_load((PIPELINES / name).read_text())
    found = []
    for name, job in pipeline.items():
        if not isinstance(job, dict) or name in ("variables",):
            continue
        template = pipeline.get(job.get("extends", ""), {}) if isinstance(job.get("extends"), str) else {}
        cwd = ROOT
        for line in [*template.get("before_script", []), *job.get("before_script", []), *job.get("script", [])]:
            if line.startswith("cd "):
                cwd = cwd / line[3:].strip()
            found.append((cwd, line))
    return found


COMMANDS = [*github_commands("github-actions.yml"), *github_commands("github-actions-federated.yml"),
            *gitlab_commands("gitlab-ci.yml"), *gitlab_commands("gitlab-ci-federated.yml")]


@pytest.mark.parametrize(("cwd", "line"), COMMANDS, ids=[c[1][:50] for c in COMMANDS])
def test_command_exists(cwd: Path, line: str) -> None:
    assert cwd.is_dir(), cwd
    words = shlex.split(line)
    if words[0] in ("export", "cd", "printf") or words[:3] == ["python", "-m", "venv"] or words[:2] == [
            ".venv/bin/pip", "install"]:
        return
    if words[0] in ("curl", "python"):  # the federated variants' OIDC token step: tools every runner has
        assert shutil.which(words[0]) or words[0] == "python", line
        return
    if words[0].endswith("/pulumi-idcs"):  # every flag the pipeline passes is one the subcommand knows
        usage = subprocess.run([str(ROOT / ".venv" / "bin" / "pulumi-idcs"), words[1], "--help"],
                               capture_output=True, text=True, check=True).stdout
        assert all(flag in usage for flag in words if flag.startswith("--")), line
        return
    if words[0].startswith(("scripts/", "../")):
        script = (cwd / words[0]).resolve()
        assert script.is_file() and os.access(script, os.X_OK), script
        if script.name == "gate":  # every flag the pipeline passes is one the gate knows
            usage = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True).stdout
            assert all(flag in usage for flag in words if flag.startswith("--")), line
        return
    assert words[0] == "pulumi", line
    for i, word in enumerate(words):
        if word == "--policy-pack":
            assert (cwd / words[i + 1] / "PulumiPolicy.yaml").is_file()
    subcommand = list(itertools.takewhile(lambda w: not w.startswith(("-", "$")), words[1:3]))  # `stack export`
    binary = Path(pulumi_command().command)
    help_text = subprocess.run([str(binary), *subcommand, "--help"], capture_output=True, text=True, check=True).stdout
    for flag in (w.split("=")[0] for w in words if w.startswith("--")):
        assert flag in help_text, f"{flag} is not a flag of pulumi {' '.join(subcommand)}"


def test_secrets_come_from_the_platform_store() -> None:
    github = (PIPELINES / "github-actions.yml").read_text()
    assert "IDCS_CLIENT_SECRET: ${{ secrets.IDCS_CLIENT_SECRET }}" in github
    assert "emulator-admin-secret" not in github and "emulator-admin-secret" not in (
        PIPELINES / "gitlab-ci.yml").read_text()


def test_the_federated_variants_store_no_admin_secret_and_ask_for_the_oidc_token() -> None:
    github = yaml.safe_load((PIPELINES / "github-actions-federated.yml").read_text())
    assert github["permissions"]["id-token"] == "write"
    assert github["env"]["IDCS_AUTH_METHOD"] == "oci-workload-identity-federation"
    gitlab = yaml.safe_load((PIPELINES / "gitlab-ci-federated.yml").read_text())
    assert "IDCS_OIDC_TOKEN" in gitlab[".pulumi"]["id_tokens"]
    assert gitlab["variables"]["IDCS_AUTH_METHOD"] == "oci-workload-identity-federation"

"""`pulumi-idcs audit` inside a Pulumi project: configured by the selected stack (the real CLI keeps its config)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE
from engine import new_stack
from idcs_emulator import EmulatorServer
from pulumi_idcs_cli.__main__ import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_in_a_project_the_stack_config_and_every_connection_are_audited(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """No environment: the selected stack's config names the domain and a second one (idcs:connections); both
    are read concurrently, each row says its domain."""
    for name in ("IDCS_DOMAIN_URL", "IDCS_CLIENT_ID", "IDCS_CLIENT_SECRET", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    with EmulatorServer() as home, EmulatorServer() as eu:
        eu.domain.change_app(MOBILE, {"accessTokenExpiry": 3 * 86400})
        work = tmp_path / "project"
        work.mkdir()
        (work / "Pulumi.yaml").write_text("name: audited\nruntime: yaml\n")
        stack = new_stack(tmp_path, work, {
            "idcs:domainUrl": (home.url, False), "idcs:clientId": (ADMIN_ID, False),
            "idcs:clientSecret": (ADMIN_SECRET, True),
            "idcs:connections": (json.dumps({"eu": {"domainUrl": eu.url, "clientId": ADMIN_ID,
                                                    "clientSecret": ADMIN_SECRET}}), False)})
        for name, value in stack.workspace.env_vars.items():
            monkeypatch.setenv(name, value)
        stack.workspace.select_stack("test")
        code, _, err = run("--cwd", str(work), "audit", "--all-connections", "--json", str(tmp_path / "a.json"))
        assert code == 1, err
        report = json.loads((tmp_path / "a.json").read_text())
        assert report["domains"] == [home.url, eu.url]
        broken = [(r["domain"], r["displayName"]) for r in report["rows"] if r["bound"]]
        assert broken == [(eu.url, "MobileApp")]
        assert len(home.requests_of()) == len(eu.requests_of()) == 2  # a token and one page each

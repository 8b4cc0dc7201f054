"""What the plugin (and the gate over it) reports is true: each case a user met through the real CLI.

Names in another case settle; the drift warning is for the domain's changes, never the program's own edit; a
console rename is one gate row, not a failed run; `pulumi import` refuses an app the stack already manages;
messages spell values as the program wrote them; a misspelt config key is named; examples/yaml runs without
warnings.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE, PARTNER, PARTNER_DISPLAY, RESOURCE_OWNER
from engine import ROOT, program_stack, run_gate, write_yaml, yaml_stack
from idcs_emulator import EmulatorServer
from pulumi import automation as auto

HEADER = "name: idcs-truth\nruntime: yaml\nplugins:\n  providers:\n    - name: idcs\n      path: ../../.venv/bin\n"
EXAMPLE = (ROOT / "examples" / "yaml" / "Pulumi.yaml").read_text()
#: A display name that Python's repr would spell differently from every program language.
ODD_NAME = 'Ünïcødé "Quoted" \\ Back\\slash 应用 it\'s'


def connection(emu: EmulatorServer) -> dict[str, tuple[str, bool]]:
    return {"idcs:domainUrl": (emu.url, False), "idcs:clientId": (ADMIN_ID, False),
            "idcs:clientSecret": (ADMIN_SECRET, True)}


def app(name: str, properties: str) -> str:
    body = "".join(f"      {line}\n" for line in properties.strip().splitlines())
    return f"  {name}:\n    type: idcs:index:AppTokenExpiry\n    properties:\n{body}"


def program(*resources: str) -> str:
    return HEADER + "resources:\n" + "".join(resources)


def refused(stack: auto.Stack) -> str:
    with pytest.raises(auto.CommandError) as failed:
        stack.preview()
    return str(failed.value)


def test_identifiers_in_another_case_settle(tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = yaml_stack(tmp_path, program(
        app("partner", 'appDisplayName: "partner \\"beta\\" portal"\naccessTokenExpiry: 30m'),
        app("mobile", "appName: 7D1F9C0E2B4A46C8A0E3F5B7D9C1E3A5\naccessTokenExpiry: 1h")), connection(emulator))
    stack.up()
    stack.preview(refresh=True, expect_no_changes=True)
    result = stack.up(refresh=True)
    assert set(result.summary.resource_changes or {}) == {"same"}, result.summary.resource_changes
    gate = run_gate(stack)
    assert gate.returncode == 0, gate.stdout + gate.stderr
    state = {r["urn"].rsplit("::", 1)[-1]: r for r in stack.export_stack().deployment["resources"]}
    assert state["partner"]["outputs"]["appDisplayName"] == 'partner "beta" portal'  # as the program wrote it
    assert state["partner"]["id"] == PARTNER and PARTNER_DISPLAY == emulator.domain.apps[PARTNER]["displayName"]


def test_the_drift_warning_is_for_the_domain_never_the_programs_own_edit(tmp_path: Path,
                                                                        emulator: EmulatorServer) -> None:
    stack = yaml_stack(tmp_path, EXAMPLE, {**connection(emulator), "accessTokenExpiry": ("45m", False),
                                           "mobileRefreshToken": ("unused-here", True)})
    project = Path(stack.workspace.work_dir) / "Pulumi.yaml"
    project.write_text(project.read_text().split("  mobileRefresh:\n")[0].replace(
        "  mobileExpiresIn: ${mobileRefresh.expiresIn}\n", ""))  # the example without its refresh check
    first = stack.up()
    assert "does not exist" not in first.stdout + first.stderr  # no warning about the example's config entries
    stack.set_config("accessTokenExpiry", auto.ConfigValue("30m"))  # the pull request's own change
    edit = stack.preview(diff=True)
    assert edit.change_summary.get("update") == 1
    assert "in the domain" not in edit.stdout + edit.stderr
    emulator.domain.change_app(RESOURCE_OWNER, {"accessTokenExpiry": 100})  # and now a console edit too
    both = stack.preview(diff=True)
    assert ("warning: accessTokenExpiry is 100 in the domain (the last up set 2700), the program wants 1800"
            in both.stdout + both.stderr)


def test_pulumi_import_refuses_an_app_the_stack_already_manages(tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = yaml_stack(tmp_path, program(app("mobile", f"appId: {MOBILE}\naccessTokenExpiry: 1h")),
                       connection(emulator))
    stack.up()
    ws = stack.workspace
    assert isinstance(ws, auto.LocalWorkspace)
    done = subprocess.run(["pulumi", "import", "idcs:index:AppTokenExpiry", "second", MOBILE, "--yes",
                           "--generate-code=false", "--stack", "test"], cwd=ws.work_dir,
                          env={**os.environ, **ws.env_vars}, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode != 0
    assert f'app {MOBILE} is already managed by "mobile" in this stack' in done.stdout + done.stderr
    names = [r["urn"].rsplit("::", 1)[-1] for r in stack.export_stack().deployment["resources"]]
    assert "second" not in names and names.count("mobile") == 1
    stack.preview(expect_no_changes=True)


def test_messages_spell_values_as_the_program_wrote_them(tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = yaml_stack(tmp_path, program(app("owner", f"appId: {RESOURCE_OWNER}\naccessTokenExpiry: true\n"
                                                      "refreshTokenExpiry: 30")), connection(emulator))
    text = refused(stack)
    assert "true is a boolean" in text and "True" not in text
    assert '30 is 30 s, but refresh tokens must live at least 60 s (1m); did you mean "30d"?' in text
    write_yaml(stack.workspace.work_dir, program(app("owner", f"appId: {RESOURCE_OWNER}\naccessTokenExpiry: -5")))
    assert "-5 is -5 s, but access tokens must live between 60 s (1m) and 31536000 s (365d)" in refused(stack)
    write_yaml(stack.workspace.work_dir, program(app("owner", f"appId: {RESOURCE_OWNER}\naccessTokenExpiry: 1h")))
    stack.set_config("idcs:clientSecret", auto.ConfigValue("wrong", secret=True))
    text = refused(stack)
    assert "invalid_client: Client authentication failed. Check idcs:clientId" in text and "failed.." not in text
    assert emulator.requests_of("patch") == []


def test_a_misspelt_config_key_is_named_through_both_doors(tmp_path: Path, emulator: EmulatorServer) -> None:
    config = {**connection(emulator), "idcs:domainURL": (emulator.url, False)}
    del config["idcs:domainUrl"]
    plugin = yaml_stack(tmp_path / "plugin", program(app("owner", f"appId: {RESOURCE_OWNER}\naccessTokenExpiry: 1h")),
                        config)
    assert "idcs:domainURL is not a setting of this provider: did you mean idcs:domainUrl?" in refused(plugin)
    dynamic = program_stack(tmp_path / "dynamic",
                            f'idcs.AppTokenExpiry("owner", app_id="{RESOURCE_OWNER}", access_token_expiry="1h")\n',
                            config)
    assert "idcs:domainURL is set: did you mean idcs:domainUrl?" in refused(dynamic)


def test_a_console_rename_is_one_gate_row_and_the_other_rows_still_come(tmp_path: Path,
                                                                       emulator: EmulatorServer) -> None:
    stack = program_stack(tmp_path, (
        'idcs.AppTokenExpiry("mobile", app_display_name="MobileApp", access_token_expiry="1h")\n'
        f'idcs.AppTokenExpiry("owner", app_id="{RESOURCE_OWNER}", access_token_expiry="2h")\n'), connection(emulator))
    stack.up()
    emulator.domain.change_app(MOBILE, {"displayName": ODD_NAME})  # renamed in the console
    gate = run_gate(stack, "--json", str(tmp_path / "gate.json"), "--report", str(tmp_path / "gate.md"))
    assert gate.returncode == 1, gate.stdout + gate.stderr
    rows = {(r["resource"], r["status"]) for r in json.loads((tmp_path / "gate.json").read_text())["rows"]}
    assert rows == {("mobile", "renamed"), ("mobile", "in sync"), ("owner", "in sync")}
    written = json.dumps(ODD_NAME, ensure_ascii=False)  # as YAML, TypeScript or Go (and Python) can take it back
    assert f"write appDisplayName: {written}" in (tmp_path / "gate.md").read_text()
    assert stack.preview(refresh=True).change_summary.keys() <= {"same"}  # no failed run, nothing to write


def test_a_violation_is_one_table_row_naming_its_app(tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = yaml_stack(tmp_path, program(app("owner", f"appId: {RESOURCE_OWNER}\naccessTokenExpiry: 2d")),
                       connection(emulator))
    report = tmp_path / "r.md"
    gate = run_gate(stack, "--report", str(report), "--policy-pack", str(ROOT / "policy" / "pack"))
    assert gate.returncode == 2, gate.stdout + gate.stderr
    table = [line for line in report.read_text().splitlines() if line.startswith("|") and "---" not in line]
    assert all(line.endswith(" |") and line.count(" | ") == 5 for line in table), table
    row = next(line for line in table if "policy violation" in line)
    assert row.startswith(f"| owner | {RESOURCE_OWNER} | accessTokenExpiry | — | 172800 (2d) |"), row

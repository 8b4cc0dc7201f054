"""The policy pack through the real engine (`pulumi preview --policy-pack`), and the gate's exit codes."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE
from engine import ROOT, open_stack, program_stack, run_gate
from idcs_emulator import EmulatorServer
from pulumi import automation as auto

PACK = str(ROOT / "policy" / "pack")


@pytest.fixture
def stack(tmp_path: Path, emulator: EmulatorServer) -> Iterator[auto.Stack]:
    config = {"idcs:domainUrl": (emulator.url, False), "idcs:clientId": (ADMIN_ID, False),
              "idcs:clientSecret": (ADMIN_SECRET, True)}
    yield open_stack(tmp_path, config)


def test_policies_pass_on_the_example(stack: auto.Stack) -> None:
    stack.preview(policy_packs=[PACK])


def test_lifetime_above_the_bound_fails_the_preview(stack: auto.Stack, emulator: EmulatorServer) -> None:
    stack.set_config("mobileAccessTokenExpiry", auto.ConfigValue("2d"))
    with pytest.raises(auto.CommandError) as err:
        stack.preview(policy_packs=[PACK])
    text = str(err.value)
    assert "idcs-token-lifetime-bounds" in text and "mandatory" in text
    assert "accessTokenExpiry is 172800 s (2d); this organisation allows 300 s (5m) to 86400 s (1d)" in text
    assert emulator.requests_of("patch") == []


def test_bounds_come_from_the_policy_config(stack: auto.Stack, tmp_path: Path) -> None:
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"idcs-token-lifetime-bounds": {"maxAccessTokenExpiry": "10m"}}))
    with pytest.raises(auto.CommandError) as err:
        stack.preview(policy_packs=[PACK], policy_pack_configs=[str(config)])
    assert "this organisation allows 300 s (5m) to 600 s (10m)" in str(err.value)


def test_requiring_a_check_per_app_flags_the_apps_without_one(stack: auto.Stack, tmp_path: Path) -> None:
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"idcs-refresh-grant-checked": "mandatory"}))
    with pytest.raises(auto.CommandError) as err:
        stack.preview(policy_packs=[PACK], policy_pack_configs=[str(config)])
    assert "mobile has no RefreshGrantCheck" in str(err.value)


def gate(stack: auto.Stack, _tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_gate(stack, *extra)


def test_gate_exit_codes_and_report(stack: auto.Stack, emulator: EmulatorServer, tmp_path: Path) -> None:
    stack.up()
    clean = gate(stack, tmp_path, "--json", str(tmp_path / "clean.json"))
    assert clean.returncode == 0, clean.stdout[-2000:] + clean.stderr[-2000:]
    report = json.loads((tmp_path / "clean.json").read_text())
    assert report["exitCode"] == 0 and {r["status"] for r in report["rows"]} == {"in sync"}
    assert len(report["rows"]) == 4  # two apps, two lifetimes each

    emulator.domain.change_app(MOBILE, {"accessTokenExpiry": 100})
    summary = tmp_path / "summary.md"
    drifted = gate(stack, tmp_path, "--json", str(tmp_path / "drift.json"), "--report", str(summary))
    assert drifted.returncode == 1, drifted.stdout[-2000:]
    rows = json.loads((tmp_path / "drift.json").read_text())["rows"]
    note = rows[0].pop("note")
    assert rows[0] == {"resource": "mobile", "app": f"MobileApp ({MOBILE})", "attribute": "accessTokenExpiry",
                       "live": 100, "desired": 900, "status": "drift"}  # drift first
    assert note.startswith("last changed by console.admin@example.com at ")  # who made the drift, and when
    assert "| mobile | MobileApp (" + MOBILE + ") | accessTokenExpiry | 100 (1m40s) | 900 (15m) | **drift** (last " \
        "changed by console.admin@example.com" in summary.read_text()

    stack.up(refresh=True)
    stack.set_config("mobileAccessTokenExpiry", auto.ConfigValue("45m"))
    pending = gate(stack, tmp_path, "--json", str(tmp_path / "pending.json"))
    assert pending.returncode == 1
    assert json.loads((tmp_path / "pending.json").read_text())["rows"][0]["status"] == "pending change"

    stack.set_config("mobileAccessTokenExpiry", auto.ConfigValue("2d"))
    violated = gate(stack, tmp_path, "--json", str(tmp_path / "policy.json"))
    assert violated.returncode == 2
    first = json.loads((tmp_path / "policy.json").read_text())["rows"][0]
    assert first["status"] == "policy violation" and "idcs-token-lifetime-bounds" in first["note"]

    stack.set_config("mobileAccessTokenExpiry", auto.ConfigValue("15m"))
    stack.set_config("idcs:clientSecret", auto.ConfigValue("wrong", secret=True))
    assert gate(stack, tmp_path).returncode == 3


def test_the_one_owner_policy_catches_owners_the_provider_cannot_tell_apart(tmp_path: Path,
                                                                            emulator: EmulatorServer) -> None:
    """The provider refuses two owners it can see in its own process. Resources served by different provider
    processes (or registered without the SDK's owner name, as here) are caught by the stack policy instead."""
    program = ("from pulumi.dynamic import Resource\n"
               "from pulumi_idcs_provider.app_token_expiry import AppTokenExpiryProvider\n"
               "class Twin(Resource, module='idcs', name='AppTokenExpiry'):\n"
               "    pass\n"
               "Twin(AppTokenExpiryProvider(), 'a', {'appId': '5b0c1b7e6a2d4f8e9c3a1d2e4f6a8b0c',\n"
               "     'accessTokenExpiry': 3600, 'appName': None, 'appDisplayName': None})\n"
               "Twin(AppTokenExpiryProvider(), 'b', {'appDisplayName': 'MOBILEAPP', 'accessTokenExpiry': 3600,\n"
               "     'appId': None, 'appName': None})\n")
    config = {"idcs:domainUrl": (emulator.url, False), "idcs:clientId": (ADMIN_ID, False),
              "idcs:clientSecret": (ADMIN_SECRET, True)}
    stack = program_stack(tmp_path, program, config)
    stack.up()
    with pytest.raises(auto.CommandError) as refused:
        stack.preview(policy_packs=[PACK])
    text = str(refused.value)
    assert "idcs-one-owner-per-app" in text and "'a' and 'b' manage the same app" in text


def test_two_stacks_on_one_app_show_in_the_drift_gate(tmp_path: Path, emulator: EmulatorServer) -> None:
    """Across stacks nothing sees both owners; what the README promises is that the gate shows it as drift."""
    config = {"idcs:domainUrl": (emulator.url, False), "idcs:clientId": (ADMIN_ID, False),
              "idcs:clientSecret": (ADMIN_SECRET, True)}
    first = program_stack(tmp_path / "first",
                          f'idcs.AppTokenExpiry("mobile", app_id="{MOBILE}", access_token_expiry="2h")\n', config)
    second = program_stack(tmp_path / "second",
                           f'idcs.AppTokenExpiry("mobile", app_id="{MOBILE}", access_token_expiry="1h")\n', config)
    first.up()
    second.up()
    assert gate(second, tmp_path).returncode == 0
    result = gate(first, tmp_path)
    assert result.returncode == 1
    assert "| accessTokenExpiry | 3600 (1h) | 7200 (2h) | **drift** (last changed by idcs-admin-client" in result.stdout


@pytest.mark.parametrize(("setting", "words"), [
    ({"maxAccessTokenExpiry": "banana"}, "maxAccessTokenExpiry: Does not match pattern"),
    ({"maxAccessTokenExpry": "1h"}, "maxAccessTokenExpry is not a setting of this policy: did you mean "
                                    "maxAccessTokenExpiry?"),
    ({"minAccessTokenExpiry": "2h", "maxAccessTokenExpiry": "1h"}, "minAccessTokenExpiry (7200 s (2h)) is above"),
])
def test_policy_config_mistakes_are_refused_by_name(stack: auto.Stack, tmp_path: Path, setting: dict[str, str],
                                                    words: str) -> None:
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"idcs-token-lifetime-bounds": setting}))
    with pytest.raises(auto.CommandError) as err:
        stack.preview(policy_packs=[PACK], policy_pack_configs=[str(config)])
    assert words in str(err.value)

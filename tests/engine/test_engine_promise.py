"""A green preview is a promise: what `pulumi preview` accepts, `pulumi up` does, and nothing is put back wrong.

Each test is one of the reproductions in the issue, through the real CLI against the emulator.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE, PARTNER
from engine import program_stack, write_program
from idcs_emulator import EmulatorServer
from pulumi import automation as auto

MOBILE_NAME = "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5"


def config_for(emu: EmulatorServer, url: str | None = None) -> dict[str, tuple[str, bool]]:
    return {"idcs:domainUrl": (url or emu.url, False), "idcs:clientId": (ADMIN_ID, False),
            "idcs:clientSecret": (ADMIN_SECRET, True), "idcs:maxRequestsPerSecond": ("1000", False)}


def mobile(identifier: str, *, extra: str = "", name: str = "mobile") -> str:
    return (f'app = idcs.AppTokenExpiry("{name}", {identifier}, {extra}on_delete="restore")\n'
            'pulumi.export("app", {"id": app.app_id, "access": app.access_token_expiry, '
            '"refresh": app.refresh_token_expiry, "originalAccess": app.original_access_token_expiry, '
            '"originalRefresh": app.original_refresh_token_expiry, "domainUrl": app.domain_url})\n')


def live(emu: EmulatorServer, app_id: str = MOBILE) -> tuple[int, int]:
    app = emu.domain.apps[app_id]
    return app["accessTokenExpiry"], app["refreshTokenExpiry"]


def exported(stack: auto.Stack) -> dict[str, Any]:
    return dict(stack.outputs()["app"].value)


def test_renaming_the_app_and_the_program_updates_and_keeps_the_real_original(
        tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = program_stack(tmp_path, mobile('app_display_name="MobileApp"', extra='access_token_expiry="20m", '),
                          config_for(emulator))
    stack.up()
    assert live(emulator)[0] == 1200
    emulator.domain.change_app(MOBILE, {"displayName": "MobileApp v2"})  # renamed in the console
    write_program(stack.workspace.work_dir,
                  mobile('app_display_name="MobileApp v2"', extra='access_token_expiry="20m", '))
    emulator.clear_requests()
    preview = stack.preview(diff=True)
    assert preview.change_summary.get("update") == 1 and "replace" not in preview.change_summary
    result = stack.up()
    assert result.summary.resource_changes == {"update": 1, "same": 1}  # the stack itself is "same"
    assert emulator.requests_of("patch") == []  # nothing restored, nothing rewritten
    assert live(emulator)[0] == 1200 and exported(stack)["originalAccess"] == 3600
    stack.preview(expect_no_changes=True)
    stack.destroy()
    assert live(emulator)[0] == 3600  # the real original, found at the first adoption


def test_another_spelling_of_the_domain_url_updates_in_place(tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = program_stack(tmp_path, mobile(f'app_id="{MOBILE}"', extra='access_token_expiry="20m", '),
                          config_for(emulator))
    stack.up()
    port = emulator.url.rsplit(":", 1)[1]
    stack.set_config("idcs:domainUrl", auto.ConfigValue(f"HTTP://LocalHost:{port}/"))
    preview = stack.preview()
    assert "replace" not in preview.change_summary and "create" not in preview.change_summary
    emulator.clear_requests()
    stack.up()
    assert emulator.requests_of("patch") == []
    assert exported(stack)["domainUrl"] == f"http://localhost:{port}"
    stack.preview(expect_no_changes=True)


def test_moving_to_another_domain_is_refused_at_preview_with_a_way_out_that_works(
        tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = program_stack(tmp_path, mobile(f'app_id="{MOBILE}"', extra='access_token_expiry="20m", '),
                          config_for(emulator))
    stack.up()
    with EmulatorServer() as other:
        stack.set_config("idcs:domainUrl", auto.ConfigValue(other.url))
        with pytest.raises(auto.CommandError) as refused:
            stack.preview()
        assert "no configured connection reaches that domain any more" in str(refused.value)
        assert "pulumi config set idcs:skipRestore true" in str(refused.value)
        assert other.requests_of("patch") == []
        stack.set_config("idcs:skipRestore", auto.ConfigValue("true"))
        result = stack.up()
        assert result.summary.resource_changes == {"replace": 1, "same": 1}
        assert live(other)[0] == 1200 and live(emulator)[0] == 1200  # the old domain is left as it was
        stack.remove_config("idcs:skipRestore")
        stack.preview(expect_no_changes=True)
        assert [r["type"] for r in stack.export_stack().deployment["resources"]].count(
            "pulumi-python:dynamic/idcs:AppTokenExpiry") == 1


def test_moving_to_another_domain_restores_in_the_old_one_while_it_is_configured(
        tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = program_stack(tmp_path, mobile(f'app_id="{MOBILE}"', extra='access_token_expiry="20m", '),
                          config_for(emulator))
    stack.up()
    with EmulatorServer() as other:
        stack.set_config("idcs:domainUrl", auto.ConfigValue(other.url))
        stack.set_all_config({"idcs:connections.old.domainUrl": auto.ConfigValue(emulator.url),
                              "idcs:connections.old.clientId": auto.ConfigValue(ADMIN_ID),
                              "idcs:connections.old.clientSecret": auto.ConfigValue(ADMIN_SECRET, secret=True)},
                             path=True)
        stack.up()
        assert live(other)[0] == 1200
        assert live(emulator)[0] == 3600  # restored where it was adopted


def test_an_app_deleted_and_recreated_with_the_same_name_is_a_replace_that_adopts_it(
        tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = program_stack(tmp_path, mobile(f'app_name="{MOBILE_NAME}"', extra='access_token_expiry="20m", '),
                          config_for(emulator))
    stack.up()
    recreated = copy.deepcopy(emulator.domain.apps.pop(MOBILE))
    recreated.update(id="0a1b2c3d4e5f40718293a4b5c6d7e8f9", accessTokenExpiry=3000)
    emulator.domain.apps[recreated["id"]] = recreated
    assert stack.preview().change_summary.get("replace") == 1
    stack.up()
    state = next(r for r in stack.export_stack().deployment["resources"] if r["urn"].endswith("::mobile"))
    assert state["id"] == recreated["id"] == exported(stack)["id"]
    assert exported(stack)["originalAccess"] == 3000 and live(emulator, recreated["id"])[0] == 1200
    stack.refresh()
    stack.preview(expect_no_changes=True)


@pytest.mark.parametrize(("program", "config", "expected"), [
    (mobile('app_display_name="No Such App"', extra="access_token_expiry=900, "), {},
     "property appDisplayName value {No Such App} has a problem: no app in"),
    (mobile(f'app_id="{MOBILE}"', extra="access_token_expiry=900, "), {"idcs:clientSecret": None},
     "missing IDCS connection settings: idcs:clientSecret"),
    (mobile(f'app_id="{MOBILE}"', extra="access_token_expiry=900, "),
     {"idcs:domainUrl": "https://admin:hunter2@idcs-0123.identity.oraclecloud.com"}, "carries credentials in the URL"),
], ids=["unknown-display-name", "no-secret", "userinfo"])  # one of each kind: the app read, the settings, the URL;
# every other refusal is the same check, tested in-process (tests/plugin/test_check_inputs.py)
def test_preview_refuses_a_new_resource_that_up_would_refuse(
        tmp_path: Path, emulator: EmulatorServer, program: str, config: dict[str, str | None], expected: str) -> None:
    stack = program_stack(tmp_path, program, config_for(emulator))
    for key, value in config.items():
        if value is None:
            stack.remove_config(key)
        else:
            stack.set_config(key, auto.ConfigValue(value))
    with pytest.raises(auto.CommandError) as refused:
        stack.preview()
    assert expected in str(refused.value)
    if any("hunter2" in str(v) for v in config.values()):  # a password in the URL is never repeated
        assert "hunter2" not in str(refused.value)
    if not config:  # the emulator is the domain: the preview wrote nothing to it
        assert emulator.requests_of("patch") == []


def test_two_resources_on_one_app_are_refused_naming_both(tmp_path: Path, emulator: EmulatorServer) -> None:
    program = (f'idcs.AppTokenExpiry("a", app_id="{MOBILE}", access_token_expiry="1h")\n'
               f'idcs.AppTokenExpiry("b", app_name="{MOBILE_NAME.upper()}", access_token_expiry="2h")\n')
    stack = program_stack(tmp_path, program, config_for(emulator))
    with pytest.raises(auto.CommandError) as refused:
        stack.preview()
    assert "is managed by two resources of this deployment, 'a' and 'b'" in str(refused.value)
    assert emulator.requests_of("patch") == []  # the preview wrote nothing
    for _ in range(2):  # `up --skip-preview` (Automation's up) refuses a second owner at the latest, every run
        with pytest.raises(auto.CommandError) as again:
            stack.up()
        assert "'a' and 'b'" in str(again.value)
    # which of the two is refused there depends on the order the engine checks them (README, "One app, one owner")


def test_two_owners_already_in_state_are_refused_at_the_next_preview(tmp_path: Path,
                                                                      emulator: EmulatorServer) -> None:
    """Both resources are in state (b managed another app): b is not new, so the diff, not the new-resource
    check, must see the second owner."""
    stack = program_stack(tmp_path, f'idcs.AppTokenExpiry("a", app_id="{MOBILE}", access_token_expiry="1h")\n'
                                    f'idcs.AppTokenExpiry("b", app_id="{PARTNER}", access_token_expiry="2h")\n',
                          config_for(emulator))
    stack.up()
    write_program(stack.workspace.work_dir,
                  f'idcs.AppTokenExpiry("a", app_id="{MOBILE}", access_token_expiry="1h")\n'
                  f'idcs.AppTokenExpiry("b", app_display_name="mobileapp", access_token_expiry="2h")\n')
    emulator.clear_requests()
    with pytest.raises(auto.CommandError) as refused:
        stack.preview()
    assert "'a' and 'b'" in str(refused.value)
    assert emulator.requests_of("patch") == []


@pytest.mark.parametrize(("on_delete", "after"), [("restore", 604800), ("retain", 1209600)])
def test_no_longer_managing_an_expiry_restores_or_retains_it_and_keeps_its_original(
        tmp_path: Path, emulator: EmulatorServer, on_delete: str, after: int) -> None:
    both = 'access_token_expiry="20m", refresh_token_expiry="14d", '
    stack = program_stack(tmp_path, mobile(f'app_id="{MOBILE}"', extra=both).replace("restore", on_delete),
                          config_for(emulator))
    stack.up()
    assert live(emulator) == (1200, 1209600)
    write_program(stack.workspace.work_dir,
                  mobile(f'app_id="{MOBILE}"', extra='access_token_expiry="20m", ').replace("restore", on_delete))
    preview = stack.preview(diff=True)
    assert "- refreshTokenExpiry: 1209600" in preview.stdout
    stack.up()
    assert live(emulator) == (1200, after)
    assert exported(stack)["originalRefresh"] == 604800  # never lost
    assert exported(stack)["refresh"] is None
    stack.preview(expect_no_changes=True)


def test_handing_an_app_to_another_resource_restores_nothing_onto_it(tmp_path: Path,
                                                                      emulator: EmulatorServer) -> None:
    stack = program_stack(tmp_path, mobile(f'app_id="{MOBILE}"', extra='access_token_expiry="20m", ', name="old"),
                          config_for(emulator))
    stack.up()
    write_program(stack.workspace.work_dir,
                  mobile(f'app_name="{MOBILE_NAME}"', extra='access_token_expiry="30m", ', name="new"))
    stack.up()  # "new" adopts the app, then "old" is deleted: its restore would undo "new"'s value
    assert live(emulator)[0] == 1800
    stack.preview(expect_no_changes=True)


def test_same_named_resources_in_two_components_are_told_apart(tmp_path: Path, emulator: EmulatorServer) -> None:
    program = ("class Team(pulumi.ComponentResource):\n"
               "    def __init__(self, name, display):\n"
               "        super().__init__(f'test:index:{name.capitalize()}', name)\n"
               "        idcs.AppTokenExpiry('mobile', app_display_name=display, access_token_expiry='1h',\n"
               "                            opts=pulumi.ResourceOptions(parent=self))\n"
               "Team('team1', 'MobileApp')\n"
               "Team('team2', 'mobileapp')\n")
    stack = program_stack(tmp_path, program, config_for(emulator))
    with pytest.raises(auto.CommandError) as refused:
        stack.preview()
    # named from the URN, as the plugin names them: it holds each parent's type, not its name
    assert ("two resources of this deployment, 'test:index:Team1/mobile' and 'test:index:Team2/mobile'"
            in str(refused.value))

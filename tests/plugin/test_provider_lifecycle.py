"""AppTokenExpiry through the real dynamic-provider gRPC server against the emulator over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ADMIN_ID, MOBILE, PARTNER, PARTNER_DISPLAY, RESOURCE_OWNER, RESOURCE_OWNER_NAME
from deepdiff import DeepDiff
from idcs_emulator import EmulatorServer
from provider_server import DIFF_NONE, DIFF_SOME, DIFF_UNKNOWN, UNKNOWN, ProviderServer


@pytest.fixture
def server(stack_config: dict[str, Any]) -> Any:
    with ProviderServer(stack_config) as srv:
        yield srv


def stored(emu: EmulatorServer, app_id: str) -> dict[str, Any]:
    return dict(emu.domain.apps[app_id])


def test_create_adopts_by_client_id_patches_both_and_touches_nothing_else(server: ProviderServer,
                                                                          emulator: EmulatorServer) -> None:
    before = stored(emulator, RESOURCE_OWNER)
    id_, checked, outs = server.up({"appName": RESOURCE_OWNER_NAME, "accessTokenExpiry": "2h",
                                    "refreshTokenExpiry": "14d"})
    assert checked["accessTokenExpiry"] == 7200 and checked["refreshTokenExpiry"] == 1209600
    assert id_ == RESOURCE_OWNER
    after = stored(emulator, RESOURCE_OWNER)
    assert (after["accessTokenExpiry"], after["refreshTokenExpiry"]) == (7200, 1209600)
    assert after["idcsLastModifiedBy"]["display"] == ADMIN_ID  # IDCS records the writer: our admin client
    changed = DeepDiff(before, after, exclude_paths=["root['meta']['lastModified']", "root['idcsLastModifiedBy']"])
    assert set(changed.get("values_changed", {})) == {"root['accessTokenExpiry']", "root['refreshTokenExpiry']"}
    assert set(changed) == {"values_changed"}
    assert outs["appId"] == RESOURCE_OWNER and outs["appDisplayName"] == "ResourceOwner"
    assert (outs["originalAccessTokenExpiry"], outs["originalRefreshTokenExpiry"]) == (3600, 604800)
    assert (outs["accessTokenExpiry"], outs["refreshTokenExpiry"]) == (7200, 1209600)
    assert outs["domainUrl"] == emulator.url
    patches = emulator.requests_of("patch")
    assert len(patches) == 1
    assert patches[0]["body"]["Operations"] == [
        {"op": "replace", "path": "accessTokenExpiry", "value": 7200},
        {"op": "replace", "path": "refreshTokenExpiry", "value": 1209600}]


def test_every_app_read_names_its_attributes(server: ProviderServer, emulator: EmulatorServer) -> None:
    id_, _, outs = server.up({"appDisplayName": PARTNER_DISPLAY, "accessTokenExpiry": 3600})
    server.diff(id_, outs, {"appDisplayName": PARTNER_DISPLAY, "accessTokenExpiry": 3600})
    server.read(id_, outs)
    app_calls = [r for r in emulator.requests_of() if r["kind"] in ("get", "list", "search", "patch")]
    assert [r["kind"] for r in app_calls] == ["search", "patch"]  # diff and read reuse the run's first read
    assert all("accessTokenExpiry" in r["query"].get("attributes", "") for r in app_calls)
    assert emulator.requests_of("search")[0]["query"]["filter"] == 'displayName eq "Partner \\"Beta\\" Portal"'


def test_equal_values_send_no_patch(server: ProviderServer, emulator: EmulatorServer) -> None:
    _, _, outs = server.up({"appId": RESOURCE_OWNER, "accessTokenExpiry": "1h", "refreshTokenExpiry": "P7D"})
    assert emulator.requests_of("patch") == []
    assert outs["originalAccessTokenExpiry"] == outs["accessTokenExpiry"] == 3600


def test_one_admin_token_for_many_resources(server: ProviderServer, emulator: EmulatorServer) -> None:
    for app_id in (RESOURCE_OWNER, MOBILE, PARTNER):
        id_, checked, outs = server.up({"appId": app_id, "accessTokenExpiry": 900})
        server.diff(id_, outs, checked)
    assert len(emulator.requests_of("token")) == 1


def test_unchanged_program_diffs_to_no_change_with_one_get(server: ProviderServer, emulator: EmulatorServer,
                                                           stack_config: dict[str, Any]) -> None:
    id_, checked, outs = server.up({"appId": MOBILE, "accessTokenExpiry": "30m"})
    emulator.clear_requests()
    with ProviderServer(stack_config) as next_run:
        again = next_run.check({"appId": MOBILE, "accessTokenExpiry": "30m"}, olds=checked)
        resp = next_run.diff(id_, outs, again.inputs)
    assert resp.changes == DIFF_NONE
    assert [r["kind"] for r in emulator.requests_of()] == ["token", "get"]


def test_live_drift_diffs_to_an_update_that_repairs_it(server: ProviderServer, emulator: EmulatorServer,
                                                       stack_config: dict[str, Any]) -> None:
    id_, checked, outs = server.up({"appId": MOBILE, "accessTokenExpiry": 1800, "refreshTokenExpiry": "1d"})
    emulator.domain.change_app(MOBILE, {"accessTokenExpiry": 100})  # a console edit between two runs
    with ProviderServer(stack_config) as next_run:
        assert next_run.diff(id_, outs, checked).changes == DIFF_SOME
        outs2 = next_run.update(id_, outs, checked)
    assert stored(emulator, MOBILE)["accessTokenExpiry"] == 1800
    assert outs2["originalAccessTokenExpiry"] == 3600  # still what was found at adoption
    assert [r["body"]["Operations"] for r in emulator.requests_of("patch")][-1] == [
        {"op": "replace", "path": "accessTokenExpiry", "value": 1800}]


def test_changed_input_lets_the_engine_show_the_property(server: ProviderServer) -> None:
    id_, checked, outs = server.up({"appId": MOBILE, "accessTokenExpiry": 1800})
    resp = server.diff(id_, outs, {**checked, "accessTokenExpiry": 7200})
    assert resp.changes == DIFF_UNKNOWN  # the engine then diffs old and new inputs property by property
    assert list(resp.replaces) == []


def test_another_app_is_a_replace_but_the_same_app_named_differently_is_not(server: ProviderServer) -> None:
    id_, _, outs = server.up({"appName": RESOURCE_OWNER_NAME, "accessTokenExpiry": 1800})
    other = server.diff(id_, outs, {"appId": MOBILE, "accessTokenExpiry": 1800, "onDelete": "retain"})
    assert other.changes == DIFF_SOME and list(other.replaces) == ["appId"]
    same = server.diff(id_, outs, {"appId": RESOURCE_OWNER, "accessTokenExpiry": 1800, "onDelete": "retain"})
    assert list(same.replaces) == []


def test_refresh_reports_live_values_as_inputs(server: ProviderServer, emulator: EmulatorServer,
                                               stack_config: dict[str, Any]) -> None:
    id_, _, outs = server.up({"appDisplayName": "MobileApp", "accessTokenExpiry": 3600, "refreshTokenExpiry": "7d"})
    emulator.domain.change_app(MOBILE, {"accessTokenExpiry": 100})
    with ProviderServer(stack_config) as next_run:
        rid, routs, rinputs = next_run.read(id_, outs)
    assert rid == MOBILE
    assert routs["accessTokenExpiry"] == 100 and routs["originalAccessTokenExpiry"] == 3600
    assert rinputs == {"appDisplayName": "MobileApp", "accessTokenExpiry": 100, "refreshTokenExpiry": 604800,
                       "onDelete": "retain", "__name": "r", "__provider": next_run.blob}


def test_refresh_of_a_deleted_app_reads_as_gone(server: ProviderServer, emulator: EmulatorServer,
                                                stack_config: dict[str, Any]) -> None:
    id_, _, outs = server.up({"appId": MOBILE, "accessTokenExpiry": 3600})
    del emulator.domain.apps[MOBILE]
    with ProviderServer(stack_config) as next_run:
        rid, routs, _ = next_run.read(id_, outs)
    assert rid == ""  # the engine drops a resource whose read answers no id
    assert {k for k in routs if not k.startswith("__")} == set()


def test_delete_retain_leaves_values_and_restore_puts_back_originals(emulator: EmulatorServer,
                                                                     stack_config: dict[str, Any]) -> None:
    def deployment() -> ProviderServer:  # each `pulumi up` / `destroy` has a provider process of its own
        return ProviderServer(stack_config)

    with deployment() as up:
        id_, _, outs = up.up({"appId": PARTNER, "accessTokenExpiry": 600, "refreshTokenExpiry": 7200})
    with deployment() as destroy:
        destroy.delete(id_, outs)
    assert (stored(emulator, PARTNER)["accessTokenExpiry"], stored(emulator, PARTNER)["refreshTokenExpiry"]) == (
        600, 7200)
    with deployment() as up:
        id_, _, outs = up.up({"appId": PARTNER, "accessTokenExpiry": 900, "onDelete": "restore"})
    emulator.domain.change_app(PARTNER, {"refreshTokenExpiry": 5000})  # someone edits what it does not manage
    with deployment() as destroy:
        destroy.delete(id_, outs)
    assert stored(emulator, PARTNER)["accessTokenExpiry"] == 600  # what was found when this resource adopted it
    assert stored(emulator, PARTNER)["refreshTokenExpiry"] == 5000  # not managed by it: never written


def test_preview_with_unknown_values_passes_check(server: ProviderServer) -> None:
    checked = server.check({"appId": UNKNOWN, "accessTokenExpiry": UNKNOWN, "refreshTokenExpiry": "7d"})
    assert checked.failures == []

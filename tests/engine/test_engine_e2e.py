"""examples/basic through the real Pulumi engine: what a user sees from `pulumi up`, preview, refresh, destroy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE, RESOURCE_OWNER, demo_secrets
from deepdiff import DeepDiff
from engine import open_stack, outputs
from idcs_emulator import EmulatorServer
from pulumi import automation as auto


@pytest.fixture
def stack(tmp_path: Path, emulator: EmulatorServer) -> Iterator[auto.Stack]:
    config = {"idcs:domainUrl": (emulator.url, False), "idcs:clientId": (ADMIN_ID, False),
              "idcs:clientSecret": (ADMIN_SECRET, True)}
    yield open_stack(tmp_path, config)


def live(emu: EmulatorServer, app_id: str) -> tuple[int, int]:
    app = emu.domain.apps[app_id]
    return app["accessTokenExpiry"], app["refreshTokenExpiry"]


def test_up_applies_then_preview_is_clean(stack: auto.Stack, emulator: EmulatorServer) -> None:
    before = {k: dict(v) for k, v in emulator.domain.apps.items()}
    result = stack.up()
    assert result.summary.resource_changes == {"create": 3}
    assert live(emulator, RESOURCE_OWNER) == (7200, 2592000)
    assert live(emulator, MOBILE) == (900, 1209600)
    for app_id, app in emulator.domain.apps.items():
        # IDCS records who wrote and when (idcsLastModifiedBy, meta.lastModified); nothing else but the expiries
        changed = DeepDiff(before[app_id], app, exclude_paths=["root['meta']['lastModified']",
                                                                "root['idcsLastModifiedBy']"])
        assert set(changed.get("values_changed", {})) <= {"root['accessTokenExpiry']", "root['refreshTokenExpiry']"}
        assert set(changed) <= {"values_changed"}
    assert outputs(stack)["mobile"]["originalAccessTokenExpiry"] == 3600
    assert len(emulator.requests_of("token")) == 1  # one admin token for the whole run
    emulator.clear_requests()
    stack.preview(expect_no_changes=True)
    assert len(emulator.requests_of("patch")) == 0
    assert len(emulator.requests_of("token")) == 1


def test_changed_config_previews_the_property_and_up_applies_it(stack: auto.Stack,
                                                                emulator: EmulatorServer) -> None:
    stack.up()
    stack.set_config("mobileAccessTokenExpiry", auto.ConfigValue("45m"))
    preview = stack.preview(diff=True)
    assert preview.change_summary.get("update") == 1
    assert "accessTokenExpiry: 900 => 2700" in preview.stdout
    stack.up()
    assert live(emulator, MOBILE) == (2700, 1209600)


def test_drift_fails_the_refresh_gate_naming_the_property_and_up_repairs(stack: auto.Stack,
                                                                         emulator: EmulatorServer) -> None:
    stack.up()
    emulator.domain.change_app(MOBILE, {"accessTokenExpiry": 100})
    with pytest.raises(auto.CommandError) as gate:
        stack.preview(refresh=True, expect_no_changes=True, diff=True)
    assert "accessTokenExpiry: 100 => 900" in str(gate.value)
    stack.up(refresh=True)
    assert live(emulator, MOBILE) == (900, 1209600)
    stack.preview(refresh=True, expect_no_changes=True)


def test_refresh_then_preview_shows_live_value_to_desired(stack: auto.Stack, emulator: EmulatorServer) -> None:
    stack.up()
    emulator.domain.change_app(RESOURCE_OWNER, {"accessTokenExpiry": 100})
    stack.refresh()
    state = resource_state(stack, "resource-owner")
    assert state["outputs"]["accessTokenExpiry"] == 100  # refresh records the live value...
    assert state["inputs"]["accessTokenExpiry"] == 100  # ...as an input too, so the next preview can show it
    preview = stack.preview(diff=True)
    assert "accessTokenExpiry: 100 => 7200" in preview.stdout


def test_bad_value_fails_preview_with_the_check_failure(stack: auto.Stack, emulator: EmulatorServer) -> None:
    stack.set_config("accessTokenExpiry", auto.ConfigValue("7"))
    with pytest.raises(auto.CommandError) as err:
        stack.preview()
    assert "accessTokenExpiry" in str(err.value)
    assert "7 s, but access tokens must live between 60 s (1m) and 31536000 s" in str(err.value)
    assert emulator.requests_of("patch") == []  # nothing written
    assert not [r for r in emulator.requests_of() if RESOURCE_OWNER in r["path"]]  # the refused one sent nothing


def test_unknown_app_fails_with_a_clear_message(stack: auto.Stack) -> None:
    stack.set_config("mobileClientId", auto.ConfigValue("no-such-client"))
    with pytest.raises(auto.CommandError) as err:
        stack.up()
    assert "no app in http://127.0.0.1" in str(err.value) and "has name 'no-such-client'" in str(err.value)


def test_state_holds_no_secret_in_plaintext(stack: auto.Stack, emulator: EmulatorServer, tmp_path: Path) -> None:
    stack.up()
    stack.preview()
    stored = "\n".join(p.read_text() for p in (tmp_path / "backend").rglob("*.json"))
    assert '"urn:pulumi:test::idcs-basic::pulumi-python:dynamic/idcs:AppTokenExpiry::mobile"' in stored
    issued_tokens = list(emulator.domain.tokens)
    assert issued_tokens
    for secret in [*demo_secrets(), *issued_tokens]:
        assert secret not in stored
    # `stack export` (which Automation runs with --show-secrets) shows the client secret only as a marked secret
    exported = stack.export_stack().deployment
    provider = next(r for r in exported["resources"] if r["type"] == "pulumi:providers:pulumi-python")
    assert provider["inputs"]["idcs:clientSecret"]["4dabf18193072939515e22adb298388d"] == \
        "1b47061264138c4ac30d75fd1eb44270"


@pytest.mark.parametrize(("on_delete", "expected"), [("retain", (900, 1209600)), ("restore", (3600, 604800))])
def test_destroy_retains_or_restores(stack: auto.Stack, emulator: EmulatorServer, on_delete: str,
                                     expected: tuple[int, int]) -> None:
    stack.set_config("onDelete", auto.ConfigValue(on_delete))
    stack.up()
    stack.destroy()
    assert live(emulator, MOBILE) == expected
    assert MOBILE in emulator.domain.apps  # the app itself is never deleted


def resource_state(stack: auto.Stack, name: str) -> dict[str, Any]:
    resources = stack.export_stack().deployment["resources"]
    return next(r for r in resources if r["urn"].endswith("::" + name))

"""examples/refresh-check through the real Pulumi engine: rotation across runs, revocation, expectations."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from conftest import ADMIN_ID, ADMIN_SECRET, RESOURCE_OWNER
from engine import open_stack, outputs
from idcs_emulator import EmulatorServer
from pulumi import automation as auto

CLIENT = "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5"
SCOPE = "https://resource-owner.example.com/read offline_access"


def login(emu: EmulatorServer) -> str:
    """A first refresh token, as a user login with offline_access would give (password grant)."""
    resp = requests.post(emu.url + "/oauth2/v1/token", timeout=5, data={
        "grant_type": "password", "client_id": CLIENT, "username": "demo.user@example.com",
        "password": "emulator-user-password-0005", "scope": SCOPE})
    resp.raise_for_status()
    return str(resp.json()["refresh_token"])


@pytest.fixture
def stack(tmp_path: Path, emulator: EmulatorServer) -> Iterator[auto.Stack]:
    config = {"idcs:domainUrl": (emulator.url, False), "idcs:clientId": (ADMIN_ID, False),
              "idcs:clientSecret": (ADMIN_SECRET, True), "mobileRefreshToken": (login(emulator), True),
              "recheckAfter": ("1s", False)}
    yield open_stack(tmp_path, config, example="refresh-check")


def exchanges(emu: EmulatorServer) -> int:
    return sum(1 for r in emu.requests_of("token") if (r["body"] or {}).get("grant_type") == "refresh_token")


def test_two_consecutive_ups_pass_using_the_rotated_token(stack: auto.Stack, emulator: EmulatorServer,
                                                          tmp_path: Path) -> None:
    stack.up()
    assert outputs(stack)["expiresIn"] == 3600 and outputs(stack)["refreshTokenRotated"] is True
    time.sleep(2)  # recheckAfter is 1s: the second run must exchange again, with the token kept in state
    second = stack.up()
    assert exchanges(emulator) == 2
    said = second.stdout.split("Diagnostics:")[-1]  # the CLI's summary: each diagnostic once
    assert said.count("is older than recheckAfter") == 1 and "mobile-refresh: the last success" in said
    stored = "\n".join(p.read_text() for p in (tmp_path / "backend").rglob("*.json"))
    assert "refreshToken" in stored and "emulator-user-password-0005" not in stored
    live_tokens = [t for t, r in emulator.grants.refresh.items() if not r.spent]
    assert live_tokens and all(t not in stored for t in emulator.grants.refresh)  # stored encrypted only


def test_unchanged_program_within_recheck_after_is_a_clean_preview(stack: auto.Stack,
                                                                   emulator: EmulatorServer) -> None:
    stack.set_config("recheckAfter", auto.ConfigValue("24h"))
    stack.up()
    stack.preview(expect_no_changes=True)
    assert exchanges(emulator) == 1


def test_revoked_token_fails_up_with_a_clear_message(stack: auto.Stack, emulator: EmulatorServer) -> None:
    stack.up()
    requests.post(emulator.url + "/_emulator/refresh-tokens/revoke", json={"clientId": CLIENT}, timeout=5)
    time.sleep(2)
    with pytest.raises(auto.CommandError) as err:
        stack.up()
    text = str(err.value)
    assert f"refresh grant check for client '{CLIENT}' (idcs): could not refresh: HTTP 400, invalid_grant" in text


def test_changed_resource_lifetime_rechecks_with_the_new_expectation(stack: auto.Stack,
                                                                     emulator: EmulatorServer) -> None:
    stack.set_config("recheckAfter", auto.ConfigValue("24h"))
    stack.up()
    stack.set_config("accessTokenExpiry", auto.ConfigValue("30m"))
    stack.up()
    assert emulator.domain.apps[RESOURCE_OWNER]["accessTokenExpiry"] == 1800
    assert outputs(stack)["expiresIn"] == 1800
    assert exchanges(emulator) == 2


def test_broken_expectation_fails_up_but_keeps_the_new_token(stack: auto.Stack, emulator: EmulatorServer) -> None:
    stack.set_config("recheckAfter", auto.ConfigValue("24h"))
    stack.set_config("expectAccessTokenExpiry", auto.ConfigValue("10m"))
    with pytest.raises(auto.CommandError) as err:
        stack.up()
    assert "lives 3600 s (1h), longer than the expected 600 s (10m)" in str(err.value)
    assert "Traceback" not in str(err.value) and "unhandled exception" not in str(err.value)  # one clean line
    stack.remove_config("expectAccessTokenExpiry")
    stack.up()  # the rotated token from the failed run was kept: this exchange works
    assert outputs(stack)["expiresIn"] == 3600
    assert exchanges(emulator) == 2


YAML_TWO_CHECKS = """name: shared-seed
runtime: yaml
plugins:
  providers:
    - name: idcs
      path: ../../.venv/bin
config:
  seed: {type: string, secret: true}
resources:
  checkA:
    type: idcs:index:RefreshGrantCheck
    properties: {flavor: idcs, clientId: CLIENT, refreshToken: "${seed}", scope: "SCOPE"}
  checkB:
    type: idcs:index:RefreshGrantCheck
    properties: {flavor: idcs, clientId: CLIENT, refreshToken: "${seed}", scope: "SCOPE"}
""".replace("CLIENT", CLIENT).replace("SCOPE", SCOPE)

PYTHON_TWO_CHECKS = """seed = pulumi.Config().require_secret("seed")
for name in ("checkA", "checkB"):
    idcs.RefreshGrantCheck(name, flavor="idcs", client_id="CLIENT", refresh_token=seed, scope="SCOPE")
""".replace("CLIENT", CLIENT).replace("SCOPE", SCOPE)


@pytest.mark.parametrize("door", ["plugin", "dynamic"])
def test_two_checks_sharing_a_seed_are_refused_at_preview_naming_both(tmp_path: Path, emulator: EmulatorServer,
                                                                      door: str) -> None:
    from engine import program_stack, yaml_stack
    config = {"idcs:domainUrl": (emulator.url, False), "idcs:clientId": (ADMIN_ID, False),
              "idcs:clientSecret": (ADMIN_SECRET, True), "seed": (login(emulator), True)}
    stack = yaml_stack(tmp_path, YAML_TWO_CHECKS, config) if door == "plugin" else \
        program_stack(tmp_path, PYTHON_TWO_CHECKS, config)
    with pytest.raises(auto.CommandError) as refused:
        stack.preview()
    assert "'checkA' and 'checkB' are seeded with the same refresh token" in str(refused.value).replace('"', "'")
    assert "Traceback" not in str(refused.value)
    assert exchanges(emulator) == 0

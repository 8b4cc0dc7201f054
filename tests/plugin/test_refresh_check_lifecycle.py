"""RefreshGrantCheck through the real dynamic-provider gRPC server against the emulator (IDCS and Mosaic)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from conftest import RESOURCE_OWNER
from idcs_emulator import EmulatorServer
from provider_server import DIFF_NONE, DIFF_SOME, DIFF_UNKNOWN, ProviderServer
from pulumi_idcs_provider.refresh_grant_check import RefreshGrantCheckProvider

MOBILE_CLIENT = "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5"   # public client
SCOPE = "https://resource-owner.example.com/read offline_access"
MOSAIC_CLIENT, MOSAIC_SECRET = "mosaic-demo-client", "emulator-mosaic-secret-0006"


@pytest.fixture
def server(stack_config: dict[str, Any], emulator: EmulatorServer) -> Iterator[ProviderServer]:
    config = {**stack_config, "mosaic:baseUrl": emulator.url}
    with ProviderServer(config, provider=RefreshGrantCheckProvider()) as srv:
        yield srv


def seed(emu: EmulatorServer) -> str:
    return str(requests.post(emu.url + "/_emulator/refresh-tokens",
                             json={"clientId": MOBILE_CLIENT, "scope": SCOPE}, timeout=5).json()["refresh_token"])


def idcs_inputs(emu: EmulatorServer, **extra: Any) -> dict[str, Any]:
    return {"flavor": "idcs", "clientId": MOBILE_CLIENT, "refreshToken": seed(emu), "scope": SCOPE, **extra}


def test_create_exchanges_and_keeps_the_rotated_token(server: ProviderServer, emulator: EmulatorServer) -> None:
    inputs = idcs_inputs(emulator, expectAccessTokenExpiry="1h")
    _, checked, outs = server.up(inputs)
    assert checked["expectAccessTokenExpiry"] == 3600
    assert outs["expiresIn"] == 3600 and outs["tokenType"] == "Bearer" and outs["refreshTokenRotated"] is True
    assert outs["refreshToken"] != inputs["refreshToken"]
    assert "failure" not in outs and "access_token" not in outs and "accessToken" not in outs
    assert outs["endpoint"] == emulator.url + "/oauth2/v1/token"


def test_second_run_uses_the_rotated_token_and_unchanged_inputs_show_no_change(
        server: ProviderServer, emulator: EmulatorServer) -> None:
    id_, checked, outs = server.up(idcs_inputs(emulator))
    assert server.diff(id_, outs, checked).changes == DIFF_NONE
    outs2 = server.update(id_, outs, checked)  # as after another input change: must use the rotated token
    assert outs2["refreshToken"] not in (outs["refreshToken"], checked["refreshToken"])


def test_a_new_seed_token_wins_over_the_stored_one(server: ProviderServer, emulator: EmulatorServer) -> None:
    id_, checked, outs = server.up(idcs_inputs(emulator))
    news = {**checked, "refreshToken": seed(emulator)}
    assert server.diff(id_, outs, news).changes == DIFF_UNKNOWN
    outs2 = server.update(id_, outs, news)
    spent = {token for token, record in emulator.grants.refresh.items() if record.spent}
    assert news["refreshToken"] in spent          # the new seed was the one exchanged,
    assert outs["refreshToken"] not in spent      # the stored one left alone
    assert outs2["refreshToken"] not in spent and outs2["refreshToken"] in emulator.grants.refresh


def test_a_refused_exchange_fails_once_naming_client_and_reason(server: ProviderServer,
                                                                 emulator: EmulatorServer) -> None:
    """invalid_grant is final: one request, an error that says who and why, and no token in it."""
    id_, checked, outs = server.up(idcs_inputs(emulator))
    requests.post(emulator.url + "/_emulator/refresh-tokens/revoke", json={"clientId": MOBILE_CLIENT}, timeout=5)
    emulator.clear_requests()
    with pytest.raises(Exception) as err:
        server.update(id_, outs, {**checked, "expectAccessTokenExpiry": 3600})
    text = str(err.value)
    assert "client '7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5' (idcs): could not refresh: HTTP 400, invalid_grant" in text
    assert outs["refreshToken"] not in text and checked["refreshToken"] not in text
    assert [r["kind"] for r in emulator.requests_of()] == ["token"]  # not retried


def test_longer_lived_token_than_expected_is_recorded_as_failure_and_rechecked(
        server: ProviderServer, emulator: EmulatorServer) -> None:
    emulator.domain.change_app(RESOURCE_OWNER, {"accessTokenExpiry": 7200})
    id_, checked, outs = server.up(idcs_inputs(emulator, expectAccessTokenExpiry=3600))
    assert "lives 7200 s (2h), longer than the expected 3600 s (1h)" in outs["failure"]
    assert outs["refreshTokenRotated"] is True  # the new token is kept even though the check failed
    assert server.diff(id_, outs, checked).changes == DIFF_SOME  # a failed check runs again next time
    emulator.domain.change_app(RESOURCE_OWNER, {"accessTokenExpiry": 3600})
    outs2 = server.update(id_, outs, checked)
    assert "failure" not in outs2 and outs2["expiresIn"] == 3600


def test_recheck_after_makes_an_old_success_due(server: ProviderServer, emulator: EmulatorServer) -> None:
    id_, checked, outs = server.up(idcs_inputs(emulator, recheckAfter="1h"))
    assert server.diff(id_, outs, checked).changes == DIFF_NONE
    stale = {**outs, "checkedAt": "2020-01-01T00:00:00Z"}
    assert server.diff(id_, stale, checked).changes == DIFF_SOME


def test_mosaic_flavor_rotates_too(server: ProviderServer, emulator: EmulatorServer) -> None:
    rt = requests.post(emulator.url + "/_emulator/mosaic/refresh-tokens", json={"clientId": MOSAIC_CLIENT},
                       timeout=5).json()["refresh_token"]
    id_, checked, outs = server.up({"flavor": "mosaic", "clientId": MOSAIC_CLIENT, "clientSecret": MOSAIC_SECRET,
                                    "refreshToken": rt})
    assert outs["expiresIn"] == 3600 and outs["refreshTokenRotated"] is True
    assert [r["kind"] for r in emulator.requests_of()] == ["mosaic-token", "mosaic-refresh"]
    outs2 = server.update(id_, outs, {**checked, "recheckAfter": 60})
    assert outs2["refreshToken"] != outs["refreshToken"]


@pytest.mark.parametrize(("inputs", "prop", "words"), [
    ({"flavor": "okta", "clientId": "c", "refreshToken": "r"}, "flavor", '"idcs", "mosaic" or "oauth2"'),
    ({"flavor": "oauth2", "clientId": "c", "refreshToken": "r"}, "tokenUrl", "needs tokenUrl"),
    ({"flavor": "idcs", "clientId": "c", "refreshToken": "r", "tokenUrl": "https://x/t"}, "tokenUrl",
     'for flavor "oauth2"'),
    ({"flavor": "mosaic", "clientId": "c", "refreshToken": "r"}, "clientSecret", "Mosaic needs the client secret"),
    ({"flavor": "idcs", "clientId": "c", "refreshToken": "r", "baseUrl": "http://idcs.example.com"}, "baseUrl",
     "plain http"),
    ({"flavor": "idcs", "clientId": "", "refreshToken": "r"}, "clientId", "non-empty"),
    ({"flavor": "idcs", "clientId": "c"}, "refreshToken", "is required"),
    ({"flavor": "idcs", "clientId": "c", "refreshToken": "r", "recheckAfter": "daily"}, "recheckAfter",
     "not a duration"),
])
def test_bad_input_fails_check(server: ProviderServer, inputs: dict[str, Any], prop: str, words: str) -> None:
    failures = dict(server.check(inputs).failures)
    assert prop in failures and words in failures[prop], failures


def test_missing_base_url_names_the_config_key(stack_config: dict[str, Any]) -> None:
    config = {k: v for k, v in stack_config.items() if k != "idcs:domainUrl"}
    with ProviderServer(config, provider=RefreshGrantCheckProvider()) as srv:
        failures = dict(srv.check({"flavor": "idcs", "clientId": "c", "refreshToken": "r"}).failures)
    assert "idcs:domainUrl" in failures["baseUrl"]

"""ClientTokenTimeouts through the real dynamic-provider server against the emulator's Mosaic management API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import demo_secrets
from idcs_emulator import EmulatorServer
from provider_server import DIFF_NONE, DIFF_SOME, ProviderServer
from pulumi_idcs_provider.mosaic_timeouts import ClientTokenTimeoutsProvider

APP, CLIENT = "mosaic-demo-app", "mosaic-demo-client"
ADMIN = ("mosaic-admin-client", "emulator-mosaic-admin-secret-0007")


def mosaic_config(emu: EmulatorServer, secret: str = ADMIN[1]) -> dict[str, str]:
    return {"idcs:mosaicBaseUrl": emu.url, "idcs:mosaicClientId": ADMIN[0], "idcs:mosaicClientSecret": secret}


@pytest.fixture
def server(emulator: EmulatorServer) -> Iterator[ProviderServer]:
    with ProviderServer(mosaic_config(emulator), provider=ClientTokenTimeoutsProvider()) as srv:
        yield srv


def stored(emu: EmulatorServer) -> dict[str, Any]:
    return dict(emu.mosaic.clients[CLIENT])


def puts(emu: EmulatorServer) -> list[dict[str, Any]]:
    return [r["body"] for r in emu.requests_of("mosaic-client-put")]


def test_adopt_puts_the_whole_token_expiration_once_and_nothing_else(server: ProviderServer,
                                                                     emulator: EmulatorServer) -> None:
    before = stored(emulator)
    id_, checked, outs = server.up({"appId": APP, "clientId": CLIENT, "accessTokenTtl": "15m"})
    assert checked["accessTokenTtl"] == 900 and id_ == f"{APP}/{CLIENT}"
    assert puts(emulator) == [{"token_expiration": {"access_token_ttl": 900, "refresh_token_ttl": 1209600,
                                                    "max_refresh_rotate": 1209600}}]
    after = stored(emulator)
    assert after["token_expiration"]["access_token_ttl"] == 900
    assert {k: v for k, v in after.items() if k != "token_expiration"} == {
        k: v for k, v in before.items() if k != "token_expiration"}
    assert outs["accessTokenTtl"] == 900 and outs["originalAccessTokenTtl"] == 3600
    assert "refreshTokenTtl" not in outs  # not managed: neither reported nor changed
    assert outs["baseUrl"] == emulator.url


def test_equal_values_send_no_put_and_session_expiration_is_a_top_level_field(server: ProviderServer,
                                                                              emulator: EmulatorServer) -> None:
    server.up({"appId": APP, "clientId": CLIENT, "accessTokenTtl": 3600, "sessionExpiration": "14d"})
    assert puts(emulator) == []
    with ProviderServer(mosaic_config(emulator), provider=ClientTokenTimeoutsProvider()) as next_run:
        next_run.up({"appId": APP, "clientId": CLIENT, "sessionExpiration": "7d"})
    assert puts(emulator) == [{"session_expiration": 604800}]


@pytest.mark.parametrize(("inputs", "prop", "words"), [
    ({"appId": APP, "clientId": CLIENT}, "accessTokenTtl", "nothing to manage"),
    ({"appId": APP, "clientId": CLIENT, "refreshTokenTtl": "30d", "maxRefreshRotate": "14d"}, "refreshTokenTtl",
     "at most maxRefreshRotate"),
    ({"appId": APP, "clientId": CLIENT, "accessTokenTtl": 0}, "accessTokenTtl", "not positive"),
    ({"appId": APP, "clientId": CLIENT, "accessTokenTtl": "6M"}, "accessTokenTtl", 'minutes as "m"'),
    ({"appId": "../x", "clientId": CLIENT, "accessTokenTtl": 900}, "appId", "is not a Mosaic id"),
    ({"clientId": CLIENT, "accessTokenTtl": 900}, "appId", "is required"),
    ({"appId": APP, "clientId": "no-such-client", "accessTokenTtl": 900}, "clientId", "no client 'no-such-client'"),
    ({"appId": "no-such-app", "clientId": CLIENT, "accessTokenTtl": 900}, "appId",
     "no application 'no-such-app'"),  # a wrong application is named, not the client it would hold
])
def test_bad_input_is_refused_at_check_with_nothing_written(server: ProviderServer, emulator: EmulatorServer,
                                                            inputs: dict[str, Any], prop: str, words: str) -> None:
    failures = dict(server.check(inputs).failures)
    assert prop in failures and words in failures[prop], failures
    assert puts(emulator) == []


def test_missing_settings_and_a_wrong_secret_name_the_config_keys(emulator: EmulatorServer) -> None:
    with ProviderServer({}, provider=ClientTokenTimeoutsProvider()) as server:
        failures = dict(server.check({"appId": APP, "clientId": CLIENT, "accessTokenTtl": 900}).failures)
    assert "idcs:mosaicBaseUrl" in failures[""] and "idcs:mosaicClientSecret" in failures[""]
    with ProviderServer(mosaic_config(emulator, "wrong"), provider=ClientTokenTimeoutsProvider()) as server:
        failures = dict(server.check({"appId": APP, "clientId": CLIENT, "accessTokenTtl": 900}).failures)
    assert "HTTP 401, error_code 401: Invalid client credentials" in failures[""]
    assert "idcs:mosaicClientSecret" in failures[""] and not any(s in failures[""] for s in demo_secrets())


def test_drift_is_an_update_that_repairs_it(server: ProviderServer, emulator: EmulatorServer) -> None:
    id_, checked, outs = server.up({"appId": APP, "clientId": CLIENT, "refreshTokenTtl": "7d"})
    drifted = {"access_token_ttl": 3600, "refresh_token_ttl": 60, "max_refresh_rotate": 1209600}
    emulator.mosaic.change_client(CLIENT, {"token_expiration": drifted})  # a portal edit
    with ProviderServer(mosaic_config(emulator), provider=ClientTokenTimeoutsProvider()) as next_run:
        assert next_run.diff(id_, outs, checked).changes == DIFF_SOME
        next_run.update(id_, outs, checked)
        assert next_run.diff(id_, outs, checked).changes == DIFF_NONE
    assert stored(emulator)["token_expiration"]["refresh_token_ttl"] == 604800


def test_answers_wrapped_in_result_are_read_too(server: ProviderServer, emulator: EmulatorServer) -> None:
    emulator.set_faults({"mosaicWrapResults": True})
    _, _, outs = server.up({"appId": APP, "clientId": CLIENT, "maxRefreshRotate": "30d"})
    assert outs["maxRefreshRotate"] == 2592000 and outs["originalMaxRefreshRotate"] == 1209600


def test_restore_on_delete_and_on_no_longer_managing(emulator: EmulatorServer) -> None:
    config = mosaic_config(emulator)
    with ProviderServer(config, provider=ClientTokenTimeoutsProvider()) as up:
        id_, checked, outs = up.up({"appId": APP, "clientId": CLIENT, "accessTokenTtl": "15m",
                                    "refreshTokenTtl": "2d", "onDelete": "restore"})
    with ProviderServer(config, provider=ClientTokenTimeoutsProvider()) as up:
        outs = up.update(id_, outs, {k: v for k, v in checked.items() if k != "refreshTokenTtl"})
    assert stored(emulator)["token_expiration"]["refresh_token_ttl"] == 1209600  # put back when un-managed
    assert outs["originalRefreshTokenTtl"] == 1209600  # and remembered
    with ProviderServer(config, provider=ClientTokenTimeoutsProvider()) as destroy:
        destroy.delete(id_, outs)
    assert stored(emulator)["token_expiration"] == {"access_token_ttl": 3600, "refresh_token_ttl": 1209600,
                                                    "max_refresh_rotate": 1209600}


@pytest.mark.parametrize("suffix", ["/cis", "/cis/v1/", "/CIS"])
def test_a_base_url_copied_from_transmits_documents_means_its_host(emulator: EmulatorServer, suffix: str) -> None:
    """Transmit's OpenAPI documents list their server as https://api.transmitsecurity.io/cis; the token endpoint
    is at the host's root, so that URL works as the host."""
    config = {**mosaic_config(emulator), "idcs:mosaicBaseUrl": emulator.url + suffix}
    with ProviderServer(config, provider=ClientTokenTimeoutsProvider()) as server:
        id_, _, outs = server.up({"appId": APP, "clientId": CLIENT, "accessTokenTtl": "15m"})
    assert id_ == f"{APP}/{CLIENT}" and outs["baseUrl"] == emulator.url


def test_a_base_url_with_no_token_endpoint_says_the_url_is_wrong(emulator: EmulatorServer) -> None:
    config = {**mosaic_config(emulator), "idcs:mosaicBaseUrl": emulator.url + "/some/proxy"}
    with ProviderServer(config, provider=ClientTokenTimeoutsProvider()) as server:
        failures = dict(server.check({"appId": APP, "clientId": CLIENT, "accessTokenTtl": 900}).failures)
    assert "no Mosaic token endpoint at " + emulator.url + "/some/proxy/oidc/token (HTTP 404)" in failures[""]
    assert "is not the Mosaic API host" in failures[""] and "mosaicClientSecret" not in failures[""]

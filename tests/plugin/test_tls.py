"""TLS: verification always on; idcs:caBundle trusts a private CA; a failure is said at once, not retried."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from certificates import self_signed
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE
from idcs_emulator import EmulatorServer
from provider_server import ProviderServer
from pulumi_idcs_provider.refresh_grant_check import RefreshGrantCheckProvider

MOBILE_CLIENT, SCOPE = "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5", "https://resource-owner.example.com/read offline_access"
MOSAIC_CLIENT, MOSAIC_SECRET = "mosaic-demo-client", "emulator-mosaic-secret-0006"


@pytest.fixture
def https_emulator(tmp_path: Path) -> Iterator[tuple[EmulatorServer, str]]:
    cert, key = self_signed(tmp_path)
    with EmulatorServer(tls=(cert, key)) as emu:
        yield emu, cert


def config(emu: EmulatorServer, **extra: str) -> dict[str, Any]:
    return {"idcs:domainUrl": emu.url, "idcs:clientId": ADMIN_ID, "idcs:clientSecret": ADMIN_SECRET, **extra}


def test_a_private_ca_is_trusted_through_ca_bundle(https_emulator: tuple[EmulatorServer, str]) -> None:
    emu, cert = https_emulator
    assert emu.url.startswith("https://")
    with ProviderServer(config(emu, **{"idcs:caBundle": cert})) as server:
        _, _, outs = server.up({"appId": MOBILE, "accessTokenExpiry": 1200})
    assert outs["accessTokenExpiry"] == 1200


def test_an_untrusted_certificate_fails_at_once_with_the_fix(https_emulator: tuple[EmulatorServer, str]) -> None:
    emu, _ = https_emulator
    with ProviderServer(config(emu)) as server:
        text = server.refused_at_check({"appId": MOBILE, "accessTokenExpiry": 1200})
    assert "TLS verification of https://127.0.0.1" in text and "idcs:caBundle" in text
    assert emu.domain.apps[MOBILE]["accessTokenExpiry"] == 3600


def test_a_refresh_check_trusts_the_ca_bundle_given_by_environment(https_emulator: tuple[EmulatorServer, str]) -> None:
    emu, cert = https_emulator
    seed = requests.post(emu.url + "/_emulator/refresh-tokens", json={"clientId": MOBILE_CLIENT, "scope": SCOPE},
                         timeout=5, verify=cert).json()["refresh_token"]
    with ProviderServer({"idcs:domainUrl": emu.url}, env={"IDCS_CA_BUNDLE": cert},
                        provider=RefreshGrantCheckProvider()) as server:
        _, _, outs = server.up({"flavor": "idcs", "clientId": MOBILE_CLIENT, "refreshToken": seed, "scope": SCOPE})
    assert outs["expiresIn"] == 3600 and outs["refreshTokenRotated"] is True


def test_the_idcs_ca_bundle_is_never_trusted_for_mosaic(https_emulator: tuple[EmulatorServer, str]) -> None:
    emu, cert = https_emulator
    seed = requests.post(emu.url + "/_emulator/mosaic/refresh-tokens", json={"clientId": MOSAIC_CLIENT},
                         timeout=5, verify=cert).json()["refresh_token"]
    inputs = {"flavor": "mosaic", "clientId": MOSAIC_CLIENT, "clientSecret": MOSAIC_SECRET, "refreshToken": seed}
    idcs_only = {"idcs:mosaicBaseUrl": emu.url, "idcs:caBundle": cert}
    with ProviderServer(idcs_only, env={"MOSAIC_CA_BUNDLE": ""}, provider=RefreshGrantCheckProvider()) as server:
        checked = server.check(inputs).inputs
        with pytest.raises(Exception) as err:
            server.create(checked)
    assert "TLS verification of https://127.0.0.1" in str(err.value) and "idcs:mosaicCaBundle" in str(err.value)
    assert emu.requests_of() == [] or all(r["kind"] != "mosaic-refresh" for r in emu.requests_of())
    with ProviderServer({**idcs_only, "idcs:mosaicCaBundle": cert},
                        provider=RefreshGrantCheckProvider()) as server:
        _, _, outs = server.up(inputs)
    assert outs["refreshTokenRotated"] is True


def test_https_to_a_server_that_speaks_plain_http_says_so(emulator: EmulatorServer) -> None:
    """Not a trust problem: the wrong scheme or port. The message must not send the user to idcs:caBundle."""
    url = emulator.url.replace("http://", "https://")
    with ProviderServer({**config(emulator), "idcs:domainUrl": url}) as server:
        text = server.refused_at_check({"appId": MOBILE, "accessTokenExpiry": 1200})
    assert f"{url} does not speak TLS (it answered in plain HTTP)" in text and "caBundle" not in text


def test_a_domain_url_with_a_path_says_what_to_write(emulator: EmulatorServer) -> None:
    url = emulator.url + "/oauth2/v1/token"
    with ProviderServer({**config(emulator), "idcs:domainUrl": url}) as server:
        text = server.refused_at_check({"appId": MOBILE, "accessTokenExpiry": 1200})
    assert f"write '{emulator.url}'" in text and "admin/v1)" not in text

"""Facts of Oracle's contract nobody here could confirm, answered both ways by the emulator: the client works
whichever way a real domain falls (docs/idcs-api.md marks each unconfirmed)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE, PARTNER, RESOURCE_OWNER
from idcs_emulator import EmulatorServer
from provider_server import ProviderServer

APPS = (RESOURCE_OWNER, PARTNER, MOBILE)


def adopt_three(stack_config: dict[str, Any]) -> None:
    """Three apps in one run: two single reads, then the rest of the run reads from a listing (a count probe,
    then pages), and each is PATCHed with the version its read gave."""
    with ProviderServer(stack_config) as server:
        for app_id in APPS[:2]:
            server.up({"__name": app_id, "appId": app_id, "accessTokenExpiry": 900})
        server.up({"__name": "third", "appDisplayName": "MobileApp", "accessTokenExpiry": 900})


@pytest.mark.parametrize("refused", [False, True])
def test_the_count_probe_works_whether_a_domain_takes_count_0_or_not(stack_config: dict[str, Any],
                                                                    emulator: EmulatorServer, refused: bool) -> None:
    emulator.set_faults({"refuseCountZero": refused})
    adopt_three(stack_config)
    assert all(emulator.domain.apps[a]["accessTokenExpiry"] == 900 for a in APPS)
    assert [r["query"].get("count") for r in emulator.requests_of("list")] == ["1", "1000"]


@pytest.mark.parametrize("bare", [False, True])
def test_a_listed_version_in_another_format_costs_one_re_read(stack_config: dict[str, Any],
                                                              emulator: EmulatorServer, bare: bool) -> None:
    """meta.version is defined to equal the ETag; where a domain spells it otherwise, If-Match fails once: one
    re-read, then this run sends no listed version to the domain (a PATCH of a listed app goes unguarded)."""
    emulator.set_faults({"bareMetaVersion": bare})
    with ProviderServer(stack_config) as server:
        for app_id in APPS[:2]:
            server.up({"__name": app_id, "appId": app_id, "accessTokenExpiry": 900})
        emulator.clear_requests()
        for name in ("MobileApp", "pulumi-admin"):  # both from the listing now
            server.up({"__name": name, "appDisplayName": name, "accessTokenExpiry": 1200})
    patches = emulator.requests_of("patch")
    assert len(patches) == (3 if bare else 2)  # the first 412 once, re-read, and the second app straight through
    assert emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 1200
    admin = next(a for a in emulator.domain.apps.values() if a["displayName"] == "pulumi-admin")
    assert admin["accessTokenExpiry"] == 1200


def test_a_filter_on_an_attribute_oracle_does_not_search_is_refused(emulator: EmulatorServer) -> None:
    token = requests.post(emulator.url + "/oauth2/v1/token", auth=(ADMIN_ID, ADMIN_SECRET), timeout=5,
                          data={"grant_type": "client_credentials", "scope": "urn:opc:idm:__myscopes__"}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    refused = requests.get(emulator.url + "/admin/v1/Apps", headers=headers, timeout=5,
                           params={"filter": "accessTokenExpiry gt 100", "attributes": "id"})
    assert refused.status_code == 400 and "not searchable" in refused.text
    ours = requests.get(emulator.url + "/admin/v1/Apps", headers=headers, timeout=5,
                        params={"filter": "(isOAuthClient eq true or isOAuthResource eq true)", "attributes": "id"})
    assert ours.status_code == 200


def test_oracles_documented_login_scope_gives_a_refresh_token(emulator: EmulatorServer) -> None:
    """`urn:opc:idm:__myscopes__ offline_access` (Oracle's documented scope for a token of the domain's own APIs
    with a refresh token) is a scope the emulator knows, so a refresh check seeded that way can be proven."""
    mobile = "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5"
    seed = requests.post(emulator.url + "/_emulator/refresh-tokens", timeout=5,
                         json={"clientId": mobile, "scope": "urn:opc:idm:__myscopes__ offline_access"})
    assert seed.status_code == 200, seed.text
    app = emulator.domain.app_named(mobile) or {}
    answer = requests.post(emulator.url + "/oauth2/v1/token", timeout=5, auth=(mobile, app.get("clientSecret", "")),
                           data={"grant_type": "refresh_token", "refresh_token": seed.json()["refresh_token"]})
    assert answer.status_code == 200 and answer.json()["refresh_token"], answer.text

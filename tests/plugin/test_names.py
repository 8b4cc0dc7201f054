"""`name` and `displayName` are `caseExact: false` in Oracle's App schema: a domain's filter matches them without
regard to case, and so must the emulator and our listing path, so that a program resolves the same way whether a
run reads apps by a filtered search or from a listing of the domain."""

from __future__ import annotations

from typing import Any

import requests
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE, PARTNER, RESOURCE_OWNER
from idcs_emulator import EmulatorServer
from provider_server import ProviderServer


def test_the_emulator_filter_ignores_case_for_names(emulator: EmulatorServer) -> None:
    token = requests.post(emulator.url + "/oauth2/v1/token", auth=(ADMIN_ID, ADMIN_SECRET), timeout=5,
                          data={"grant_type": "client_credentials", "scope": "urn:opc:idm:__myscopes__"}).json()
    found = requests.get(emulator.url + "/admin/v1/Apps", timeout=5,
                         headers={"Authorization": f"Bearer {token['access_token']}"},
                         params={"filter": 'displayName eq "mobileAPP"', "attributes": "id"}).json()
    assert [r["id"] for r in found["Resources"]] == [MOBILE]


def test_search_and_listing_resolve_a_name_the_same_way(stack_config: dict[str, Any],
                                                        emulator: EmulatorServer) -> None:
    with ProviderServer(stack_config) as search_path:
        id_, _, _ = search_path.up({"appDisplayName": "mobileapp", "accessTokenExpiry": 900})
    assert id_ == MOBILE
    assert emulator.requests_of("search")[-1]["query"]["filter"] == 'displayName eq "mobileapp"'
    emulator.clear_requests()
    with ProviderServer(stack_config) as listing_path:
        for app_id in (RESOURCE_OWNER, PARTNER):  # two single reads: the rest of the run reads from a listing
            listing_path.up({"__name": app_id, "appId": app_id, "accessTokenExpiry": 900})
        id_, _, outs = listing_path.up({"appDisplayName": "MOBILEAPP", "accessTokenExpiry": 1200})
    assert id_ == MOBILE and outs["appDisplayName"] == "MOBILEAPP"  # as the program wrote it: no diff next time
    assert "renamedTo" not in outs  # another case of the same name is no rename
    assert [r["query"].get("count") for r in emulator.requests_of("list")] == ["1", "1000"]  # probe, listing
    assert emulator.requests_of("search") == []  # the name was found in the listing
    assert not emulator.requests_of("get")[2:]  # the third app came from the listing

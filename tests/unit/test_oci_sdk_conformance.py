"""Oracle's own SDK (`oci.identity_domains`) drives the emulator: what the SDK does for Apps works, as documented.

The SDK is the client Oracle generates from the API description, so an emulator it can use speaks the wire format
(docs/idcs-api.md, "What Oracle's own SDK sends and expects"). It authenticates here with a bearer token from the
emulator's token endpoint, passed as the SDK's `signer` (any `requests` auth object).
"""

from __future__ import annotations

from collections.abc import Iterator

import oci
import pytest
import requests
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE, PARTNER
from idcs_emulator import EmulatorServer
from oci.identity_domains import IdentityDomainsClient
from oci.identity_domains.models import AppSearchRequest, Operations, PatchOp

PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
EXPIRIES = "accessTokenExpiry,refreshTokenExpiry"


class Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self.token}"
        return r


@pytest.fixture
def sdk(emulator: EmulatorServer) -> Iterator[IdentityDomainsClient]:
    token = requests.post(emulator.url + "/oauth2/v1/token", auth=(ADMIN_ID, ADMIN_SECRET), timeout=5, data={
        "grant_type": "client_credentials", "scope": "urn:opc:idm:__myscopes__"}).json()["access_token"]
    placeholders = {"user": "ocid1.user.oc1..x", "tenancy": "ocid1.tenancy.oc1..x",
                    "fingerprint": ":".join(["00"] * 16), "key_file": "/dev/null", "region": "eu-frankfurt-1"}
    yield IdentityDomainsClient(placeholders, service_endpoint=emulator.url, signer=Bearer(token),
                                retry_strategy=oci.retry.NoneRetryStrategy())


def test_get_with_attributes_returns_those_and_the_always_returned(sdk: IdentityDomainsClient,
                                                                   emulator: EmulatorServer) -> None:
    emulator.domain.change_app(MOBILE, {"meterAsOPCService": False, "serviceParams": [{"name": "p", "value": "v"}]})
    resp = sdk.get_app(MOBILE, attributes="accessTokenExpiry")
    app = resp.data
    assert (app.id, app.display_name, app.is_alias_app, app.access_token_expiry) == (MOBILE, "MobileApp", False, 3600)
    assert app.meter_as_opc_service is False and app.service_params[0].name == "p"  # returned: always
    assert app.refresh_token_expiry is None and app.name is None and app.client_secret is None
    assert app.based_on_template.value and app.meta is None and app.schemas is None
    assert resp.headers["ETag"] == 'W/"2"' and resp.request_id  # opc-request-id comes back


def test_attribute_sets_follow_each_attributes_returned_class(sdk: IdentityDomainsClient,
                                                              emulator: EmulatorServer) -> None:
    emulator.domain.change_app(PARTNER, {"tags": [{"key": "team", "value": "a"}]})  # returned: request
    always = sdk.get_app(PARTNER, attribute_sets=["always"]).data
    assert always.display_name and always.access_token_expiry is None and always.client_secret is None
    assert always.tags is None
    default = sdk.get_app(PARTNER, attribute_sets=["default"]).data
    assert default.access_token_expiry == 1800 and default.tags is None
    request = sdk.get_app(PARTNER, attribute_sets=["request"]).data
    assert request.tags[0].key == "team" and request.access_token_expiry is None
    everything = sdk.get_app(PARTNER, attribute_sets=["all"]).data
    assert everything.tags[0].key == "team" and everything.access_token_expiry == 1800
    both = sdk.get_app(PARTNER, attributes="tags", attribute_sets=["always"]).data
    assert both.tags and both.display_name and both.access_token_expiry is None


def test_meta_version_equals_the_etag(sdk: IdentityDomainsClient) -> None:
    resp = sdk.get_app(MOBILE)
    assert resp.data.meta.version == resp.headers["ETag"] and resp.data.meta.location.endswith(f"/Apps/{MOBILE}")


def test_list_filters_sorts_and_pages(sdk: IdentityDomainsClient) -> None:
    found = sdk.list_apps(filter='displayName eq "mobileapp"', attributes=EXPIRIES).data  # caseExact: false
    assert found.total_results == 1 and found.resources[0].id == MOBILE
    names = [a.display_name for a in sdk.list_apps(sort_by="displayName", sort_order="DESCENDING",
                                                   attribute_sets=["always"]).data.resources]
    assert names == sorted(names, key=str.casefold, reverse=True) and len(names) == 4
    page = sdk.list_apps(sort_by="displayName", sort_order="ASCENDING", start_index=2, count=2,
                         attributes="displayName").data
    assert [a.display_name for a in page.resources] == sorted(names, key=str.casefold)[1:3]
    assert (page.total_results, page.start_index, page.items_per_page) == (4, 2, 2)
    counted = sdk.list_apps(count=0).data
    assert counted.total_results == 4 and counted.resources == []


def test_search_takes_the_query_in_the_body(sdk: IdentityDomainsClient) -> None:
    body = AppSearchRequest(schemas=[SEARCH_SCHEMA], filter='name sw "7d1f"', attributes=["accessTokenExpiry"],
                            count=10)
    found = sdk.search_apps(app_search_request=body).data
    assert [(a.id, a.access_token_expiry, a.refresh_token_expiry) for a in found.resources] == [(MOBILE, 3600, None)]


def test_a_search_for_the_stacks_apps_by_id_as_the_client_sends_it(sdk: IdentityDomainsClient) -> None:
    """The client's batched read (IdcsClient._search_ids): `id eq` terms joined by `or`, the listing's attributes,
    `count` the number of ids; an id that names no app is simply not in the answer."""
    ids = [MOBILE, PARTNER, "0000000000000000000000000000dead"]
    body = AppSearchRequest(schemas=[SEARCH_SCHEMA], filter=" or ".join(f'id eq "{i}"' for i in ids),
                            attributes=[*EXPIRIES.split(","), "meta.version"], count=len(ids), start_index=1)
    found = sdk.search_apps(app_search_request=body).data
    assert sorted(a.id for a in found.resources) == sorted(ids[:2]) and found.total_results == 2
    assert all(a.meta.version and a.access_token_expiry for a in found.resources)


def test_patch_with_if_match_and_a_stale_etag(sdk: IdentityDomainsClient, emulator: EmulatorServer) -> None:
    etag = sdk.get_app(MOBILE, attributes="accessTokenExpiry").headers["ETag"]
    patch = PatchOp(schemas=[PATCH_SCHEMA], operations=[Operations(op="REPLACE", path="accessTokenExpiry",
                                                                   value=1800)])
    resp = sdk.patch_app(MOBILE, patch_op=patch, if_match=etag, attributes=EXPIRIES)
    assert resp.data.access_token_expiry == 1800 and resp.data.refresh_token_expiry == 604800
    assert emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 1800
    with pytest.raises(oci.exceptions.ServiceError) as err:
        sdk.patch_app(MOBILE, patch_op=patch, if_match=etag)  # the app has moved on since
    assert err.value.status == 412 and "modified since it was read" in str(err.value)


def test_errors_reach_the_sdk_with_status_and_detail(sdk: IdentityDomainsClient) -> None:
    with pytest.raises(oci.exceptions.ServiceError) as missing:
        sdk.get_app("no-such-app")
    assert missing.value.status == 404 and "no-such-app not found" in str(missing.value)
    assert missing.value.request_id  # opc-request-id on errors too
    bad = PatchOp(schemas=[PATCH_SCHEMA], operations=[Operations(op="REPLACE", path="name", value="x")])
    with pytest.raises(oci.exceptions.ServiceError) as refused:
        sdk.patch_app(MOBILE, patch_op=bad)
    assert refused.value.status == 400 and "read-only or immutable" in str(refused.value)


def test_the_never_set_adds_nothing_to_what_is_always_returned(sdk: IdentityDomainsClient) -> None:
    app = sdk.get_app(MOBILE, attribute_sets=["never"]).data
    assert (app.id, app.display_name, app.is_alias_app) == (MOBILE, "MobileApp", False)
    assert app.access_token_expiry is None and app.client_secret is None and app.name is None


def test_put_replaces_the_writable_attributes_as_whole_app_tools_do(sdk: IdentityDomainsClient,
                                                                    emulator: EmulatorServer) -> None:
    """What whole-app providers send (and this package never does): every writable attribute, read-only ones kept."""
    read = sdk.get_app(PARTNER)
    whole, etag = read.data, read.headers["ETag"]
    whole.access_token_expiry, whole.name = 900, "ignored: name is immutable"
    resp = sdk.put_app(PARTNER, app=whole, if_match=etag)
    assert resp.data.access_token_expiry == 900 and resp.data.refresh_token_expiry == 86400
    assert emulator.domain.apps[PARTNER]["name"] == "e1c3a5b7d9f14b3d5f7a9c1e3b5d7f91"
    with pytest.raises(oci.exceptions.ServiceError) as err:
        sdk.put_app(PARTNER, app=whole, if_match=etag)  # a second PUT on the first read's version
    assert err.value.status == 412


def test_the_emulator_filters_on_what_oracles_app_model_marks_searchable() -> None:
    """The searchable attributes are read from the installed SDK's App model (each property's docstring says
    `idcsSearchable: true|false`), never copied: the emulator's list must be exactly those."""
    import inspect
    import re

    from idcs_emulator.domain import SEARCHABLE
    from oci.identity_domains.models import App

    wire = App().attribute_map
    searchable = {wire[name].lower() for name, member in inspect.getmembers(App)
                  if isinstance(member, property) and name in wire
                  and re.search(r"idcsSearchable: true", member.__doc__ or "")}
    assert searchable and SEARCHABLE == searchable, (sorted(SEARCHABLE - searchable), sorted(searchable - SEARCHABLE))
    assert "accesstokenexpiry" not in searchable and "clienttype" not in searchable

"""Unit tests of the HTTP client with `responses`: request shapes, token caching, errors, retries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.utils import formatdate

import pytest
import requests
import responses
from fake_clock import EPOCH, FakeClock
from pulumi_idcs_provider.apps import AppExpiries
from pulumi_idcs_provider.client import ADMIN_SCOPE, IdcsClient
from pulumi_idcs_provider.errors import AppNotFoundError, IdcsApiError, IdcsError, ReadAfterWriteError
from pulumi_idcs_provider.pacing import RetryPolicy
from pulumi_idcs_provider.settings import from_config
from pulumi_idcs_provider.transport import Transport
from responses import matchers

DOMAIN = "https://idcs-0123.identity.oraclecloud.com"
SECRET = "s3cr3t-value-never-shown"
APP = {"id": "a1", "name": "client-1", "displayName": "One", "isAliasApp": False,
       "accessTokenExpiry": 3600, "refreshTokenExpiry": 604800, "basedOnTemplate": {"value": "CustomWebAppTemplateId"}}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(clock: FakeClock) -> IdcsClient:
    settings = from_config({"idcs:domainUrl": DOMAIN + "/", "idcs:clientId": "admin", "idcs:clientSecret": SECRET})
    transport = Transport(settings.domain_url, retry=RetryPolicy(attempts=3, base_seconds=0.01, budget_seconds=60),
                          session=requests.Session(), clock=clock)
    return IdcsClient(settings, transport)


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.post(DOMAIN + "/oauth2/v1/token", json={"access_token": "tok-1", "expires_in": 3600},
                  match=[matchers.urlencoded_params_matcher({"grant_type": "client_credentials",
                                                             "scope": ADMIN_SCOPE})])
        yield rsps


def scim_error(status: int, message_id: str, detail: str) -> dict[str, object]:
    return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": str(status), "detail": detail,
            "urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error": {"messageId": message_id}}


def test_token_uses_basic_auth_and_is_cached(client: IdcsClient, mocked: responses.RequestsMock) -> None:
    mocked.get(DOMAIN + "/admin/v1/Apps/a1", json=APP)
    client.get_app("a1", "One")
    client.get_app("a1", "One")
    token_calls = [c for c in mocked.calls if c.request.url.endswith("/oauth2/v1/token")]
    assert len(token_calls) == 1
    assert token_calls[0].request.headers["Authorization"].startswith("Basic ")
    app_call = next(c for c in mocked.calls if "/Apps/" in c.request.url)
    assert app_call.request.headers["Authorization"] == "Bearer tok-1"
    assert "attributes=id%2Cname%2CdisplayName%2CaccessTokenExpiry%2CrefreshTokenExpiry" in app_call.request.url


def test_patch_sends_integers_and_if_match(client: IdcsClient, mocked: responses.RequestsMock) -> None:
    mocked.patch(DOMAIN + "/admin/v1/Apps/a1", json={**APP, "accessTokenExpiry": 900})
    app = AppExpiries.model_validate({**APP, "etag": 'W/"3"'})
    client.patch_app(app, {"accessTokenExpiry": 900.0}, "One")  # type: ignore[dict-item]
    call = mocked.calls[-1].request
    body = json.loads(call.body)
    assert body == {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [{"op": "replace", "path": "accessTokenExpiry", "value": 900}]}
    raw = call.body.decode() if isinstance(call.body, bytes) else str(call.body)
    assert '"value": 900}' in raw  # a JSON integer, never 900.0
    assert call.headers["If-Match"] == 'W/"3"'


def test_scim_error_names_app_status_message_id_and_detail(client: IdcsClient,
                                                            mocked: responses.RequestsMock) -> None:
    mocked.patch(DOMAIN + "/admin/v1/Apps/a1", status=400, headers={"X-ORACLE-DMS-ECID": "ecid-42"},
                 json=scim_error(400, "error.common.validation.invalidValue", "Invalid value for accessTokenExpiry"))
    with pytest.raises(IdcsApiError) as err:
        client.patch_app(AppExpiries.model_validate(APP), {"accessTokenExpiry": 900}, "'One' (id a1)")
    text = str(err.value)
    assert text == ("IDCS refused to update app 'One' (id a1): HTTP 400, messageId "
                    "error.common.validation.invalidValue, Invalid value for accessTokenExpiry (ECID ecid-42, quote "
                    "it to Oracle support)")
    assert SECRET not in text and "tok-1" not in text


def test_clamped_value_is_an_error_naming_both_values(client: IdcsClient, mocked: responses.RequestsMock) -> None:
    mocked.patch(DOMAIN + "/admin/v1/Apps/a1", json={**APP, "refreshTokenExpiry": 86400})
    with pytest.raises(ReadAfterWriteError, match="refreshTokenExpiry: sent 1209600, IDCS answered 86400"):
        client.patch_app(AppExpiries.model_validate(APP), {"refreshTokenExpiry": 1209600}, "One")


def test_filter_escapes_quotes_and_backslashes(client: IdcsClient, mocked: responses.RequestsMock) -> None:
    mocked.get(DOMAIN + "/admin/v1/Apps", json={"Resources": [APP], "totalResults": 1},
               match=[matchers.query_param_matcher({"filter": 'displayName eq "a\\"b\\\\c"', "count": "2",
                                                    "attributes": "id,name,displayName,accessTokenExpiry,"
                                                                  "refreshTokenExpiry,active,meta.lastModified,"
                                                                  "idcsLastModifiedBy"})])
    assert client.find_app("displayName", 'a"b\\c', "x").id == "a1"


def test_no_match_is_a_clear_not_found(client: IdcsClient, mocked: responses.RequestsMock) -> None:
    mocked.get(DOMAIN + "/admin/v1/Apps", json={"Resources": [], "totalResults": 0})
    with pytest.raises(AppNotFoundError, match=r"no app in https://idcs-0123\.identity\S+ has name 'nope'"):
        client.find_app("name", "nope", "x")


def test_401_renews_the_token_once(client: IdcsClient, mocked: responses.RequestsMock) -> None:
    mocked.get(DOMAIN + "/admin/v1/Apps/a1", status=401, json=scim_error(401, "error.common.common.accessDenied", "x"))
    mocked.get(DOMAIN + "/admin/v1/Apps/a1", json=APP)
    assert client.get_app("a1", "One") is not None
    assert sum(c.request.url.endswith("/token") for c in mocked.calls) == 2


def test_429_and_503_are_retried_honouring_retry_after(client: IdcsClient, mocked: responses.RequestsMock,
                                                        clock: FakeClock) -> None:
    mocked.get(DOMAIN + "/admin/v1/Apps/a1", status=429, headers={"Retry-After": "7"})
    mocked.get(DOMAIN + "/admin/v1/Apps/a1", status=503, headers={"Retry-After": formatdate(EPOCH + 7 + 3,
                                                                                             usegmt=True)})
    mocked.get(DOMAIN + "/admin/v1/Apps/a1", json=APP)
    assert client.get_app("a1", "One") is not None
    assert clock.sleeps == [7.0, 3.0]  # seconds, then an HTTP date: 3 s after the 7 s already waited


def test_without_retry_after_the_backoff_is_short_and_jittered(client: IdcsClient, mocked: responses.RequestsMock,
                                                               clock: FakeClock) -> None:
    mocked.get(DOMAIN + "/admin/v1/Apps/a1", status=502)
    mocked.get(DOMAIN + "/admin/v1/Apps/a1", status=504)
    mocked.get(DOMAIN + "/admin/v1/Apps/a1", json=APP)
    assert client.get_app("a1", "One") is not None
    assert len(clock.sleeps) == 2 and clock.sleeps[0] <= 0.01 and clock.sleeps[1] <= 0.02


def test_a_retry_after_past_the_budget_gives_up_with_the_status(client: IdcsClient, mocked: responses.RequestsMock,
                                                                clock: FakeClock) -> None:
    mocked.get(DOMAIN + "/admin/v1/Apps/a1", status=429, headers={"Retry-After": "3600"},
               json=scim_error(429, "error.common.common.tooManyRequests", "Too many requests."))
    with pytest.raises(IdcsError) as err:
        client.get_app("a1", "One")
    assert clock.sleeps == []  # an hour is past the 60 s budget: no point waiting
    assert str(err.value).startswith(f"could not read app One: throttled by {DOMAIN} (HTTP 429) on 1 attempts over "
                                     "0 s; it asked to wait 3600 s more, beyond the retry budget of 60 s. Nothing was "
                                     "changed by the throttled request")


def test_404_and_400_are_not_retried(client: IdcsClient, mocked: responses.RequestsMock) -> None:
    mocked.get(DOMAIN + "/admin/v1/Apps/a1", status=400, json=scim_error(400, "m", "bad"))
    with pytest.raises(IdcsApiError):
        client.get_app("a1", "One")
    assert sum("/Apps/a1" in c.request.url for c in mocked.calls) == 1


def test_retries_are_bounded(client: IdcsClient, mocked: responses.RequestsMock) -> None:
    mocked.get(DOMAIN + "/admin/v1/Apps/a1", body=requests.ConnectionError("reset by peer"))
    with pytest.raises(IdcsError) as err:
        client.get_app("a1", "One")
    assert str(err.value).startswith("could not read app One: no answer after sending (ConnectionError) from "
                                     "https://idcs-0123.identity.")
    assert "on 3 attempts" in str(err.value)


def test_bad_admin_credentials_say_which_settings(client: IdcsClient) -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(DOMAIN + "/oauth2/v1/token", status=401,
                  json={"error": "invalid_client", "error_description": "Client authentication failed."})
        with pytest.raises(IdcsError) as err:
            client.get_app("a1", "One")
    assert "invalid_client" in str(err.value) and "idcs:clientSecret" in str(err.value)
    assert SECRET not in str(err.value)


def test_repr_of_settings_and_client_hides_the_secret(client: IdcsClient) -> None:
    assert SECRET not in repr(client.settings) and SECRET not in repr(client) and SECRET not in str(client.settings)


def test_a_throttled_token_request_is_reported_as_throttling_not_as_bad_credentials(
        client: IdcsClient, clock: FakeClock) -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(DOMAIN + "/oauth2/v1/token", status=429, headers={"Retry-After": "300"})
        with pytest.raises(IdcsError) as err:
            client.get_app("a1", "One")
    assert str(err.value).startswith(f"could not read app One: throttled by {DOMAIN} (HTTP 429)")
    assert "asked to wait 300 s more" in str(err.value) and "idcs:clientSecret" not in str(err.value)
    assert clock.sleeps == []

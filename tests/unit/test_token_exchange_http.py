"""Unit tests of the refresh exchange per flavor with `responses`: request shapes, errors, no unsafe retries."""

from __future__ import annotations

import pytest
import requests
import responses
from idcs_emulator import EmulatorServer
from pulumi_idcs_provider.context import Context
from pulumi_idcs_provider.refresh_grant_check import _transports
from pulumi_idcs_provider.token_exchange import Exchange, ExchangeError, exchange
from responses import matchers

RT = "rt-secret-value-1"
SECRET = "client-secret-value-2"


def test_idcs_uses_basic_auth_and_the_refresh_grant() -> None:
    ex = Exchange("idcs", "cid", SECRET, RT, "https://idcs-1.example.com/oauth2/v1/token", scope="urn:x/read")
    with responses.RequestsMock() as rsps:
        rsps.post(ex.url, json={"access_token": "at", "token_type": "Bearer", "expires_in": 900,
                                "refresh_token": "rt-2"},
                  match=[matchers.urlencoded_params_matcher({"grant_type": "refresh_token", "refresh_token": RT,
                                                             "scope": "urn:x/read"})])
        answer = exchange(ex)
        assert rsps.calls[0].request.headers["Authorization"].startswith("Basic ")
    assert (answer.expires_in, answer.refresh_token, answer.token_type) == (900, "rt-2", "Bearer")


def test_public_oauth2_client_sends_its_id_in_the_body() -> None:
    ex = Exchange("oauth2", "public-app", None, RT, "https://as.example.com/token")
    with responses.RequestsMock() as rsps:
        rsps.post(ex.url, json={"access_token": "at", "expires_in": "60"},
                  match=[matchers.urlencoded_params_matcher({"grant_type": "refresh_token", "refresh_token": RT,
                                                             "client_id": "public-app"})])
        answer = exchange(ex)
        assert "Authorization" not in rsps.calls[0].request.headers
    assert answer.expires_in == 60 and answer.refresh_token is None


def test_mosaic_gets_a_client_token_then_refreshes_with_it() -> None:
    ex = Exchange("mosaic", "m-client", SECRET, RT, "https://api.sbx.transmitsecurity.io")
    with responses.RequestsMock() as rsps:
        rsps.post(ex.url + "/oidc/token", json={"access_token": "client-at"},
                  match=[matchers.urlencoded_params_matcher({"grant_type": "client_credentials",
                                                             "client_id": "m-client", "client_secret": SECRET})])
        rsps.post(ex.url + "/cis/v1/auth/token/refresh", json={"access_token": "at", "refresh_token": "rt-2",
                                                                "expires_in": 3600, "token_type": "Bearer"},
                  match=[matchers.json_params_matcher({"refresh_token": RT}),
                         matchers.header_matcher({"Authorization": "Bearer client-at"})])
        assert exchange(ex).refresh_token == "rt-2"


@pytest.mark.parametrize(("flavor", "status", "body", "words"), [
    ("idcs", 400, {"error": "invalid_grant", "error_description": "The refresh token is invalid."},
     "HTTP 400, invalid_grant: The refresh token is invalid."),
    ("oauth2", 401, {"error": "invalid_client"}, "HTTP 401, invalid_client"),
    ("idcs", 502, "<html>bad gateway</html>", "HTTP 502, no error description"),
])
def test_refusals_name_client_flavor_status_and_reason(flavor: str, status: int, body: object, words: str) -> None:
    ex = Exchange(flavor, "cid", SECRET, RT, "https://as.example.com/token")
    with responses.RequestsMock() as rsps:
        kwargs = {"json": body} if isinstance(body, dict) else {"body": str(body)}
        rsps.post(ex.url, status=status, **kwargs)  # type: ignore[arg-type]
        with pytest.raises(ExchangeError) as err:
            exchange(ex)
    text = str(err.value)
    assert f"client 'cid' ({flavor})" in text and words in text
    assert RT not in text and SECRET not in text


def test_mosaic_message_lists_are_joined() -> None:
    ex = Exchange("mosaic", "m", SECRET, RT, "https://api.example.com")
    with responses.RequestsMock() as rsps:
        rsps.post(ex.url + "/oidc/token", json={"access_token": "c"})
        rsps.post(ex.url + "/cis/v1/auth/token/refresh", status=400,
                  json={"message": ["refresh_token must be a string"], "error_code": 400})
        with pytest.raises(ExchangeError, match="HTTP 400, refresh_token must be a string"):
            exchange(ex)


def test_a_dropped_connection_is_not_retried() -> None:
    ex = Exchange("idcs", "cid", SECRET, RT, "https://as.example.com/token")
    with responses.RequestsMock() as rsps:
        rsps.post(ex.url, body=requests.ConnectionError("reset"))
        with pytest.raises(ExchangeError, match=r"not resent, as the server may have processed it\. If it did"):
            exchange(ex)
        assert len(rsps.calls) == 1


def test_429_is_retried_because_nothing_was_spent() -> None:
    ex = Exchange("idcs", "cid", SECRET, RT, "https://as.example.com/token")
    with responses.RequestsMock() as rsps:
        rsps.post(ex.url, status=429, headers={"Retry-After": "0"})
        rsps.post(ex.url, json={"access_token": "at", "expires_in": 5})
        assert exchange(ex).expires_in == 5


def test_repr_hides_secrets() -> None:
    ex = Exchange("idcs", "cid", SECRET, RT, "https://as.example.com/token")
    assert repr(ex) == "Exchange(flavor='idcs', client_id='cid', url='https://as.example.com/token')"
    assert str(ex) == repr(ex) and SECRET not in f"{ex!r} {ex}" and RT not in f"{ex!r} {ex}"


def test_a_throttled_exchange_says_the_token_was_not_spent() -> None:
    ex = Exchange("idcs", "cid", SECRET, RT, "https://idcs-1.example.com/oauth2/v1/token")
    with responses.RequestsMock() as rsps:
        rsps.post(ex.url, status=429, headers={"Retry-After": "120"})
        with pytest.raises(ExchangeError) as err:
            exchange(ex)
    assert "asked to wait 120 s more, beyond the retry budget of 90 s" in str(err.value)
    assert "The refresh token was not spent" in str(err.value) and RT not in str(err.value)


def test_a_scim_error_keeps_its_message_id_detail_and_ecid() -> None:
    ex = Exchange("idcs", "cid", SECRET, RT, "https://idcs-1.example.com/oauth2/v1/token")
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "403", "detail": "Access denied.",
            "urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error": {"messageId": "error.common.denied"}}
    with responses.RequestsMock() as rsps:
        rsps.post(ex.url, status=403, json=body, headers={"X-ORACLE-DMS-ECID": "ecid-123"})
        with pytest.raises(ExchangeError) as err:
            exchange(ex)
    assert str(err.value) == ("refresh grant check for client 'cid' (idcs): could not refresh: HTTP 403, messageId "
                              "error.common.denied, Access denied. (ECID ecid-123, quote it to Oracle support)")


def test_a_token_url_answering_html_gets_a_hint() -> None:
    ex = Exchange("oauth2", "cid", SECRET, RT, "https://as.example.com/login")
    with responses.RequestsMock() as rsps:
        rsps.post(ex.url, body="<html>sign in</html>", content_type="text/html")
        with pytest.raises(ExchangeError, match=r"the answer is text/html, not JSON\. Is the URL the token endpoint"):
            exchange(ex)


def test_an_idcs_exchange_goes_through_the_connections_paced_transport(
        stack_config: dict[str, object], emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = Context(stack_config)
    token_url = emulator.url + "/oauth2/v1/token"
    transports = _transports(ctx, "idcs", True)
    shared = transports(token_url)
    assert shared is ctx.idcs().transport and shared._limiter is not None
    sent: list[tuple[str, str]] = []
    request = shared.request
    monkeypatch.setattr(shared, "request", lambda m, p, **k: sent.append((m, p)) or request(m, p, **k))
    seed = requests.post(emulator.url + "/_emulator/refresh-tokens", timeout=5, json={
        "clientId": "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5",
        "scope": "https://resource-owner.example.com/read offline_access"})
    answer = exchange(Exchange("idcs", "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5", None, seed.json()["refresh_token"],
                               token_url, transports=transports))
    assert answer.expires_in == 3600 and sent == [("POST", "/oauth2/v1/token")]
    other = _transports(ctx, "oauth2", True)(token_url)  # no connection of its own: the context's one per host
    assert other is not shared and other is _transports(ctx, "oauth2", True)(emulator.url + "/other")

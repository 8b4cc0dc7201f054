"""Each fault the emulator can inject, and what the provider does about it (through the real provider server).

Every error text produced here is also scanned for secrets.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.utils import formatdate
from typing import Any

import grpc
import pytest
from conftest import ADMIN_SECRET, MOBILE, RESOURCE_OWNER, demo_secrets
from fake_clock import RecordingClock
from idcs_emulator import EmulatorServer
from provider_server import ProviderServer
from pulumi_idcs_provider.client import IdcsClient
from pulumi_idcs_provider.settings import from_config
from pulumi_idcs_provider.transport import Transport

INPUTS = {"appId": MOBILE, "accessTokenExpiry": 1800, "refreshTokenExpiry": 86400, "onDelete": "retain"}


@pytest.fixture
def server(stack_config: dict[str, Any], emulator: EmulatorServer) -> Iterator[ProviderServer]:
    with ProviderServer(stack_config) as srv:
        yield srv
    for secret in [*demo_secrets(), *emulator.domain.tokens]:  # nothing leaks into the provider's log either
        assert secret not in srv.stderr


def fail(server: ProviderServer, emu: EmulatorServer, call: Any) -> str:
    """Run a provider call that must fail; return its error text after checking it leaks nothing."""
    with pytest.raises(grpc.RpcError) as err:
        call()
    text = str(err.value.details())  # type: ignore[attr-defined]
    for secret in [*demo_secrets(), *emu.domain.tokens, ADMIN_SECRET]:
        assert secret not in text
    assert "Bearer" not in text and "Basic " not in text
    return text


def kinds(emu: EmulatorServer) -> list[str]:
    return [r["kind"] for r in emu.requests_of()]


def test_latency_is_tolerated(server: ProviderServer, emulator: EmulatorServer) -> None:
    emulator.set_faults({"latencyMs": 200})
    started = time.monotonic()
    server.up(INPUTS)
    assert time.monotonic() - started >= 0.2 * len(kinds(emulator))
    assert emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 1800


@pytest.mark.parametrize("retry_after", ["1", None])
def test_429_is_retried_honouring_retry_after(server: ProviderServer, emulator: EmulatorServer,
                                              retry_after: str | None) -> None:
    emulator.set_faults({"queue": [{"method": "GET", "path": "/admin/v1/Apps", "status": 429,
                                    "retryAfter": retry_after}]})
    started = time.monotonic()
    server.up(INPUTS)
    assert kinds(emulator) == ["token", "get", "get", "patch"]
    if retry_after:
        assert time.monotonic() - started >= 1.0


def client_with(config: dict[str, Any], clock: RecordingClock) -> IdcsClient:
    settings = from_config(config)
    return IdcsClient(settings, Transport(settings.domain_url, per_second=settings.max_requests_per_second,
                                          clock=clock))


def test_rate_limit_in_http_date_form(emulator: EmulatorServer, stack_config: dict[str, Any]) -> None:
    emulator.set_faults({"queue": [{"method": "GET", "status": 429, "retryAfter": formatdate(time.time() + 2,
                                                                                             usegmt=True)}]})
    clock = RecordingClock()
    assert client_with(stack_config, clock).get_app(MOBILE, "m") is not None
    waits = [s for s in clock.sleeps if s > 0.5]  # the rate limiter's own waits are far shorter
    assert len(waits) == 1 and 0.5 < waits[0] <= 2.0  # the date has whole seconds: 1 to 2 s away when sent


def test_503_on_patch_is_retried_and_lands_once(server: ProviderServer, emulator: EmulatorServer) -> None:
    emulator.set_faults({"queue": [{"method": "PATCH", "status": 503, "count": 2}]})
    server.up(INPUTS)
    assert kinds(emulator).count("patch") == 3
    assert emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 1800


def test_dropped_connection_is_retried(server: ProviderServer, emulator: EmulatorServer) -> None:
    emulator.set_faults({"queue": [{"method": "GET", "path": "/admin/v1/Apps", "drop": True}]})
    server.up(INPUTS)
    assert kinds(emulator).count("get") == 2


def test_persistent_gateway_errors_give_up_with_a_clear_message(server: ProviderServer,
                                                                emulator: EmulatorServer) -> None:
    emulator.set_faults({"queue": [{"method": "GET", "path": "/admin/v1/Apps", "status": 502, "count": 50}]})
    text = server.refused_at_check(INPUTS)  # a new resource's app is read at check: preview already fails
    assert ": IDCS refused to read app with id '5b0c1b7e6a2d4f8e9c3a1d2e4f6a8b0c': HTTP 502" in text
    assert kinds(emulator).count("get") == 5  # bounded
    assert emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 3600


def test_404_and_400_are_not_retried(server: ProviderServer, emulator: EmulatorServer) -> None:
    text = server.refused_at_check({**INPUTS, "appId": "doesnotexist"})
    assert "appId: no app with id 'doesnotexist'" in text
    assert kinds(emulator).count("get") == 1
    emulator.clear_requests()
    emulator.set_faults({"queue": [{"method": "PATCH", "status": 400}]})
    text = fail(server, emulator, lambda: server.create(server.check(INPUTS).inputs))
    assert "HTTP 400, messageId emulator.fault.400, Injected fault." in text
    assert kinds(emulator).count("patch") == 1


def test_clamping_server_is_an_error_naming_both_values(server: ProviderServer, emulator: EmulatorServer) -> None:
    emulator.set_faults({"clamp": {"refreshTokenExpiry": 43200}})
    text = fail(server, emulator, lambda: server.create(server.check(INPUTS).inputs))
    assert "refreshTokenExpiry: sent 86400, IDCS answered 43200" in text
    assert "did not store the values sent" in text


def test_concurrent_change_is_reread_and_retried_once(server: ProviderServer, emulator: EmulatorServer) -> None:
    emulator.set_faults({"queue": [{"method": "PATCH", "concurrentChange": True}]})
    server.up(INPUTS)
    assert kinds(emulator) == ["token", "get", "patch", "get", "patch"]
    assert emulator.requests_of("patch")[0]["headers"]["If-Match"] == 'W/"1"'
    assert emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 1800


def test_repeated_concurrent_change_fails_saying_so(server: ProviderServer, emulator: EmulatorServer) -> None:
    emulator.set_faults({"queue": [{"method": "PATCH", "concurrentChange": True, "count": 2}]})
    text = fail(server, emulator, lambda: server.create(server.check(INPUTS).inputs))
    assert "was changed by someone else while this run updated it" in text


def test_no_etag_means_no_if_match(server: ProviderServer, emulator: EmulatorServer) -> None:
    emulator.set_faults({"etags": False})
    server.up(INPUTS)
    assert "If-Match" not in emulator.requests_of("patch")[0]["headers"]


def test_expired_admin_token_is_renewed_once(server: ProviderServer, emulator: EmulatorServer) -> None:
    server.up(INPUTS)
    emulator.clear_requests()
    emulator.set_faults({"queue": [{"method": "GET", "expireTokens": True}]})
    server.up({**INPUTS, "appId": RESOURCE_OWNER})
    assert kinds(emulator) == ["get", "token", "get", "patch"]


def test_wrong_admin_secret_names_the_settings(emulator: EmulatorServer, stack_config: dict[str, Any]) -> None:
    with ProviderServer({**stack_config, "idcs:clientSecret": "wrong-secret-value"}) as srv:
        text = fail(srv, emulator, lambda: srv.create(srv.check(INPUTS).inputs))
    assert "could not get a token: HTTP 401, invalid_client" in text and "idcs:clientSecret" in text
    assert "wrong-secret-value" not in text


def test_missing_credentials_name_keys_and_variables(emulator: EmulatorServer) -> None:
    with ProviderServer({"idcs:domainUrl": emulator.url}, env={"IDCS_CLIENT_ID": "", "IDCS_CLIENT_SECRET": ""}) as srv:
        text = fail(srv, emulator, lambda: srv.create(srv.check(INPUTS).inputs))
    assert "idcs:clientId (or $IDCS_CLIENT_ID)" in text and "idcs:clientSecret (or $IDCS_CLIENT_SECRET)" in text
    assert emulator.requests_of() == []


def test_client_rate_limit_keeps_under_the_domain_limit(emulator: EmulatorServer,
                                                        stack_config: dict[str, Any]) -> None:
    """The domain answers 429 past 5 requests in any second; the client, told the limit, never meets one."""
    emulator.set_faults({"rateLimit": {"perSecond": 5}})
    clock = RecordingClock()
    client = client_with({**stack_config, "idcs:maxRequestsPerSecond": "5"}, clock)
    app = client.get_app(MOBILE, "m")
    assert app is not None
    for i in range(14):  # PATCHes always go out (reads may be answered from a listing)
        app = client.patch_app(app, {"accessTokenExpiry": 1000 + i}, "m")
    assert [r["status"] for r in emulator.requests_of()].count(429) == 0
    assert len(emulator.requests_of()) == 16  # token, GET and 14 PATCHes: no retry was needed
    assert len(clock.sleeps) >= 12  # it was the pacing that kept it under: it waited before nearly every one


def test_interrupted_after_patch_converges_next_run(server: ProviderServer, emulator: EmulatorServer,
                                                    stack_config: dict[str, Any]) -> None:
    """The PATCH landed but the engine never stored state (the CLI was killed): the next run just adopts."""
    checked = server.check(INPUTS).inputs
    server.create(checked)  # outputs lost with the killed run
    emulator.clear_requests()
    with ProviderServer(stack_config) as next_run:
        _, outs = next_run.create(checked)
    assert kinds(emulator) == ["token", "get"]  # nothing left to PATCH
    assert outs["accessTokenExpiry"] == 1800

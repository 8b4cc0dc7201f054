"""Bad input is refused at check, property by property, with the fix in the message and nothing sent."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE
from idcs_emulator import EmulatorServer
from provider_server import ProviderServer
from pulumi_idcs_provider.app_token_expiry import IMPLEMENTATION as app_tokens
from pulumi_idcs_provider.context import Context
from pulumi_idcs_provider.validation import NAME_KEY

# (inputs, failing property, words the reason must contain)
BAD = [
    ({"appId": MOBILE, "accessTokenExpiry": -5}, "accessTokenExpiry", "access tokens must live between 60 s"),
    ({"appId": MOBILE, "accessTokenExpiry": 0}, "accessTokenExpiry", "0 is 0 s, but access tokens must"),
    ({"appId": MOBILE, "refreshTokenExpiry": -5}, "refreshTokenExpiry", "refresh tokens must live at least 60 s"),
    ({"appId": MOBILE, "accessTokenExpiry": "0s"}, "accessTokenExpiry", "not positive"),
    ({"appId": MOBILE, "accessTokenExpiry": 3600.5}, "accessTokenExpiry", "not a whole number"),
    ({"appId": MOBILE, "accessTokenExpiry": True}, "accessTokenExpiry", "boolean"),
    ({"appId": MOBILE, "accessTokenExpiry": "1 hour"}, "accessTokenExpiry", "not a duration"),
    ({"appId": MOBILE, "accessTokenExpiry": "P1M"}, "accessTokenExpiry", "use days"),
    ({"appId": MOBILE, "accessTokenExpiry": "6M"}, "accessTokenExpiry", 'minutes as "m"'),
    ({"appId": MOBILE, "accessTokenExpiry": 30}, "accessTokenExpiry", "between 60 s"),
    ({"appId": MOBILE, "accessTokenExpiry": "400d"}, "accessTokenExpiry", "between 60 s (1m) and 31536000 s"),
    ({"appId": MOBILE, "refreshTokenExpiry": 7}, "refreshTokenExpiry", 'did you mean "7d"'),
    ({"appId": MOBILE, "accessTokenExpiry": 2**40}, "accessTokenExpiry", "longest lifetime an integer attribute"),
    ({"appId": MOBILE, "accessTokenExpiry": "2h", "refreshTokenExpiry": "1h"}, "refreshTokenExpiry",
     "at least accessTokenExpiry"),
    ({"accessTokenExpiry": 3600}, "appId", "exactly one of appId"),
    ({"appId": MOBILE, "appName": "x", "accessTokenExpiry": 3600}, "appName", "exactly one app identifier"),
    ({"appId": MOBILE}, "accessTokenExpiry", "nothing to manage"),
    ({"appId": "../Users", "accessTokenExpiry": 3600}, "appId", "not a plain IDCS app id"),
    ({"appId": "a b", "accessTokenExpiry": 3600}, "appId", "not a plain IDCS app id"),
    ({"appId": "https://x/y", "accessTokenExpiry": 3600}, "appId", "not a plain IDCS app id"),
    ({"appName": "   ", "accessTokenExpiry": 3600}, "appName", "not an app name"),
    ({"appId": MOBILE, "accessTokenExpiry": 3600, "onDelete": "destroy"}, "onDelete", '"retain"'),
]


@pytest.fixture(scope="module")
def module_emulator() -> Any:
    with EmulatorServer() as emu:
        yield emu


@pytest.fixture(scope="module")
def server(module_emulator: EmulatorServer) -> Any:
    config = {"idcs:domainUrl": module_emulator.url, "idcs:clientId": ADMIN_ID, "idcs:clientSecret": ADMIN_SECRET}
    with ProviderServer(config) as srv:
        yield srv


@pytest.mark.parametrize(("inputs", "prop", "words"), BAD, ids=[f"{b[1]}:{b[2]}" for b in BAD])
def test_bad_input_fails_check_naming_the_property(server: ProviderServer, module_emulator: EmulatorServer,
                                                   inputs: dict[str, Any], prop: str, words: str) -> None:
    result = server.check(inputs)
    reasons = {p: r for p, r in result.failures}
    assert prop in reasons, result.failures
    assert words in reasons[prop]
    assert module_emulator.requests_of() == []  # nothing reached the tenant


@pytest.mark.parametrize(("given", "seconds"), [
    (3600, 3600), (3600.0, 3600), ("3600", 3600), ("90s", 90), ("15m", 900), ("1h", 3600), ("7d", 604800),
    ("2w", 1209600), ("1h30m", 5400), ("PT1H", 3600), ("P7D", 604800), ("P1W", 604800), ("PT1H30M", 5400)])
def test_durations_become_whole_seconds(server: ProviderServer, given: object, seconds: int) -> None:
    result = server.check({"appId": MOBILE, "accessTokenExpiry": 60, "refreshTokenExpiry": given})
    assert result.failures == []  # both given: the live access lifetime (1h) does not bound the refresh one
    assert result.inputs["refreshTokenExpiry"] == seconds
    assert result.inputs["onDelete"] == "retain"


def test_every_resource_checks_alike_after_a_failure() -> None:
    """One way to check: a failed property keeps what the user wrote, unknowns pass through, and the rules across
    properties still run on the rest (each resource used to do this its own way)."""
    from pulumi.output import Unknown
    from pulumi_idcs_provider import refresh_grant_check
    from pulumi_idcs_provider.mosaic_timeouts import IMPLEMENTATION as client_timeouts
    from pulumi_idcs_provider.stack_config import StackSettings

    checked, failures = client_timeouts.target.check_inputs({"appId": "a", "clientId": "c", "accessTokenTtl": "banana",
                                                      "refreshTokenTtl": "30d", "maxRefreshRotate": "7d",
                                                      "sessionExpiration": Unknown()})
    assert [f.property for f in failures] == ["accessTokenTtl", "refreshTokenTtl"]
    assert checked["accessTokenTtl"] == "banana" and checked["refreshTokenTtl"] == 2592000
    assert isinstance(checked["sessionExpiration"], Unknown)
    checked, failures = refresh_grant_check._check({"flavor": "oauth2", "clientId": "c", "refreshToken": "r",
                                                    "recheckAfter": "soon"}, StackSettings({}, {}))
    assert [f.property for f in failures] == ["recheckAfter", "tokenUrl"] and checked["recheckAfter"] == "soon"


@pytest.mark.parametrize(("inputs", "config", "expected"), [
    ({"appId": "0123456789abcdef0123456789abcdef", "accessTokenExpiry": 900}, {}, "no app with id"),
    ({"appName": "no-such-client", "accessTokenExpiry": 900}, {}, "no app in"),
    ({"appId": MOBILE, "connection": "eu", "accessTokenExpiry": 900}, {},
     "no connection 'eu': set idcs:connections.eu.domainUrl"),
    ({"appId": MOBILE, "accessTokenExpiry": 900}, {"idcs:clientSecret": None},
     "missing IDCS connection settings: idcs:clientSecret"),
    ({"appId": MOBILE, "accessTokenExpiry": 900}, {"idcs:domainUrl": "http://idcs-0123.identity.oraclecloud.com"},
     "uses plain http for a non-loopback host"),
], ids=["unknown-id", "unknown-name", "no-connection", "no-secret", "http-remote"])
def test_a_new_resource_is_refused_at_check_what_create_would_refuse(
        emulator: EmulatorServer, stack_config: dict[str, Any], inputs: dict[str, Any], config: dict[str, Any],
        expected: str) -> None:
    """In-process, against an explicit context: what the preview shows through either door (the engine tests
    prove one refusal of each kind reaches the CLI)."""
    ctx = Context({k: v for k, v in {**stack_config, **config}.items() if v is not None}, environ={})
    failures = app_tokens.check(ctx, {}, {**inputs, NAME_KEY: "mobile"}).failures
    assert any(expected in f.reason for f in failures), failures
    assert emulator.requests_of("patch") == []


def test_a_refresh_lifetime_alone_is_judged_against_the_live_access_lifetime(server: ProviderServer) -> None:
    failures = dict(server.check({"appId": MOBILE, "refreshTokenExpiry": "15m"}).failures)
    assert "accessTokenExpiry as the app holds it now" in failures["refreshTokenExpiry"]

"""The CrossGuard rules, one by one, on engine-shaped properties (checked inputs, numbers as floats)."""

from __future__ import annotations

import json
from pathlib import Path

from pulumi_idcs_policy.rules import (
    DEFAULT_MOSAIC_BOUNDS,
    StackResource,
    bounds_violations,
    ordering_violations,
    shared_apps,
    unchecked_apps,
)

DEFAULTS: dict[str, str] = {}  # no policy config: the definitions' defaults
APP_TYPE, NATIVE_APP_TYPE = "pulumi-python:dynamic/idcs:AppTokenExpiry", "idcs:index:AppTokenExpiry"
CHECK_TYPE, NATIVE_CHECK_TYPE = "pulumi-python:dynamic/idcs:RefreshGrantCheck", "idcs:index:RefreshGrantCheck"


def test_default_bounds_accept_common_values() -> None:
    assert bounds_violations({"accessTokenExpiry": 3600.0, "refreshTokenExpiry": 604800.0}, DEFAULTS) == []


def test_bounds_name_the_property_and_the_allowed_range() -> None:
    found = bounds_violations({"accessTokenExpiry": 172800.0, "refreshTokenExpiry": 60.0}, DEFAULTS)
    assert found == ["accessTokenExpiry is 172800 s (2d); this organisation allows 300 s (5m) to 86400 s (1d)",
                     "refreshTokenExpiry is 60 s (1m); this organisation allows 3600 s (1h) to 7776000 s (90d)"]


def test_bounds_are_configurable_in_seconds_or_durations() -> None:
    strict = {"maxAccessTokenExpiry": "15m", "maxRefreshTokenExpiry": 86400}
    assert len(bounds_violations({"accessTokenExpiry": 1800.0, "refreshTokenExpiry": 172800.0}, strict)) == 2
    assert bounds_violations({"accessTokenExpiry": 900.0}, strict) == []


def test_unknown_or_unmanaged_values_are_not_judged() -> None:
    assert bounds_violations({"appId": "x"}, DEFAULTS) == []
    assert ordering_violations({"accessTokenExpiry": 3600.0}) == []


def test_refresh_shorter_than_access_is_a_violation() -> None:
    assert ordering_violations({"accessTokenExpiry": 7200.0, "refreshTokenExpiry": 3600.0}) == [
        "refreshTokenExpiry (3600 s (1h)) is shorter than accessTokenExpiry (7200 s (2h))"]
    assert ordering_violations({"accessTokenExpiry": 3600.0, "refreshTokenExpiry": 3600.0}) == []


def test_every_app_needs_a_check_that_depends_on_it() -> None:
    resources = [StackResource("urn:a::app1", APP_TYPE, ()), StackResource("urn:a::app2", APP_TYPE, ()),
                 StackResource("urn:a::check1", CHECK_TYPE, ("urn:a::app1",))]
    assert unchecked_apps(resources) == ["urn:a::app2"]
    native = [StackResource("urn:a::app3", NATIVE_APP_TYPE, ()), StackResource("urn:a::app4", NATIVE_APP_TYPE, ()),
              StackResource("urn:a::check2", NATIVE_CHECK_TYPE, ("urn:a::app4",))]
    assert unchecked_apps(native) == ["urn:a::app3"]  # the plugin's types are judged too


def app(name: str, **props: object) -> StackResource:
    return StackResource(f"urn:pulumi:s::p::{APP_TYPE}::{name}", APP_TYPE, (), props)


def test_two_resources_on_one_app_are_found_whatever_identifiers_they_use() -> None:
    in_state = app("a", appId="5b0c", appName="7d1f", appDisplayName="MobileApp")  # outputs: every identity
    by_name = app("b", appName="7D1F")  # a new resource, named differently and in another case
    assert shared_apps([in_state, by_name]) == [
        "'a' and 'b' manage the same app (appName '7d1f'): one app, one owner. Remove one of them"]
    assert sorted(shared_apps([in_state, app("c", appDisplayName="mobileapp"), app("d", appId="5b0c")])) == [
        "'a' and 'c' manage the same app (appDisplayName 'mobileapp'): one app, one owner. Remove one of them",
        "'a' and 'd' manage the same app (appId '5b0c'): one app, one owner. Remove one of them"]


def test_different_apps_or_domains_are_not_shared() -> None:
    assert shared_apps([app("a", appId="1"), app("b", appId="2"), app("c", appId="1", connection="eu")]) == []
    on_plugin = StackResource(f"urn:pulumi:s::p::{NATIVE_APP_TYPE}::n", NATIVE_APP_TYPE, (), {"appId": "1"})
    assert shared_apps([app("a", appId="1"), on_plugin]) != []  # a half-migrated stack: two doors, one app
    assert shared_apps([app("a", appId="1"), StackResource("urn:x", CHECK_TYPE, (), {"appId": "1"})]) == []


def test_mosaic_bounds_name_the_property_and_are_configurable() -> None:
    assert bounds_violations({"accessTokenTtl": 900.0, "refreshTokenTtl": 604800.0}, {}, DEFAULT_MOSAIC_BOUNDS) == []
    assert bounds_violations({"accessTokenTtl": 172800.0, "maxRefreshRotate": 60.0}, {}, DEFAULT_MOSAIC_BOUNDS) == [
        "accessTokenTtl is 172800 s (2d); this organisation allows 300 s (5m) to 86400 s (1d)",
        "maxRefreshRotate is 60 s (1m); this organisation allows 3600 s (1h) to 31536000 s (365d)"]
    assert len(bounds_violations({"accessTokenTtl": 1800.0}, {"maxAccessTokenTtl": "15m"}, DEFAULT_MOSAIC_BOUNDS)) == 1


def test_policy_config_mistakes_are_named_by_key() -> None:
    from pulumi_idcs_policy.rules import config_problems
    assert config_problems({"idcs-token-lifetime-bounds": {"maxAccessTokenExpry": "1h"}}) == [
        "idcs-token-lifetime-bounds.maxAccessTokenExpry is not a setting of this policy: did you mean "
        "maxAccessTokenExpiry?"]
    assert config_problems({"idcs-token-lifetime-bounds": {"minAccessTokenExpiry": "2h",
                                                           "maxAccessTokenExpiry": "1h"}}) == [
        "idcs-token-lifetime-bounds.minAccessTokenExpiry (7200 s (2h)) is above "
        "idcs-token-lifetime-bounds.maxAccessTokenExpiry (3600 s (1h)): every lifetime would violate it"]
    assert "is not a duration" in config_problems({"idcs-token-lifetime-bounds": {"maxAccessTokenExpiry": "banana"}})[0]
    assert config_problems({"idcs-one-owner": "mandatory"})[0].endswith("did you mean idcs-one-owner-per-app?")
    assert config_problems({"idcs-refresh-grant-checked": "mandatory", "all": "advisory",
                            "idcs-mosaic-token-lifetime-bounds": {"maxAccessTokenTtl": "15m"}}) == []


def test_the_gate_refuses_a_wrong_policy_config_file_naming_it_and_writes_its_json(tmp_path: Path) -> None:
    from pulumi_idcs_gate.__main__ import main
    config, report = tmp_path / "policy.json", tmp_path / "gate.json"
    config.write_text(json.dumps({"idcs-token-lifetime-bounds": {"maxAccessTokenExpiry": "banana"}}))
    assert main(["--policy-config", str(config), "--cwd", str(tmp_path), "--json", str(report)]) == 3
    written = json.loads(report.read_text())
    assert written["exitCode"] == 3 and written["version"] == 1
    assert written["error"] == (f'--policy-config {config}: idcs-token-lifetime-bounds.maxAccessTokenExpiry: '
                                '"banana" is not a duration; use "3600", "90s", "15m", "1h", "7d", "2w", "1h30m", '
                                '"PT1H", "P7D"')

"""The CrossGuard rules, one by one, on engine-shaped properties (checked inputs, numbers as floats)."""

from __future__ import annotations

from pulumi_idcs_policy.rules import (
    APP_TYPE,
    CHECK_TYPE,
    Bounds,
    StackResource,
    bounds_violations,
    ordering_violations,
    unchecked_apps,
)

DEFAULTS = Bounds.from_config({})


def test_default_bounds_accept_common_values() -> None:
    assert bounds_violations({"accessTokenExpiry": 3600.0, "refreshTokenExpiry": 604800.0}, DEFAULTS) == []


def test_bounds_name_the_property_and_the_allowed_range() -> None:
    found = bounds_violations({"accessTokenExpiry": 172800.0, "refreshTokenExpiry": 60.0}, DEFAULTS)
    assert found == ["accessTokenExpiry is 172800 s (2d); this organisation allows 300 s (5m) to 86400 s (1d)",
                     "refreshTokenExpiry is 60 s (1m); this organisation allows 3600 s (1h) to 7776000 s (90d)"]


def test_bounds_are_configurable_in_seconds_or_durations() -> None:
    strict = Bounds.from_config({"maxAccessTokenExpiry": "15m", "maxRefreshTokenExpiry": 86400})
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

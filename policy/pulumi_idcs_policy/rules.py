"""The rules as plain functions over resource properties, so they are testable without a policy engine.

Properties arrive as the engine has them: checked inputs, so expiries are whole seconds (as floats); a value
not known yet during preview is simply absent, and is not judged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_idcs_provider.durations import DurationError, describe, parse_seconds

APP_TYPE = "pulumi-python:dynamic/idcs:AppTokenExpiry"
CHECK_TYPE = "pulumi-python:dynamic/idcs:RefreshGrantCheck"

#: Defaults of the bounds rule; each can be overridden in the policy config (seconds or durations).
DEFAULT_BOUNDS = {"minAccessTokenExpiry": "5m", "maxAccessTokenExpiry": "1d",
                  "minRefreshTokenExpiry": "1h", "maxRefreshTokenExpiry": "90d"}


@dataclass(frozen=True)
class Bounds:
    min_access: int
    max_access: int
    min_refresh: int
    max_refresh: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Bounds:
        values = {k: parse_seconds(config.get(k, default)) for k, default in DEFAULT_BOUNDS.items()}
        return cls(values["minAccessTokenExpiry"], values["maxAccessTokenExpiry"],
                   values["minRefreshTokenExpiry"], values["maxRefreshTokenExpiry"])


def _seconds(props: Mapping[str, Any], name: str) -> int | None:
    value = props.get(name)
    if value is None:
        return None
    try:
        return parse_seconds(value)
    except DurationError:
        return None  # the resource's own check reports it


def bounds_violations(props: Mapping[str, Any], bounds: Bounds) -> list[str]:
    found = []
    for name, low, high in (("accessTokenExpiry", bounds.min_access, bounds.max_access),
                            ("refreshTokenExpiry", bounds.min_refresh, bounds.max_refresh)):
        seconds = _seconds(props, name)
        if seconds is not None and not low <= seconds <= high:
            found.append(f"{name} is {describe(seconds)}; this organisation allows {describe(low)} to "
                         f"{describe(high)}")
    return found


def ordering_violations(props: Mapping[str, Any]) -> list[str]:
    access, refresh = _seconds(props, "accessTokenExpiry"), _seconds(props, "refreshTokenExpiry")
    if access is not None and refresh is not None and refresh < access:
        return [f"refreshTokenExpiry ({describe(refresh)}) is shorter than accessTokenExpiry ({describe(access)})"]
    return []


@dataclass(frozen=True)
class StackResource:
    urn: str
    resource_type: str
    dependencies: tuple[str, ...]


def unchecked_apps(resources: Iterable[StackResource]) -> list[str]:
    """URNs of AppTokenExpiry resources no RefreshGrantCheck depends on."""
    items = list(resources)
    checked = {dep for r in items if r.resource_type == CHECK_TYPE for dep in r.dependencies}
    return [r.urn for r in items if r.resource_type == APP_TYPE and r.urn not in checked]

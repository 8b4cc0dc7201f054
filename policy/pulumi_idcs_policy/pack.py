"""The policy pack: pulumi-policy objects around `rules`. Run by policy/pack/__main__.py."""

from __future__ import annotations

from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from .rules import (
    APP_TYPES,
    DEFAULT_BOUNDS,
    DEFAULT_MOSAIC_BOUNDS,
    MOSAIC_TYPES,
    Bounds,
    StackResource,
    bounds_violations,
    mosaic_bounds_violations,
    ordering_violations,
    shared_apps,
    unchecked_apps,
)

_DURATION = {"type": ["integer", "string"], "description": "seconds, or a duration such as \"15m\" or \"7d\""}


def _bounds(args: ResourceValidationArgs, report: Any) -> None:
    if args.resource_type not in APP_TYPES:
        return
    for message in bounds_violations(args.props, Bounds.from_config(args.get_config())):
        report(message)


def _mosaic_bounds(args: ResourceValidationArgs, report: Any) -> None:
    if args.resource_type in MOSAIC_TYPES:
        for message in mosaic_bounds_violations(args.props, args.get_config()):
            report(message)


def _ordering(args: ResourceValidationArgs, report: Any) -> None:
    if args.resource_type in APP_TYPES:
        for message in ordering_violations(args.props):
            report(message)


def _resources(args: StackValidationArgs) -> list[StackResource]:
    return [StackResource(r.urn, r.resource_type, tuple(d.urn for d in r.dependencies), dict(r.props or {}))
            for r in args.resources]


def _one_owner(args: StackValidationArgs, report: Any) -> None:
    for message in shared_apps(_resources(args)):
        report(message)


def _checked(args: StackValidationArgs, report: Any) -> None:
    for urn in unchecked_apps(_resources(args)):
        report(f"{urn.rsplit('::', 1)[-1]} has no RefreshGrantCheck: add one whose expect_access_token_expiry "
               "is this app's access_token_expiry", urn)


def _bounds_policy(name: str, description: str, validate: Any,
                   defaults: dict[str, Any]) -> ResourceValidationPolicy:
    """A mandatory policy of lifetime bounds, each bound configurable (seconds or a duration)."""
    return ResourceValidationPolicy(
        name=name, description=description, enforcement_level=EnforcementLevel.MANDATORY, validate=validate,
        config_schema=PolicyConfigSchema(properties={k: {**_DURATION, "default": v} for k, v in defaults.items()}))


POLICIES = [
    _bounds_policy("idcs-token-lifetime-bounds",
                   "Access and refresh token lifetimes stay within the organisation's bounds.", _bounds,
                   DEFAULT_BOUNDS),
    _bounds_policy("idcs-mosaic-token-lifetime-bounds",
                   "Transmit Mosaic client lifetimes stay within the organisation's bounds.", _mosaic_bounds,
                   DEFAULT_MOSAIC_BOUNDS),
    ResourceValidationPolicy(
        name="idcs-refresh-not-shorter-than-access",
        description="Refresh tokens live at least as long as the access tokens they renew.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_ordering,
    ),
    StackValidationPolicy(
        name="idcs-one-owner-per-app",
        description="No two AppTokenExpiry resources of a stack manage the same app (they would overwrite each "
                    "other on every run).",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_one_owner,
    ),
    StackValidationPolicy(
        name="idcs-refresh-grant-checked",
        description="Every managed app has a RefreshGrantCheck that depends on it (off unless enabled).",
        enforcement_level=EnforcementLevel.DISABLED,
        validate=_checked,
    ),
]


def serve() -> None:
    PolicyPack(name="pulumi-idcs", enforcement_level=EnforcementLevel.MANDATORY, policies=POLICIES)

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
from pulumi_policy.proxy import UnknownValueError

from .rules import (
    APP_TYPES,
    DEFAULT_BOUNDS,
    DEFAULT_MOSAIC_BOUNDS,
    MOSAIC_TYPES,
    StackResource,
    bounds_violations,
    config_problems,
    ordering_violations,
    shared_apps,
    unchecked_apps,
    whole_app_writers,
)

#: The engine checks each setting against this before the pack runs: a word that is no duration ("banana") is
#: refused naming the policy and the key. What a schema cannot say (an unknown key, a minimum above its maximum) the
#: bounds policies refuse by name, and the gate checks in each --policy-config file before anything runs.
_DURATION = {"type": ["integer", "string"], "pattern": r"^\s*([0-9]+|([0-9]+[smhdw])+|[Pp][0-9WDTHMSwdthms]+)\s*$",
             "description": "seconds, or a duration such as \"15m\" or \"7d\""}


def _checked_config(policy: str, config: Any) -> Any:
    """The policy's config, or a clear error naming each wrong key (reported by the engine for the policy)."""
    problems = config_problems({policy: dict(config or {})})
    if problems:
        raise ValueError("policy configuration: " + "; ".join(problems))
    return config


def _bounds(args: ResourceValidationArgs, report: Any) -> None:
    if args.resource_type not in APP_TYPES:
        return
    config = _checked_config("idcs-token-lifetime-bounds", args.get_config())
    for message in bounds_violations(args.props, config):
        report(message)


def _mosaic_bounds(args: ResourceValidationArgs, report: Any) -> None:
    if args.resource_type in MOSAIC_TYPES:
        config = _checked_config("idcs-mosaic-token-lifetime-bounds", args.get_config())
        for message in bounds_violations(args.props, config, DEFAULT_MOSAIC_BOUNDS):
            report(message)


def _ordering(args: ResourceValidationArgs, report: Any) -> None:
    if args.resource_type in APP_TYPES:
        for message in ordering_violations(args.props):
            report(message)


#: What the stack rules read of a resource: nothing else is touched, so a value that cannot be known at preview
#: (a RefreshGrantCheck's checkedAt exported by the program, say) never keeps the one-owner rule from running.
_STACK_KEYS = ("appId", "appName", "appDisplayName", "connection", "domainUrl", "name", "displayName")


def _resources(args: StackValidationArgs) -> list[StackResource]:
    return [StackResource(r.urn, r.resource_type, tuple(d.urn for d in r.dependencies), _known(r.props))
            for r in args.resources]


def _known(props: Any) -> dict[str, Any]:
    """The properties the stack rules read, where known; one not known yet is left out (and not judged)."""
    found = {}
    for key in _STACK_KEYS:
        try:
            value = props.get(key) if props is not None else None
        except UnknownValueError:
            continue
        if value is not None:
            found[key] = value
    return found


def _one_owner(args: StackValidationArgs, report: Any) -> None:
    for message in shared_apps(_resources(args)):
        report(message)


def _whole_app(args: StackValidationArgs, report: Any) -> None:
    ignored = {r.urn: list(r.opts.ignore_changes or []) for r in args.resources}
    for message in whole_app_writers(_resources(args), ignored):
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
                   "Transmit Mosaic client and resource lifetimes stay within the organisation's bounds.",
                   _mosaic_bounds, DEFAULT_MOSAIC_BOUNDS),
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
        name="idcs-no-whole-app-writer",
        description="No pulumi-oci DomainsApp writes an app whose lifetimes an AppTokenExpiry manages, unless it "
                    "ignores changes to both lifetimes (its whole-app PUT would put its own values back).",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_whole_app,
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

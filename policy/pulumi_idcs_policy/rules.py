"""The rules as plain functions over resource properties, so they are testable without a policy engine.

Properties arrive as the engine has them: checked inputs, so expiries are whole seconds (as floats); a value
not known yet during preview is simply absent, and is not judged.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_idcs_provider import type_tokens
from pulumi_idcs_provider.adoption import Adoption
from pulumi_idcs_provider.catalog import DEFINITIONS
from pulumi_idcs_provider.definition import Wire, policy_bounds
from pulumi_idcs_provider.durations import DurationError, describe, parse_seconds
from pulumi_idcs_provider.models import EXPIRY_ATTRIBUTES, IDENTIFIERS, AppTokenExpiryInputs
from pulumi_idcs_provider.mosaic_target import MosaicTarget

#: Each resource under both front doors: the dynamic provider's type and the plugin's (schema.json) type.
APP_TYPES, CHECK_TYPES = type_tokens.APP.tokens, type_tokens.CHECK.tokens
#: Every resource adopting a Mosaic object (a client, a custom resource), from the catalog: their lifetimes share
#: their names and bounds (mosaic_target.MosaicLifetimes), judged by one bounds policy.
_MOSAIC = [d for d in DEFINITIONS.values()
           if isinstance(d.implementation, Adoption) and isinstance(d.implementation.target, MosaicTarget)]
MOSAIC_TYPES = frozenset().union(*(d.token.tokens for d in _MOSAIC))

def _bound_settings(inputs: type[Wire]) -> dict[str, str]:
    """A bounds policy's settings and their defaults, from the bounds the definition declares on each managed
    lifetime: accessTokenExpiry gives minAccessTokenExpiry and maxAccessTokenExpiry."""
    settings = {}
    for wire, (low, high) in policy_bounds(inputs).items():
        settings[f"min{_upper_first(wire)}"], settings[f"max{_upper_first(wire)}"] = low, high
    return settings


def _upper_first(wire: str) -> str:
    return wire[0].upper() + wire[1:]


#: Defaults of the bounds rules; each can be overridden in the policy config (seconds or durations).
DEFAULT_BOUNDS = _bound_settings(AppTokenExpiryInputs)
DEFAULT_MOSAIC_BOUNDS = {k: v for d in _MOSAIC for k, v in _bound_settings(d.inputs).items()}


def _seconds(props: Mapping[str, Any], name: str) -> int | None:
    value = props.get(name)
    if value is None:
        return None
    try:
        return parse_seconds(value)
    except DurationError:
        return None  # the resource's own check reports it


def bounds_violations(props: Mapping[str, Any], config: Mapping[str, Any],
                      defaults: Mapping[str, str] = DEFAULT_BOUNDS) -> list[str]:
    """Each managed lifetime outside the bounds of the config (else `defaults`), naming it and the range."""
    found = []
    for key, default in defaults.items():
        if not key.startswith("min"):
            continue
        name = key[3].lower() + key[4:]
        high_key = "max" + key[3:]
        low = parse_seconds(config.get(key, default))
        high = parse_seconds(config.get(high_key, defaults[high_key]))
        seconds = _seconds(props, name)
        if seconds is not None and not low <= seconds <= high:
            found.append(f"{name} is {describe(seconds)}; this organisation allows {describe(low)} to {describe(high)}")
    return found


def ordering_violations(props: Mapping[str, Any]) -> list[str]:
    access, refresh = (_seconds(props, name) for name in EXPIRY_ATTRIBUTES)
    if access is not None and refresh is not None and refresh < access:
        return [f"{EXPIRY_ATTRIBUTES[1]} ({describe(refresh)}) is shorter than {EXPIRY_ATTRIBUTES[0]} "
                f"({describe(access)})"]
    return []


@dataclass(frozen=True)
class StackResource:
    urn: str
    resource_type: str
    dependencies: tuple[str, ...]
    props: Mapping[str, Any] = field(default_factory=dict)


def unchecked_apps(resources: Iterable[StackResource]) -> list[str]:
    """URNs of AppTokenExpiry resources no RefreshGrantCheck depends on."""
    items = list(resources)
    checked = {dep for r in items if r.resource_type in CHECK_TYPES for dep in r.dependencies}
    return [r.urn for r in items if r.resource_type in APP_TYPES and r.urn not in checked]


#: The identities an AppTokenExpiry shows in its properties; the id compares exactly, names without regard to
#: case, as IDCS compares them.
_IDENTITIES = tuple((wire, wire != IDENTIFIERS[0]) for wire in IDENTIFIERS)


def shared_apps(resources: Iterable[StackResource]) -> list[str]:
    """One message per app that two or more AppTokenExpiry resources manage. A resource in state shows every
    identity of its app (id, name, display name) in its outputs, so whatever identifiers the program uses, two
    resources on one app share at least one. Apps in different connections are different apps."""
    owners: dict[tuple[str, str, str], list[str]] = {}
    for r in resources:
        if r.resource_type not in APP_TYPES:
            continue
        for prop, fold in _IDENTITIES:
            value = r.props.get(prop)
            if isinstance(value, str) and value:
                key = (str(r.props.get("connection") or ""), prop, value.casefold() if fold else value)
                owners.setdefault(key, []).append(r.urn)
    seen: set[tuple[str, ...]] = set()
    found = []
    for (_, prop, value), urns in owners.items():
        group = tuple(sorted(set(urns)))
        if len(group) > 1 and group not in seen:
            seen.add(group)
            names = " and ".join(repr(u.rsplit("::", 1)[-1]) for u in group)
            found.append(f"{names} manage the same app ({prop} {value!r}): one app, one owner. Remove one of them")
    return found


#: pulumi-oci's whole-app resource: it updates by PUT of the whole app, putting back the lifetimes its state holds.
DOMAINS_APP = "oci:Identity/domainsApp:DomainsApp"
#: DomainsApp's properties an ignoreChanges must name for it to leave our lifetimes alone.
_WHOLE_APP_LIFETIMES = ("accessTokenExpiry", "refreshTokenExpiry")


def whole_app_writers(resources: Iterable[StackResource], ignored: Mapping[str, Iterable[str]]) -> list[str]:
    """One message per DomainsApp that writes an app an AppTokenExpiry manages without ignoring both lifetimes
    (`ignored`: each resource's ignoreChanges by URN). Matched by the app's name or display name, as IDCS compares
    them; in another domain is another app."""
    items = list(resources)
    managed: dict[tuple[str, str], str] = {}
    for r in items:
        if r.resource_type in APP_TYPES:
            for prop, out in (("appName", "name"), ("appDisplayName", "displayName")):
                if isinstance(r.props.get(prop), str):
                    managed[(out, str(r.props[prop]).casefold())] = r.urn
    found = []
    for r in items:
        if r.resource_type != DOMAINS_APP:
            continue
        missing = [p for p in _WHOLE_APP_LIFETIMES if p not in set(ignored.get(r.urn, ()))]
        owner = next((managed[(prop, str(r.props[prop]).casefold())] for prop in ("name", "displayName")
                      if isinstance(r.props.get(prop), str) and (prop, str(r.props[prop]).casefold()) in managed),
                     None)
        if owner and missing:
            found.append(f"{r.urn.rsplit('::', 1)[-1]!r} (a DomainsApp) writes the whole app that "
                         f"{owner.rsplit('::', 1)[-1]!r} manages the lifetimes of: each run of one puts back the "
                         f"other's values. Add ignoreChanges: {json.dumps(list(_WHOLE_APP_LIFETIMES))} to the "
                         "DomainsApp, or stop managing the lifetimes with AppTokenExpiry")
    return found


#: Each policy of the pack and the settings its configuration takes (with their defaults): one table for the pack,
#: the gate's check of policy config files, and the docs.
POLICY_SETTINGS: dict[str, Mapping[str, str]] = {
    "idcs-token-lifetime-bounds": DEFAULT_BOUNDS,
    "idcs-mosaic-token-lifetime-bounds": DEFAULT_MOSAIC_BOUNDS,
    "idcs-refresh-not-shorter-than-access": {},
    "idcs-one-owner-per-app": {},
    "idcs-refresh-grant-checked": {},
    "idcs-no-whole-app-writer": {},
}
ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")


def config_problems(document: Mapping[str, Any]) -> list[str]:
    """What is wrong in a policy pack config document ({policy: level or {enforcementLevel, settings}}), each
    naming its key: unknown policies and settings (with the one meant), values that are not durations, a minimum
    above its maximum. An empty list when it is right."""
    found = []
    for policy, value in document.items():
        if policy == "all":
            continue
        known = POLICY_SETTINGS.get(policy)
        if known is None:
            found.append(f"{policy} is not a policy of this pack{_meant(policy, POLICY_SETTINGS)}")
            continue
        if isinstance(value, str):
            if value not in ENFORCEMENT_LEVELS:
                found.append(f"{policy}: {value!r} is not an enforcement level ({', '.join(ENFORCEMENT_LEVELS)})")
            continue
        if not isinstance(value, Mapping):
            found.append(f"{policy} must be an enforcement level or an object of settings")
            continue
        found += _settings_problems(policy, value, known)
    return found


def _settings_problems(policy: str, value: Mapping[str, Any], known: Mapping[str, str]) -> list[str]:
    found, seconds = [], {}
    for key, setting in value.items():
        if key == "enforcementLevel":
            continue
        if key not in known:
            found.append(f"{policy}.{key} is not a setting of this policy{_meant(key, known)}")
            continue
        try:
            seconds[key] = parse_seconds(setting)
        except DurationError as e:
            found.append(f"{policy}.{key}: {e}")
    for key, default in known.items():
        if key.startswith("min") and "max" + key[3:] in known:
            high_key = "max" + key[3:]
            low = seconds.get(key, parse_seconds(default))
            high = seconds.get(high_key, parse_seconds(known[high_key]))
            if low > high:
                found.append(f"{policy}.{key} ({describe(low)}) is above {policy}.{high_key} ({describe(high)}): "
                             "every lifetime would violate it")
    return found


def _meant(given: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(given, list(known), n=1, cutoff=0.75)
    return f": did you mean {close[0]}?" if close else f" (known: {', '.join(known) or 'none'})"

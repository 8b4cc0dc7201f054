"""Synthetic domains for benchmarks and scale tests: the demo domain plus N generated OAuth apps."""

from __future__ import annotations

import copy
import hashlib
import json
from importlib import resources
from typing import Any


def generated_app_id(i: int) -> str:
    return hashlib.sha256(f"app-{i}".encode()).hexdigest()[:32]


def demo_seed() -> dict[str, Any]:
    seed: dict[str, Any] = json.loads(resources.files(__package__).joinpath("demo_domain.json").read_text())
    return seed


#: What a generated app holds: the identity, the always-returned attributes and the two expiries (small, so that a
#: domain of 100,000 apps is built in seconds).
_SLIM = ("schemas", "isAliasApp", "active", "isOAuthClient", "isOAuthResource", "clientType", "allowedGrants",
         "allowOffline")


def with_generated_apps(seed: dict[str, Any], count: int) -> dict[str, Any]:
    """The seed plus `count` confidential apps shaped like the demo's ResourceOwner ("bench-app-0000", ...)."""
    out = copy.deepcopy(seed)
    template = next(a for a in out["apps"] if a["displayName"] == "ResourceOwner")
    slim = {k: template[k] for k in _SLIM if k in template}
    for i in range(count):
        app = copy.deepcopy(slim)
        app.update(id=generated_app_id(i), name=f"bench-client-{i:04d}", displayName=f"bench-app-{i:04d}",
                   basedOnTemplate={"value": "CustomWebAppTemplateId"}, clientSecret=f"emulator-secret-bench-{i:04d}",
                   accessTokenExpiry=3600, refreshTokenExpiry=604800)
        out["apps"].append(app)
    return out


#: The kinds of apps a real domain holds, in the order `with_mixed_apps` cycles through them: (display name prefix,
#: attributes). Only the first three are OAuth apps; the last is a SAML app, which the whole-domain tools skip.
MIXED_KINDS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("Web Portal", {"isOAuthClient": True, "isOAuthResource": False, "clientType": "confidential",
                    "allowedGrants": ["authorization_code", "refresh_token"]}),
    ("Kiosk", {"isOAuthClient": True, "isOAuthResource": False, "clientType": "public",
               "allowedGrants": ["authorization_code"]}),
    ("Orders API", {"isOAuthClient": False, "isOAuthResource": True, "allowOffline": True}),
    ("HR SSO", {"isOAuthClient": False, "isOAuthResource": False}),
)


def with_mixed_apps(seed: dict[str, Any], count: int) -> dict[str, Any]:
    """The seed plus `count` apps of every kind in turn (confidential and public clients, resource servers, SAML
    apps), their lifetimes spread from 10 minutes to 30 days: a domain to discover and audit."""
    out = copy.deepcopy(seed)
    for i in range(count):
        prefix, kind = MIXED_KINDS[i % len(MIXED_KINDS)]
        out["apps"].append({"schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:App"], "active": True,
                            "isAliasApp": False, "id": generated_app_id(100_000 + i), "name": f"mixed-{i:04d}",
                            "displayName": f"{prefix} {i // len(MIXED_KINDS)}", **copy.deepcopy(kind),
                            "accessTokenExpiry": 600 * (1 + i % 12), "refreshTokenExpiry": 86400 * (1 + i % 30)})
    return out


#: What a messy domain holds that a tidy one does not: (display name, attributes), each an OAuth client.
MESSY_APPS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("Zero Lifetime", {"accessTokenExpiry": 0, "refreshTokenExpiry": 86400}),
    ("Forever", {"accessTokenExpiry": 10**12, "refreshTokenExpiry": 10**12}),
    ("No Lifetimes", {}),
    ("Retired", {"active": False, "accessTokenExpiry": 3600, "refreshTokenExpiry": 86400}),
    ("Line\nBreak | Pipe", {"accessTokenExpiry": 3600, "refreshTokenExpiry": 86400}),
    ("Twin", {"accessTokenExpiry": 3600, "refreshTokenExpiry": 86400}),
    ("twin", {"accessTokenExpiry": 1800, "refreshTokenExpiry": 86400}),
)


def with_messy_apps(seed: dict[str, Any]) -> dict[str, Any]:
    """The seed plus the apps of MESSY_APPS (confidential clients allowed refresh tokens): impossible lifetimes,
    none at all, an inactive app, a display name with a newline and a `|`, names that differ only in case."""
    out = copy.deepcopy(seed)
    for i, (display_name, attributes) in enumerate(MESSY_APPS):
        out["apps"].append({"schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:App"], "active": True,
                            "isAliasApp": False, "id": generated_app_id(200_000 + i), "name": f"messy-{i:02d}",
                            "displayName": display_name, "isOAuthClient": True, "isOAuthResource": False,
                            "clientType": "confidential", "allowedGrants": ["client_credentials", "refresh_token"],
                            **copy.deepcopy(attributes)})
    return out

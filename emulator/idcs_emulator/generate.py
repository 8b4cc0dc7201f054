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

"""Where and how to reach an identity domain: stack configuration first, then environment variables.

Credentials are read here at run time, never passed to a provider constructor (that would freeze them into
the `__provider` blob in state, and a rotated secret would not reach refresh or destroy).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, SecretStr

from .errors import ConfigurationError

#: (stack config key, environment variable) for each setting.
KEYS = {
    "domain_url": ("idcs:domainUrl", "IDCS_DOMAIN_URL"),
    "client_id": ("idcs:clientId", "IDCS_CLIENT_ID"),
    "client_secret": ("idcs:clientSecret", "IDCS_CLIENT_SECRET"),
    "ca_bundle": ("idcs:caBundle", "IDCS_CA_BUNDLE"),
    "max_requests_per_second": ("idcs:maxRequestsPerSecond", "IDCS_MAX_REQUESTS_PER_SECOND"),
}


class ConnectionSettings(BaseModel):
    """One domain and one admin client. `repr` shows the secret as '**********'."""

    model_config = ConfigDict(frozen=True)

    domain_url: str
    client_id: str
    client_secret: SecretStr
    ca_bundle: str | None = None
    max_requests_per_second: float = 10.0
    timeout_seconds: float = 30.0

    @property
    def verify(self) -> bool | str:
        """TLS verification is always on; a CA bundle only changes which roots are trusted."""
        return self.ca_bundle or True


def from_config(config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> ConnectionSettings:
    """Settings from the stack config the engine sent to configure(), falling back to the environment."""
    env = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for field, (key, var) in KEYS.items():
        value = config.get(key)
        if value in (None, ""):
            value = env.get(var)
        if value not in (None, ""):
            found[field] = value
    missing = [f for f in ("domain_url", "client_id", "client_secret") if f not in found]
    if missing:
        wanted = "; ".join(f"{KEYS[f][0]} (or ${KEYS[f][1]})" for f in missing)
        raise ConfigurationError(
            f"missing IDCS connection settings: {wanted}. Set them with `pulumi config set idcs:domainUrl "
            "https://idcs-....identity.oraclecloud.com`, `pulumi config set idcs:clientId ...` and "
            "`pulumi config set --secret idcs:clientSecret ...`, or export the environment variables")
    found["domain_url"] = normalise_domain_url(str(found["domain_url"]))
    if "max_requests_per_second" in found:
        try:
            rate = float(found["max_requests_per_second"])
        except ValueError:
            rate = 0.0
        if not rate > 0:
            raise ConfigurationError(
                f"idcs:maxRequestsPerSecond must be a positive number, not {found['max_requests_per_second']!r}")
        found["max_requests_per_second"] = rate
    return ConnectionSettings(**found)


def endpoint_problem(url: str, example: str) -> str | None:
    """Why url cannot be used to send credentials to, or None: https, or plain http to loopback only."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return f"{url!r} is not a URL like {example}"
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        return (f"{url!r} uses plain http for a non-loopback host: use https (plain http is only allowed for a "
                "local emulator on 127.0.0.1, ::1 or localhost)")
    return None


def normalise_domain_url(url: str) -> str:
    """'https://idcs-x.identity.oraclecloud.com/' -> without the slash; plain http only for loopback."""
    problem = endpoint_problem(url, "https://idcs-0123456789abcdef.identity.oraclecloud.com")
    if problem:
        raise ConfigurationError(f"idcs:domainUrl {problem}")
    parts = urlsplit(url.strip())
    if parts.query or parts.fragment or parts.path.strip("/"):
        raise ConfigurationError(
            f"idcs:domainUrl {url!r} must be the domain's base URL only, with no path (not .../admin/v1)")
    return f"{parts.scheme}://{parts.netloc}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

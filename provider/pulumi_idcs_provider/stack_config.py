"""The stack configuration the engine hands to a provider, resolved once per configuration (StackSettings).

Both front doors build one into their context: the dynamic provider from `configure()` (the whole stack config),
the plugin from its Configure call and `$PULUMI_CONFIG`. Every resource type then asks it for what it needs: each
part is resolved and validated once per configuration (environment variables read at that moment), and a part
that cannot be used fails the same way, naming its key, for every resource that asks.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

from pulumi.dynamic import ConfigureRequest

from .errors import ConfigurationError
from .settings import (
    CONNECTIONS_KEY,
    KEYS,
    LEGACY_MOSAIC_BASE_URL,
    MOSAIC_CA_BUNDLE,
    MOSAIC_KEYS,
    SKIP_RESTORE,
    ConnectionSettings,
    MosaicSettings,
    connection_names,
    from_config,
    misspelt_keys,
    mosaic_host,
    mosaic_settings,
    restore_skipped,
)

#: Every configuration key any of our providers reads.
READ_KEYS = (*(key for key, _ in KEYS.values()), *(key for key, _ in MOSAIC_KEYS.values()), CONNECTIONS_KEY,
             SKIP_RESTORE[0], LEGACY_MOSAIC_BASE_URL, MOSAIC_CA_BUNDLE[0])
#: Where a RefreshGrantCheck flavor's host and CA bundle come from when the resource does not say.
FLAVOR_HOSTS = {"idcs": (KEYS["domain_url"], KEYS["ca_bundle"]),
                "mosaic": (MOSAIC_KEYS["base_url"], MOSAIC_CA_BUNDLE)}
_Part = ConnectionSettings | MosaicSettings


class StackSettings:
    """The settings of one stack configuration, each part resolved at first use and kept."""

    def __init__(self, config: Mapping[str, Any], environ: Mapping[str, str] | None = None,
                 provider: str | None = None) -> None:
        self.config = dict(config)
        self.environ = dict(os.environ if environ is None else environ)
        self.provider = provider  # an explicit provider's name: its errors name its arguments
        self._parts: dict[str, _Part | ConfigurationError] = {}
        self._lock = threading.Lock()
        self.skip_restore = restore_skipped(self.config, self.environ)
        self.connection_names = connection_names(self.config)

    def connection(self, name: str | None = None) -> ConnectionSettings:
        """The stack's own domain (name None) or a named connection of idcs:connections."""
        part = self._part(f"connection:{name or ''}", lambda: from_config(self.config, self.environ, name,
                                                                                 self.provider))
        assert isinstance(part, ConnectionSettings)
        return part

    def mosaic(self) -> MosaicSettings:
        part = self._part("mosaic", lambda: mosaic_settings(self.config, self.environ, self.provider))
        assert isinstance(part, MosaicSettings)
        return part

    def flavor_host(self, flavor: str) -> tuple[str, str | None]:
        """(base URL, CA bundle) of a RefreshGrantCheck flavor's default host, each "" / None when unset."""
        (url_key, url_var), (ca_key, ca_var) = FLAVOR_HOSTS[flavor]
        legacy = self.config.get(LEGACY_MOSAIC_BASE_URL) if flavor == "mosaic" else None
        url = self.config.get(url_key) or legacy or self.environ.get(url_var) or ""
        url = mosaic_host(str(url)) if flavor == "mosaic" else str(url).rstrip("/")
        return url, self.ca_bundle(ca_key, ca_var)

    def ca_bundle(self, key: str, var: str) -> str | None:
        return str(self.config.get(key) or self.environ.get(var) or "") or None

    def _part(self, name: str, resolve: Callable[[], _Part]) -> _Part:
        with self._lock:
            if name not in self._parts:
                try:
                    self._parts[name] = resolve()
                except ConfigurationError as e:
                    self._parts[name] = e
            part = self._parts[name]
        if isinstance(part, ConfigurationError):
            raise ConfigurationError(str(part), key=part.key)
        return part


def config_of(req: ConfigureRequest) -> dict[str, Any]:
    """The configuration the dynamic door's configure() was given: the keys we read, and misspelt ones (to name
    them in errors); anything else is dropped."""
    # pulumi.dynamic's Config offers no way to list its keys; its dict is read (when there) only to name typos.
    every = getattr(req.config, "_props", None)
    return kept_keys({**(every if isinstance(every, dict) else {}), **{key: req.config.get(key) for key in READ_KEYS}})


def kept_keys(config: Mapping[str, Any]) -> dict[str, Any]:
    """The keys we read (namespaced, like "idcs:domainUrl") and misspelt ones, without empty values."""
    values = {key: config.get(key) for key in (*READ_KEYS, *misspelt_keys(config))}
    return {k: v for k, v in values.items() if v is not None}

"""The stack configuration the engine hands to a provider, kept per provider process.

Provider instances must stay attribute-free (they are pickled into state), so the configuration is kept here, at
module level. One provider process serves one stack, so one copy is enough. Both front doors fill it: the dynamic
provider from `configure()` (the whole stack config), the plugin from its Configure call and `$PULUMI_CONFIG`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import ConfigureRequest

from .settings import CONNECTIONS_KEY, KEYS, LEGACY_MOSAIC_BASE_URL, MOSAIC_KEYS, SKIP_RESTORE

#: Every configuration key any of our providers reads.
READ_KEYS = (*(key for key, _ in KEYS.values()), *(key for key, _ in MOSAIC_KEYS.values()), CONNECTIONS_KEY,
             SKIP_RESTORE[0], LEGACY_MOSAIC_BASE_URL)

_LOCK = threading.Lock()
_CONFIG: dict[str, Any] = {}


def remember(req: ConfigureRequest) -> None:
    remember_values({key: req.config.get(key) for key in READ_KEYS})


def remember_values(config: Mapping[str, Any]) -> None:
    """Keep the keys we read (namespaced, like "idcs:domainUrl"); anything else is dropped."""
    values = {key: config.get(key) for key in READ_KEYS}
    with _LOCK:
        _CONFIG.clear()
        _CONFIG.update({k: v for k, v in values.items() if v is not None})


def snapshot() -> Mapping[str, Any]:
    with _LOCK:
        return dict(_CONFIG)

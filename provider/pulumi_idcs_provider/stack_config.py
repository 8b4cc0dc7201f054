"""The stack configuration the engine hands to `configure()`, kept per provider process.

Provider instances must stay attribute-free (they are pickled into state), so what configure() receives is kept
here, at module level. One provider process serves one stack, so one copy is enough.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import ConfigureRequest

from .settings import CONNECTIONS_KEY, KEYS, SKIP_RESTORE

#: Every configuration key any of our providers reads.
READ_KEYS = (*(key for key, _ in KEYS.values()), CONNECTIONS_KEY, SKIP_RESTORE[0], "mosaic:baseUrl")

_LOCK = threading.Lock()
_CONFIG: dict[str, Any] = {}


def remember(req: ConfigureRequest) -> None:
    values = {key: req.config.get(key) for key in READ_KEYS}
    with _LOCK:
        _CONFIG.clear()
        _CONFIG.update({k: v for k, v in values.items() if v is not None})


def snapshot() -> Mapping[str, Any]:
    with _LOCK:
        return dict(_CONFIG)

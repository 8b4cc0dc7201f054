"""Values in messages as the user wrote them, in the program's language, so that they can be copied back.

Through the plugin a program is YAML, TypeScript, Go or C#: JSON's spelling (`true`, `30`, `"Partner \\"Beta\\""`).
Through the dynamic door it is Python: Python's spelling (`True`, `30`, `'15m'`). The engine sends every number as
a float, so a whole number is shown without `.0` in both. The plugin says which, per call (`json_spelling`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_JSON: ContextVar[bool] = ContextVar("pulumi_idcs_json_spelling", default=False)


@contextmanager
def json_spelling() -> Iterator[None]:
    """Spell values as JSON inside this block (the plugin's handlers, the gate reading JSON files)."""
    token = _JSON.set(True)
    try:
        yield
    finally:
        _JSON.reset(token)


def shown(value: object) -> str:
    """`value` as the program's language writes it."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if _JSON.get():
        try:
            return json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):
            return str(value)
    return repr(value)

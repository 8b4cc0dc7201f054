"""Token lifetimes as people write them ("15m", "7d", "PT1H", 3600) turned into whole seconds.

Unit confusion is the commonest complaint against token-lifetime settings in other providers (see
docs/design.md, "Durations"), so we accept explicit units and always store plain seconds.
"""

from __future__ import annotations

import re

from .spelling import shown

#: IDCS stores expiries as integers; anything past a signed 32-bit int cannot be a real lifetime.
MAX_SECONDS = 2**31 - 1

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SHORT = re.compile(r"([0-9]+)([smhdw])")
_ISO = re.compile(
    r"P(?:(?P<w>[0-9]+)W)?(?:(?P<d>[0-9]+)D)?(?:T(?:(?P<h>[0-9]+)H)?(?:(?P<m>[0-9]+)M)?(?:(?P<s>[0-9]+)S)?)?"
)

_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() also accepts "¹"

FORMS = '"3600", "90s", "15m", "1h", "7d", "2w", "1h30m", "PT1H", "P7D"'


class DurationError(ValueError):
    """A value that is not a whole, positive number of seconds."""


def parse_seconds(value: object, positive: bool = True) -> int:
    """Whole positive seconds from an int, an integral float (the engine sends numbers as floats) or text. With
    `positive=False` a number below one is returned, for a caller that names its own lower bound."""
    if isinstance(value, bool):
        raise DurationError(f"{shown(value)} is a boolean; give whole seconds or a duration such as {FORMS}")
    if isinstance(value, float):
        if not value.is_integer():
            raise DurationError(f"{shown(value)} is not a whole number of seconds")
        value = int(value)
    if isinstance(value, int):
        return _positive(value, shown(value)) if positive or value > MAX_SECONDS else value
    if isinstance(value, str):
        return _positive(_parse_text(value), shown(value))
    raise DurationError(f"expected whole seconds or a duration such as {FORMS}, got {type(value).__name__}")


def _parse_text(text: str) -> int:
    s = text.strip()
    if not s:
        raise DurationError(f"an empty string is not a duration; use {FORMS}")
    if _DIGITS.fullmatch(s):
        return int(s)
    if s[0] in "Pp":
        return _parse_iso(s.upper(), text)
    if "M" in s:
        raise DurationError(f"{shown(text)} is ambiguous: an upper-case M reads as months, which have no fixed length; "
                            'write minutes as "m" (for example "15m") and long spans in days ("180d")')
    pos, total = 0, 0
    for m in _SHORT.finditer(s.lower()):
        if m.start() != pos:
            break
        total += int(m.group(1)) * _UNIT_SECONDS[m.group(2)]
        pos = m.end()
    if pos != len(s) or pos == 0:
        raise DurationError(f"{shown(text)} is not a duration; use {FORMS}")
    return total


def _parse_iso(s: str, original: str) -> int:
    m = _ISO.fullmatch(s)
    if m is None or s in ("P", "PT") or s.endswith("T"):
        calendar = re.search(r"[0-9]+[YM]", s.split("T")[0])
        hint = " (years and months have no fixed length: use days)" if calendar else ""
        raise DurationError(f"{shown(original)} is not an ISO 8601 duration we accept{hint}; use {FORMS}")
    return sum(int(m.group(k) or 0) * _UNIT_SECONDS[k] for k in ("w", "d", "h", "m", "s"))


def _positive(seconds: int, shown: str) -> int:
    if seconds <= 0:
        raise DurationError(f"{shown} is not positive; a token lifetime is at least one second")
    if seconds > MAX_SECONDS:
        raise DurationError(f"{shown} is more than {MAX_SECONDS} seconds (68 years), the longest lifetime an "
                            "integer attribute holds")
    return seconds


def describe(seconds: int) -> str:
    """'3600 s (1h)': how error messages show a lifetime."""
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds} s ({seconds // size}{unit})"
    return f"{seconds} s"

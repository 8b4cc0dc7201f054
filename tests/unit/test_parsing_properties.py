"""Property-based tests of the duration parser and of SCIM filter escaping against the emulator's parser."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from idcs_emulator.filters import parse
from pulumi_idcs_provider.durations import MAX_SECONDS, DurationError, parse_seconds
from pulumi_idcs_provider.scim import eq_filter

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@given(st.integers(min_value=1, max_value=3_000), st.sampled_from(sorted(UNITS)))
def test_unit_durations_are_exact(n: int, unit: str) -> None:
    assert parse_seconds(f"{n}{unit}") == n * UNITS[unit]


@given(st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=23),
       st.integers(min_value=0, max_value=59), st.integers(min_value=0, max_value=59))
def test_iso_durations_match_their_parts(d: int, h: int, m: int, s: int) -> None:
    total = d * 86400 + h * 3600 + m * 60 + s
    text = f"P{d}DT{h}H{m}M{s}S"
    if total == 0:
        try:
            parse_seconds(text)
        except DurationError:
            return
        raise AssertionError("zero accepted")
    assert parse_seconds(text) == total


@given(st.one_of(st.integers(), st.floats(allow_nan=True), st.text(max_size=12), st.booleans(), st.none()))
def test_parser_returns_positive_int_or_raises_duration_error(value: object) -> None:
    try:
        seconds = parse_seconds(value)
    except DurationError:
        return
    assert isinstance(seconds, int) and 0 < seconds <= MAX_SECONDS


@given(st.text(min_size=1, max_size=40))
def test_escaped_filter_matches_exactly_that_name(name: str) -> None:
    predicate = parse(eq_filter("displayName", name))
    assert predicate({"displayName": name})
    assert not predicate({"displayName": name + "x"})

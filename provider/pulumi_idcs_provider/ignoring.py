"""`ignoreChanges` on an adopting resource, written once for every one: an ignored lifetime is never written.

The engine itself keeps an ignored input at its old value, so the program's own edit of it never reaches us. What
only the provider can do is the rest: not correct the domain's value (drift), not put the original back when the
lifetime is released or the resource deleted, and say that the drift it saw is ignored rather than pending. The
plugin is given the paths with each Diff and Update, and reads them from the stack's state for a Delete (which is
given no options); the dynamic SDK passes them as a hidden input, kept in the state like any input. Either way the
operations find them under IGNORE_KEY.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .spelling import shown

#: The hidden input (and output) under which a resource's ignored lifetimes travel, by wire name.
IGNORE_KEY = "__ignoreChanges"


def top_level(paths: Iterable[str], managed: Iterable[str]) -> list[str]:
    """The managed lifetimes that engine property paths name ("accessTokenExpiry", "*" for all; a nested path
    names its top-level property)."""
    managed = tuple(managed)
    named = {re.split(r"[.\[]", p, maxsplit=1)[0].strip('"') for p in paths}
    return [w for w in managed if w in named or "*" in named]


def ignored(props: Mapping[str, Any]) -> frozenset[str]:
    """The lifetimes a resource's inputs (or its state) say are ignored."""
    value = props.get(IGNORE_KEY)
    return frozenset(str(v) for v in value) if isinstance(value, (list, tuple)) else frozenset()


def recorded(props: Mapping[str, Any]) -> dict[str, Any]:
    """What to keep in the outputs: the ignored lifetimes, when there are any."""
    found = sorted(ignored(props))
    return {IGNORE_KEY: found} if found else {}


def record_changes(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Whether the state must learn another set of ignored lifetimes (an update that writes nothing else)."""
    return ignored(olds) != ignored(news)


def writable(values: Mapping[str, Any], props: Mapping[str, Any]) -> dict[str, Any]:
    """`values` without the ignored lifetimes: what may be written."""
    skip = ignored(props)
    return {w: v for w, v in values.items() if w not in skip}


def split_drift(drift: Mapping[str, tuple[Any, Any]], props: Mapping[str, Any]
                ) -> tuple[dict[str, tuple[Any, Any]], tuple[str, ...]]:
    """(the drift to correct, a note for each drift ignored): the domain's value of an ignored lifetime stays."""
    skip = ignored(props)
    notes = tuple(f"{w} is {shown(live)} in the domain, the program has {shown(wanted)}: ignored (ignoreChanges), "
                  "nothing is written" for w, (live, wanted) in sorted(drift.items()) if w in skip)
    return {w: d for w, d in drift.items() if w not in skip}, notes

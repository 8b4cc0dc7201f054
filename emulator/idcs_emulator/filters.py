"""A SCIM filter evaluator (RFC 7644 §3.4.2.2) for the subset IDCS clients use on Apps.

Grammar: `expr := term ("or" term)*`, `term := factor ("and" factor)*`,
`factor := "not"? "(" expr ")" | attrPath "pr" | attrPath op value`, op in eq ne co sw ew gt ge lt le.
Values are JSON literals (strings in double quotes with backslash escapes, numbers, true, false, null).
String comparisons on attributes whose schema says `caseExact: false` ignore case (RFC 7644 §3.4.2.2).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

Predicate = Callable[[dict[str, Any]], bool]

_TOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<str>"(?:[^"\\]|\\.)*")|(?P<word>[^\s()"]+))')
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "co": lambda a, b: isinstance(a, str) and isinstance(b, str) and b in a,
    "sw": lambda a, b: isinstance(a, str) and isinstance(b, str) and a.startswith(b),
    "ew": lambda a, b: isinstance(a, str) and isinstance(b, str) and a.endswith(b),
    "gt": lambda a, b: a is not None and b is not None and a > b,
    "ge": lambda a, b: a is not None and b is not None and a >= b,
    "lt": lambda a, b: a is not None and b is not None and a < b,
    "le": lambda a, b: a is not None and b is not None and a <= b,
}


class FilterError(ValueError):
    """A filter the emulator cannot parse (IDCS answers 400 invalidFilter)."""


def parse(text: str, case_insensitive: frozenset[str] = frozenset(),
          searchable: frozenset[str] | None = None) -> Predicate:
    """A predicate over resources; `case_insensitive` holds the lower-cased paths that are `caseExact: false`,
    `searchable` (when given) the lower-cased top-level attributes a filter may name (`idcsSearchable: true`)."""
    tokens = _tokenize(text)
    pos, pred = _Parser(case_insensitive, searchable).expr(tokens, 0)
    if pos != len(tokens):
        raise FilterError(f"unexpected {tokens[pos][1]!r} in filter")
    return pred


def _tokenize(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise FilterError(f"cannot read filter at {text[pos:]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    """Recursive descent over the tokens; knows which attributes compare without regard to case."""

    def __init__(self, case_insensitive: frozenset[str], searchable: frozenset[str] | None = None) -> None:
        self.case_insensitive = case_insensitive
        self.searchable = searchable

    def expr(self, tokens: list[tuple[str, str]], pos: int) -> tuple[int, Predicate]:
        pos, left = self.term(tokens, pos)
        while pos < len(tokens) and tokens[pos][0] == "word" and tokens[pos][1].lower() == "or":
            pos, right = self.term(tokens, pos + 1)
            left = (lambda a, b: lambda r: a(r) or b(r))(left, right)
        return pos, left

    def term(self, tokens: list[tuple[str, str]], pos: int) -> tuple[int, Predicate]:
        pos, left = self.factor(tokens, pos)
        while pos < len(tokens) and tokens[pos][0] == "word" and tokens[pos][1].lower() == "and":
            pos, right = self.factor(tokens, pos + 1)
            left = (lambda a, b: lambda r: a(r) and b(r))(left, right)
        return pos, left

    def factor(self, tokens: list[tuple[str, str]], pos: int) -> tuple[int, Predicate]:
        if pos >= len(tokens):
            raise FilterError("filter ends too early")
        kind, text = tokens[pos]
        if kind == "word" and text.lower() == "not":
            pos, inner = self.factor(tokens, pos + 1)
            return pos, lambda r: not inner(r)
        if kind == "lp":
            pos, inner = self.expr(tokens, pos + 1)
            if pos >= len(tokens) or tokens[pos][0] != "rp":
                raise FilterError("missing ')' in filter")
            return pos + 1, inner
        if kind != "word":
            raise FilterError(f"expected an attribute, got {text!r}")
        return self.comparison(tokens, pos)

    def comparison(self, tokens: list[tuple[str, str]], pos: int) -> tuple[int, Predicate]:
        path = tokens[pos][1]
        top = path.split(".", 1)[0].split("[", 1)[0]
        if self.searchable is not None and top.lower() not in self.searchable:
            raise FilterError(f"the attribute {top} is not searchable")
        if pos + 1 >= len(tokens):
            raise FilterError(f"no operator after {path!r}")
        op = tokens[pos + 1][1].lower()
        if op == "pr":
            return pos + 2, lambda r: lookup(r, path) is not None
        if op not in _OPS or pos + 2 >= len(tokens):
            raise FilterError(f"unknown operator {tokens[pos + 1][1]!r}")
        try:
            value = json.loads(tokens[pos + 2][1])
        except json.JSONDecodeError:
            raise FilterError(f"bad value {tokens[pos + 2][1]!r} (strings go in double quotes)") from None
        compare = _OPS[op]
        if path.lower() in self.case_insensitive:
            return pos + 3, lambda r: compare(_fold(lookup(r, path)), _fold(value))
        return pos + 3, lambda r: compare(lookup(r, path), value)


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def lookup(resource: dict[str, Any], path: str) -> Any:
    """An attribute by (dotted) path, attribute names matched case-insensitively as SCIM requires."""
    current: Any = resource
    for part in path.split("."):
        if not isinstance(current, dict):
            return None
        key = next((k for k in current if k.lower() == part.lower()), None)
        current = current.get(key) if key is not None else None
    return current

"""One route table: what each request is (its kind, for the request log) and which service answers it.

A route is a method, a path pattern with named parts, a kind, an optional test on the request, and a handler.
The first route that matches wins, so a narrower route (a filtered listing is a search) stands before a wider one.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .replies import Reply


@dataclass
class Request:
    """A request as the services see it: parsed once, by the server."""

    method: str
    target: str                         # path and query as sent (OCI signatures cover it)
    headers: dict[str, str]
    raw: bytes = b""
    path: str = field(init=False)
    query: dict[str, list[str]] = field(init=False)

    def __post_init__(self) -> None:
        split = urlsplit(self.target)
        self.path, self.query = unquote(split.path), parse_qs(split.query)

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def args(self, name: str) -> list[str]:
        """Every value of a repeatable parameter, comma-separated lists opened up."""
        return [v.strip() for value in self.query.get(name, []) for v in value.split(",") if v.strip()]

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def json(self) -> Any:
        try:
            return json.loads(self.raw) if self.raw else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.raw.decode(errors="replace")).items()}

    def bearer(self) -> str | None:
        auth = self.header("Authorization") or ""
        return auth[7:] if auth.startswith("Bearer ") else None

    def basic(self) -> tuple[str | None, str | None]:
        auth = self.header("Authorization") or ""
        if not auth.startswith("Basic "):
            return None, None
        try:
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        return unquote(user), unquote(password)


#: A route's handler: what it serves (the part of the server its route names, or the server's parts its service
#: declares as a Protocol), the request, and the path's named parts.
Handler = Callable[[Any, Request, dict[str, str]], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str                                     # "/admin/v1/Apps/{app_id}"
    kind: str
    handler: Handler
    when: Callable[[Request], bool] | None = None
    serves: str = ""                                 # the server's part the handler gets ("mosaic"); "": its parts

    def match(self, request: Request) -> dict[str, str] | None:
        if request.method != self.method or (self.when is not None and not self.when(request)):
            return None
        found = _regex(self.pattern).match(request.path)
        return found.groupdict() if found else None


@functools.cache
def _regex(pattern: str) -> re.Pattern[str]:
    """"/a/{b}" matches "/a/x" (and "/a/x/"), giving b = "x"."""
    parts = re.split(r"\{(\w+)\}", pattern)  # literal, name, literal, name, ...
    body = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
    return re.compile(f"^{body}/?$")


def find(routes: list[Route], request: Request) -> tuple[Route, dict[str, str]] | None:
    for route in routes:
        params = route.match(request)
        if params is not None:
            return route, params
    return None

"""How requests prove who sends them with an OAuth client, as `requests` auth objects: a bearer token that renews
itself.

`ClientCredentials` gets and caches a client_credentials token (IDCS admin token, Mosaic management token);
`BearerAuth` puts it on each request and, when the server answers 401 (the token expired or was revoked early),
gets a new one and sends the request once more. OCI's sign-in methods are the OCI SDK's own signers, themselves
auth objects (oci_auth).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import requests

from .pacing import SYSTEM_CLOCK, Clock
from .transport import Transport

#: Renew a token this long before the server says it expires.
TOKEN_MARGIN_SECONDS = 120


class ClientCredentials:
    """A client_credentials token from one token endpoint, cached until shortly before it expires."""

    def __init__(self, transport: Transport, path: str, form: dict[str, str], *,
                 refused: Callable[[requests.Response], Exception], basic: tuple[str, str] | None = None,
                 clock: Clock = SYSTEM_CLOCK) -> None:
        """form: the grant's fields; basic: HTTP Basic client credentials (else they travel in the form);
        refused: the error to raise, for people, when the endpoint says no."""
        self._transport, self._path, self._form, self._basic = transport, path, form, basic
        self._refused, self._clock = refused, clock
        self._value, self._expires_at = "", 0.0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ClientCredentials({self._transport.base_url + self._path!r})"

    def token(self, stale: str | None = None) -> str:
        """The cached token; a new one when it is near expiry or when it is `stale` (the server refused it)."""
        with self._lock:
            if not self._value or self._clock.monotonic() >= self._expires_at or self._value == stale:
                resp = self._transport.request("POST", self._path, data=self._form, auth=self._basic,
                                               headers={"Accept": "application/json"}, replay_safe=True)
                if not resp.ok:
                    raise self._refused(resp)
                body = resp.json()
                lifetime = float(body.get("expires_in") or 3600)
                self._value = str(body["access_token"])
                self._expires_at = self._clock.monotonic() + max(0.0, lifetime - TOKEN_MARGIN_SECONDS)
            return self._value


class BearerAuth(requests.auth.AuthBase):
    """`Authorization: Bearer <token>`. After a 401 the transport calls `renew`, which gets a new token if the
    refused one was the cached one, and resends the request through its own rate-limit slot."""

    def __init__(self, tokens: ClientCredentials) -> None:
        self.tokens = tokens

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self.tokens.token()}"
        return r

    def renew(self, refused: requests.PreparedRequest) -> bool:
        """Get a new token in place of the refused one (the next `__call__` uses it): the request is worth
        resending once."""
        self.tokens.token(stale=str(refused.headers.get("Authorization", ""))[len("Bearer "):])
        return True

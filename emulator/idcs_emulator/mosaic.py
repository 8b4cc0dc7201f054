"""Transmit Security Mosaic: the token endpoints and the client management API, as documented in docs/mosaic-api.md.

- `POST /oidc/token` (client_credentials, form): a client access token for an OIDC client, or a management token
  for a management app (allowed apps:read and apps:edit).
- `POST /cis/v1/auth/token/refresh` (Bearer client token, `{"refresh_token": ...}`): rotates the refresh token.
  The new access token lives the client's `token_expiration.access_token_ttl`; the new refresh token
  `refresh_token_ttl`, but never past `max_refresh_rotate` after the login that started the chain.
- `GET` / `PUT /cis/v1/applications/{appId}/clients/{clientId}` (Bearer management token): read a client, and
  replace the top-level fields a body names. An object field (`token_expiration`) is replaced whole, as Transmit
  documents it: keys left out are gone.

Errors are Mosaic-shaped: `{"message": <text or list>, "error_code": <status>}`.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from .grants import revoke_all
from .replies import ControlError, MosaicError

TTL_KEYS = ("access_token_ttl", "refresh_token_ttl", "max_refresh_rotate")
#: Fields a PUT may set (what the emulator models of a client); anything else is refused.
WRITABLE = frozenset({"name", "description", "token_expiration", "session_expiration", "redirect_uris"})


@dataclass
class _Refresh:
    client_id: str
    expires_at: float
    chain_started: float
    spent: bool = False


class Mosaic:
    """The Mosaic tenant: OIDC clients (by client id), management apps, issued tokens. Thread-safe."""

    def __init__(self, clients: list[dict[str, Any]], management: list[dict[str, Any]]) -> None:
        self.clients = {c["client_id"]: copy.deepcopy(c) for c in clients}
        self.management = {m["client_id"]: m["client_secret"] for m in management}
        self.tokens: dict[str, tuple[str, float, bool]] = {}  # token -> (client id, expires at, management)
        self.refresh: dict[str, _Refresh] = {}
        #: How the service answers (not a model fact): the Applications endpoints wrap their answers in
        #: {"result": ...}; the client spec shows them bare.
        self.wrap_results = False
        self._lock = threading.Lock()

    # --- tokens -------------------------------------------------------------------------------------------

    def client_token(self, form: dict[str, str]) -> dict[str, Any]:
        if form.get("grant_type") != "client_credentials":
            raise MosaicError(400, ["grant_type must be client_credentials"])
        client_id, secret = form.get("client_id", ""), form.get("client_secret")
        is_management = client_id in self.management
        known = self.management.get(client_id) if is_management else self.clients.get(client_id, {}).get(
            "client_secret")
        if known is None or known != secret:
            raise MosaicError(401, "Invalid client credentials")
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.tokens[token] = (client_id, time.monotonic() + 3600, is_management)
        return {"access_token": token, "token_type": "Bearer", "expires_in": 3600}

    def _holder(self, bearer: str | None) -> tuple[str, bool] | None:
        record = self.tokens.get(bearer or "")
        if record is None or record[1] <= time.monotonic():
            return None
        return record[0], record[2]

    def refresh_tokens(self, bearer: str | None, body: Any) -> dict[str, Any]:
        with self._lock:
            holder = self._holder(bearer)
            if holder is None or holder[1]:
                raise MosaicError(401, "Invalid token")
            if not isinstance(body, dict) or not isinstance(body.get("refresh_token"), str):
                raise MosaicError(400, ["refresh_token must be a string"])
            record = self.refresh.get(body["refresh_token"])
            if record is None or record.client_id != holder[0]:
                raise MosaicError(400, "Invalid refresh token")
            if record.spent:
                raise MosaicError(400, "Refresh token was already used or revoked")
            if record.expires_at <= time.monotonic():
                raise MosaicError(400, "Refresh token expired")
            record.spent = True
            return self._pair(holder[0], record.chain_started)

    def mint(self, client_id: str) -> dict[str, Any]:
        """A refresh token as a user login would give one (the start of a rotation chain)."""
        if client_id not in self.clients:
            raise ControlError(404, f"no Mosaic client {client_id!r}")
        with self._lock:
            return self._pair(client_id, time.monotonic())

    def revoke(self, client_id: str) -> int:
        with self._lock:
            return revoke_all(self.refresh.values(), client_id)

    def _pair(self, client_id: str, chain_started: float) -> dict[str, Any]:
        ttl = self.clients[client_id].get("token_expiration") or {}
        now = time.monotonic()
        expires = min(now + int(ttl.get("refresh_token_ttl", 1209600)),
                      chain_started + int(ttl.get("max_refresh_rotate", 1209600)))
        token = secrets.token_urlsafe(32)
        self.refresh[token] = _Refresh(client_id, expires, chain_started)
        return {"access_token": secrets.token_urlsafe(24), "id_token": secrets.token_urlsafe(24),
                "refresh_token": token, "token_type": "Bearer",
                "expires_in": int(ttl.get("access_token_ttl", 3600))}

    # --- client management --------------------------------------------------------------------------------

    def get_client(self, bearer: str | None, app_id: str, client_id: str) -> dict[str, Any]:
        with self._lock:
            return self._shown(self._managed_client(bearer, app_id, client_id))

    def put_client(self, bearer: str | None, app_id: str, client_id: str, body: Any) -> dict[str, Any]:
        with self._lock:
            client = self._managed_client(bearer, app_id, client_id)
            invalid = _put_problems(body)
            if invalid:
                raise MosaicError(400, invalid)
            for key, value in body.items():
                client[key] = copy.deepcopy(value)  # an object replaces the stored one whole
            return self._shown(client)

    def change_client(self, client_id: str, values: dict[str, Any]) -> None:
        """A portal edit behind the API's back: drift for tests."""
        with self._lock:
            self.clients[client_id].update(copy.deepcopy(values))

    def _managed_client(self, bearer: str | None, app_id: str, client_id: str) -> dict[str, Any]:
        holder = self._holder(bearer)
        if holder is None:
            raise MosaicError(401, "Invalid token")
        if not holder[1]:
            raise MosaicError(403, "The token lacks the permissions apps:read and apps:edit")
        client = self.clients.get(client_id)
        if client is None or client.get("app_id") != app_id:
            raise MosaicError(404, f"Client {client_id} not found in application {app_id}")
        return client

    def _shown(self, client: dict[str, Any]) -> dict[str, Any]:
        return {k: copy.deepcopy(v) for k, v in client.items() if k != "client_secret"}


def _put_problems(body: Any) -> list[str]:
    """What a PUT body gets wrong, as Mosaic lists it in a 400's message."""
    if not isinstance(body, dict):
        return ["body must be an object"]
    found = [f"property {k} should not exist" for k in body if k not in WRITABLE]
    expiration = body.get("token_expiration")
    if "token_expiration" in body:
        if not isinstance(expiration, dict):
            found.append("token_expiration must be an object")
        else:
            found += [f"token_expiration.{k} must be a positive integer" for k, v in expiration.items()
                      if k not in TTL_KEYS or type(v) is not int or v <= 0]
    if "session_expiration" in body and (type(body["session_expiration"]) is not int
                                         or body["session_expiration"] <= 0):
        found.append("session_expiration must be a positive integer")
    return found

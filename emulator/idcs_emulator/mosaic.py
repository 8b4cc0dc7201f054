"""Transmit Security Mosaic's token endpoints, for RefreshGrantCheck's "mosaic" flavor.

`POST /oidc/token` (client_credentials, form) gives a client access token; `POST /cis/v1/auth/token/refresh`
with it as Bearer and `{"refresh_token": ...}` rotates the refresh token. Errors are Mosaic-shaped:
`{"message": ..., "error_code": <status>}` (shared/reference/mosaic-api.md).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from .domain import Reply


@dataclass
class _Refresh:
    client_id: str
    expires_at: float
    spent: bool = False


def mosaic_error(status: int, message: str | list[str]) -> Reply:
    return Reply(status, {"message": message, "error_code": status})


class Mosaic:
    def __init__(self, clients: list[dict[str, Any]]) -> None:
        self.clients = {c["clientId"]: c for c in clients}
        self.client_tokens: dict[str, tuple[str, float]] = {}
        self.refresh: dict[str, _Refresh] = {}
        self._lock = threading.Lock()

    def client_token(self, form: dict[str, str]) -> Reply:
        if form.get("grant_type") != "client_credentials":
            return mosaic_error(400, ["grant_type must be client_credentials"])
        client = self.clients.get(form.get("client_id", ""))
        if client is None or client["clientSecret"] != form.get("client_secret"):
            return mosaic_error(401, "Invalid client credentials")
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.client_tokens[token] = (client["clientId"], time.monotonic() + 3600)
        return Reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})

    def refresh_tokens(self, bearer: str | None, body: Any) -> Reply:
        with self._lock:
            owner = self.client_tokens.get(bearer or "")
            if owner is None or owner[1] <= time.monotonic():
                return mosaic_error(401, "Invalid token")
            if not isinstance(body, dict) or not isinstance(body.get("refresh_token"), str):
                return mosaic_error(400, ["refresh_token must be a string"])
            record = self.refresh.get(body["refresh_token"])
            if record is None or record.client_id != owner[0]:
                return mosaic_error(400, "Invalid refresh token")
            if record.spent:
                return mosaic_error(400, "Refresh token was already used or revoked")
            if record.expires_at <= time.monotonic():
                return mosaic_error(400, "Refresh token expired")
            record.spent = True
        return Reply(200, self._pair(owner[0]))

    def mint(self, client_id: str) -> Reply:
        if client_id not in self.clients:
            return Reply(404, {"detail": f"no Mosaic client {client_id!r}"})
        return Reply(200, self._pair(client_id))

    def revoke(self, client_id: str) -> int:
        with self._lock:
            hits = [r for r in self.refresh.values() if r.client_id == client_id and not r.spent]
            for r in hits:
                r.spent = True
        return len(hits)

    def _pair(self, client_id: str) -> dict[str, Any]:
        client = self.clients[client_id]
        token = secrets.token_urlsafe(32)
        with self._lock:
            self.refresh[token] = _Refresh(client_id, time.monotonic() + int(client.get("refreshTokenTtl", 1209600)))
        return {"access_token": secrets.token_urlsafe(24), "id_token": secrets.token_urlsafe(24),
                "refresh_token": token, "token_type": "Bearer",
                "expires_in": int(client.get("accessTokenTtl", 3600))}

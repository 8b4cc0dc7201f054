"""User-token grants of the emulated IDCS domain: password (to obtain a first refresh token) and refresh_token.

Follows docs/idcs-api.md ("Tokens"): refresh tokens rotate (a spent one gets invalid_grant), `expires_in` comes
from the *resource* app's accessTokenExpiry and the new refresh token's lifetime from its refreshTokenExpiry,
`offline_access` is needed for a refresh token, which the resource app must allow (`allowOffline`) and the
client must be allowed (`refresh_token` in `allowedGrants`).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .domain import ADMIN_SCOPE, Domain
from .replies import ControlError, OAuthError

#: The domain itself as the resource of a `urn:opc:idm:__myscopes__` login. Its lifetimes are the emulator's
#: (Oracle's defaults for a domain's own tokens are not published: unconfirmed), and it allows offline_access, as
#: Oracle's documented login scope `urn:opc:idm:__myscopes__ offline_access` asks.
DOMAIN_AS_RESOURCE: dict[str, Any] = {"id": "IDCSAppId", "name": "IDCSAppId", "accessTokenExpiry": 3600,
                                      "refreshTokenExpiry": 604800, "allowOffline": True, "isOAuthResource": True}

OFFLINE = "offline_access"


@dataclass
class RefreshRecord:
    client_id: str
    scopes: tuple[str, ...]
    resource_app_id: str
    expires_at: float
    spent: bool = False


def revoke_all(records: Iterable[Any], client_id: str) -> int:
    """Spend every live refresh token of a client (as a user's logout or an admin's revoke would); how many."""
    hits = [r for r in records if r.client_id == client_id and not r.spent]
    for r in hits:
        r.spent = True
    return len(hits)


class Grants:
    """Refresh tokens and the two user grants; client_credentials stays with the Domain (admin API)."""

    def __init__(self, domain: Domain, users: list[dict[str, str]]) -> None:
        self.domain = domain
        self.users = {u["userName"]: u["password"] for u in users}
        self.refresh: dict[str, RefreshRecord] = {}
        self._lock = threading.Lock()

    def token(self, basic: tuple[str | None, str | None], form: dict[str, str]) -> dict[str, Any]:
        grant = form.get("grant_type")
        if grant == "client_credentials":
            return self.domain.issue_admin_token(basic[0], basic[1], form)
        if grant not in ("password", "refresh_token"):
            raise OAuthError(400, "unsupported_grant_type", f"grant_type {grant!r} is not supported")
        client = self._client(basic, form, grant)
        if grant == "password":
            return self._password(client, form)
        return self._refresh(client, form)

    def mint(self, client_id: str, scope: str) -> dict[str, Any]:
        """A refresh token as if a user had just logged in (test helper behind /_emulator/)."""
        client = self.domain.app_named(client_id)
        if client is None:
            raise ControlError(404, f"no client {client_id!r}")
        return self._issue(client, scope.split(), require_offline=True)

    def revoke(self, client_id: str) -> int:
        with self._lock:
            return revoke_all(self.refresh.values(), client_id)

    def _client(self, basic: tuple[str | None, str | None], form: dict[str, str], grant: str) -> dict[str, Any]:
        client_id = basic[0] or form.get("client_id")
        secret = basic[1] if basic[0] else form.get("client_secret")
        client = self.domain.app_named(client_id)
        if client is None or not client.get("isOAuthClient") or not client.get("active", True):
            raise OAuthError(401, "invalid_client", "Client authentication failed.")
        if client.get("clientType", "confidential") != "public" and secret != client.get("clientSecret"):
            raise OAuthError(401, "invalid_client", "Client authentication failed.")
        if grant not in (client.get("allowedGrants") or []):
            raise OAuthError(400, "unauthorized_client",
                                     f"The client is not authorized to use the {grant} grant.")
        return client

    def _password(self, client: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        if self.users.get(form.get("username", "")) != form.get("password") or not form.get("password"):
            raise OAuthError(400, "invalid_grant", "The user credentials are invalid.")
        return self._issue(client, (form.get("scope") or "").split(), require_offline=False)

    def _refresh(self, client: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        token = form.get("refresh_token") or ""
        with self._lock:
            record = self.refresh.get(token)
            if record is None or record.client_id != client["name"]:
                raise OAuthError(400, "invalid_grant", "The refresh token is invalid.")
            if record.spent:
                raise OAuthError(400, "invalid_grant", "The refresh token has already been used or was revoked.")
            if record.expires_at <= time.monotonic():
                raise OAuthError(400, "invalid_grant", "The refresh token has expired.")
            asked = (form.get("scope") or "").split()
            if asked and not set(asked) <= set(record.scopes):
                raise OAuthError(400, "invalid_scope", "The requested scope exceeds the original grant.")
            record.spent = True
        return self._issue(client, list(asked or record.scopes), require_offline=True)

    def _issue(self, client: dict[str, Any], scopes: list[str] | tuple[str, ...],
               require_offline: bool) -> dict[str, Any]:
        resource = self._resource(scopes)
        if resource is None:
            raise OAuthError(400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.")
        offline = OFFLINE in scopes
        if require_offline and not offline:
            raise OAuthError(400, "invalid_scope", "A refresh token needs the offline_access scope.")
        body: dict[str, Any] = {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer",
                                "expires_in": int(resource.get("accessTokenExpiry", 3600)), "scope": " ".join(scopes)}
        if offline:
            if not resource.get("allowOffline"):
                raise OAuthError(400, "invalid_scope", "The resource does not allow offline_access.")
            if "refresh_token" not in (client.get("allowedGrants") or []):
                raise OAuthError(400, "unauthorized_client", "The client may not use refresh tokens.")
            new = secrets.token_urlsafe(32)
            with self._lock:
                self.refresh[new] = RefreshRecord(client["name"], tuple(scopes), resource["id"],
                                                  time.monotonic() + int(resource.get("refreshTokenExpiry", 604800)))
            body["refresh_token"] = new
        return body

    def _resource(self, scopes: list[str] | tuple[str, ...]) -> dict[str, Any] | None:
        """The resource app a scope names: its audience followed by one of its scope values; for Oracle's
        `urn:opc:idm:__myscopes__` (every IDCS scope the client is granted: the domain's own APIs), the domain."""
        for scope in scopes:
            if scope == OFFLINE:
                continue
            if scope == ADMIN_SCOPE:
                return DOMAIN_AS_RESOURCE
            for app in self.domain.all_apps():
                audience = app.get("audience") or ""
                values = {s.get("value") for s in app.get("scopes") or []}
                if app.get("isOAuthResource") and audience and scope.startswith(audience) and \
                        scope[len(audience):] in values:
                    return app
        return None

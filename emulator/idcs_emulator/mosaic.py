"""Transmit Security Mosaic: the token endpoints and the client management API, as documented in docs/mosaic-api.md.

- `POST /oidc/token` (client_credentials, form): a client access token for an OIDC client, or a management token
  for a management app (allowed what mosaic_operations.json lists for each operation).
- `POST /cis/v1/auth/token/refresh` (Bearer client token, `{"refresh_token": ...}`): rotates the refresh token.
  The new access token lives the client's `token_expiration.access_token_ttl`; the new refresh token
  `refresh_token_ttl`, but never past `max_refresh_rotate` after the login that started the chain.
- `GET` / `PUT /cis/v1/applications/{appId}/clients/{clientId}` (Bearer management token): read a client, and
  replace the top-level fields a body names. An object field (`token_expiration`) is replaced whole, as Transmit
  documents it: keys left out are gone.
- Custom resources (tenant-wide): `GET /cis/v1/resources` (`{"result": [...]}`), `GET /cis/v1/resources/uri?
  resourceUri=...` (`{"result": {...}}`), `PUT /cis/v1/resources/{resourceId}` (flat TTLs in seconds, fields left
  out stay); no GET by id. A token for a `resource` (a login targeted at it, or client credentials with
  `resource=`) takes that resource's lifetimes, and a refresh keeps the resource of the login that started it.
- `GET /cis/v1/applications` (`{"result": [...]}`, each app with its id and name) and `GET /cis/v1/applications/
  {appId}/clients` (`{"result": [...]}`, the app's clients as a client GET shows them): permission apps:read.
- Permissions: each operation needs what Transmit's OpenAPI documents list for it (`mosaic_operations.json`, with
  its sources): any one of them by default, every one (app-scoped ones aside) with `permission_rule = "all"`. A
  management app holds the ones its seed lists (default: `PERMISSIONS`); a request without them is a 403.

Errors are Mosaic-shaped: `{"message": <text or list>, "error_code": <status>}`.
"""

from __future__ import annotations

import copy
import json
import secrets
import threading
import time
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .grants import revoke_all
from .replies import ControlError, MosaicError

TTL_KEYS = ("access_token_ttl", "refresh_token_ttl", "max_refresh_rotate")
#: Fields a PUT may set (what the emulator models of a client); anything else is refused.
WRITABLE = frozenset({"name", "description", "token_expiration", "session_expiration", "redirect_uris"})
#: Fields a resource PUT may set.
RESOURCE_WRITABLE = frozenset({"name", "description", "uri", *TTL_KEYS})
PERMISSIONS = ("apps:read", "apps:edit", "apps:create", "resources:read", "resources:edit")
#: Transmit's operations as its OpenAPI documents give them (method, path, permissions, security), with sources.
OPERATIONS: dict[str, dict[str, Any]] = json.loads(
    resources.files(__package__).joinpath("mosaic_operations.json").read_text())["operations"]


def required(operation: str, rule: str) -> tuple[frozenset[str], bool]:
    """(the permissions an operation lists, tenant-wide ones only; whether all of them are needed)."""
    listed = frozenset(p for p in OPERATIONS[operation]["permissions"] if not p.startswith("["))
    return listed, rule == "all"


@dataclass
class _Refresh:
    client_id: str
    expires_at: float
    chain_started: float
    resource: str | None = None
    spent: bool = False


class Mosaic:
    """The Mosaic tenant: OIDC clients (by client id), management apps, issued tokens. Thread-safe."""

    def __init__(self, clients: list[dict[str, Any]], management: list[dict[str, Any]],
                 resources: list[dict[str, Any]] | None = None) -> None:
        self.clients = {c["client_id"]: copy.deepcopy(c) for c in clients}
        self.management = {m["client_id"]: m["client_secret"] for m in management}
        self.permissions = {m["client_id"]: frozenset(m.get("permissions", PERMISSIONS)) for m in management}
        self.resources = {r["resource_id"]: copy.deepcopy(r) for r in resources or []}
        self.tokens: dict[str, tuple[str, float, bool]] = {}  # token -> (client id, expires at, management)
        self.refresh: dict[str, _Refresh] = {}
        #: How the service answers (not a model fact): the Applications endpoints wrap their answers in
        #: {"result": ...}; the client spec shows them bare.
        self.wrap_results = False
        self.permission_rule = "any"  # or "all": see mosaic_operations.json, "rule"
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
            lifetime = 3600
            if form.get("resource") and not is_management:
                lifetime = int(self._target(client_id, form["resource"], MosaicError).get("access_token_ttl", 3600))
            self.tokens[token] = (client_id, time.monotonic() + lifetime, is_management)
        return {"access_token": token, "token_type": "Bearer", "expires_in": lifetime}

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
            return self._pair(holder[0], record.chain_started, record.resource)  # no `resource`: the login's

    def mint(self, client_id: str, resource: str | None = None) -> dict[str, Any]:
        """A refresh token as a user login would give one (the start of a rotation chain), for `resource` (its
        URI) when the login targeted one."""
        if client_id not in self.clients:
            raise ControlError(404, f"no Mosaic client {client_id!r}")
        with self._lock:
            if resource:
                self._target(client_id, resource, ControlError)
            return self._pair(client_id, time.monotonic(), resource or None)

    def revoke(self, client_id: str) -> int:
        with self._lock:
            return revoke_all(self.refresh.values(), client_id)

    def _target(self, client_id: str, uri: str, error: type[MosaicError] | type[ControlError]) -> dict[str, Any]:
        """The resource a token asks for: it exists and was added to the client."""
        found = next((r for r in self.resources.values() if r.get("uri") == uri), None)
        if found is None or uri not in (self.clients[client_id].get("resources") or []):
            raise error(400, f"Resource {uri} is not allowed for client {client_id}")
        return found

    def _pair(self, client_id: str, chain_started: float, resource: str | None = None) -> dict[str, Any]:
        """Tokens with the resource's lifetimes when the chain targets one, else the client's."""
        target = next((r for r in self.resources.values() if r.get("uri") == resource), None) if resource else None
        ttl = target if target is not None else self.clients[client_id].get("token_expiration") or {}
        now = time.monotonic()
        expires = min(now + int(ttl.get("refresh_token_ttl", 1209600)),
                      chain_started + int(ttl.get("max_refresh_rotate", 1209600)))
        token = secrets.token_urlsafe(32)
        self.refresh[token] = _Refresh(client_id, expires, chain_started, resource)
        return {"access_token": secrets.token_urlsafe(24), "id_token": secrets.token_urlsafe(24),
                "refresh_token": token, "token_type": "Bearer",
                "expires_in": int(ttl.get("access_token_ttl", 3600))}

    # --- client management --------------------------------------------------------------------------------

    def get_client(self, bearer: str | None, app_id: str, client_id: str) -> dict[str, Any]:
        with self._lock:
            return self._shown(self._managed_client(bearer, app_id, client_id, "getAppClientById"))

    def put_client(self, bearer: str | None, app_id: str, client_id: str, body: Any) -> dict[str, Any]:
        with self._lock:
            client = self._managed_client(bearer, app_id, client_id, "updateAppClient")
            invalid = _put_problems(body)
            if invalid:
                raise MosaicError(400, invalid)
            for key, value in body.items():
                client[key] = copy.deepcopy(value)  # an object replaces the stored one whole
            return self._shown(client)

    def list_applications(self, bearer: str | None) -> list[dict[str, Any]]:
        """The tenant's applications (those its clients belong to), each with its id and name."""
        with self._lock:
            self._allowed(bearer, "getAllApps")
            ids = dict.fromkeys(str(c.get("app_id")) for c in self.clients.values())
            return [{"app_id": a, "app_name": a} for a in ids]

    def list_clients(self, bearer: str | None, app_id: str) -> list[dict[str, Any]]:
        with self._lock:
            self._allowed(bearer, "getAppClients")
            found = [self._shown(c) for c in self.clients.values() if c.get("app_id") == app_id]
            if not found:
                raise MosaicError(404, f"Application {app_id} not found")
            return found

    def change_client(self, client_id: str, values: dict[str, Any]) -> bool:
        """A portal edit behind the API's back: drift for tests (False when there is no such client)."""
        with self._lock:
            if client_id not in self.clients:
                return False
            self.clients[client_id].update(copy.deepcopy(values))
            return True

    def delete_client(self, client_id: str) -> bool:
        """A client deleted in the portal (False when there is none)."""
        with self._lock:
            return self.clients.pop(client_id, None) is not None

    def _managed_client(self, bearer: str | None, app_id: str, client_id: str, operation: str) -> dict[str, Any]:
        self._allowed(bearer, operation)
        client = self.clients.get(client_id)
        if client is None or client.get("app_id") != app_id:
            raise MosaicError(404, f"Client {client_id} not found in application {app_id}")
        return client

    def _allowed(self, bearer: str | None, operation: str) -> None:
        """A management token holding what the operation's document lists (any one, or all: `permission_rule`)."""
        holder = self._holder(bearer)
        if holder is None:
            raise MosaicError(401, "Invalid token")
        listed, every = required(operation, self.permission_rule)
        held = self.permissions.get(holder[0], frozenset()) if holder[1] else frozenset()
        lacking = sorted(listed - held)
        if (every and lacking) or (not every and not listed & held):
            raise MosaicError(403, f"The token lacks the permission {' and '.join(lacking)}" if every else
                              f"The token lacks the permission {' or '.join(sorted(listed))}")

    # --- custom resources ------------------------------------------------------------------------------------

    def list_resources(self, bearer: str | None) -> list[dict[str, Any]]:
        with self._lock:
            self._allowed(bearer, "getResources")
            return [copy.deepcopy(r) for r in self.resources.values()]

    def resource_by_uri(self, bearer: str | None, uri: str | None) -> dict[str, Any]:
        with self._lock:
            self._allowed(bearer, "getResourcesByUri")
            if not uri:
                raise MosaicError(400, ["resourceUri should not be empty"])
            found = next((r for r in self.resources.values() if r.get("uri") == uri), None)
            if found is None:
                raise MosaicError(404, f"Resource with uri {uri} not found")
            return copy.deepcopy(found)

    def put_resource(self, bearer: str | None, resource_id: str, body: Any) -> dict[str, Any]:
        with self._lock:
            self._allowed(bearer, "updateResource")
            resource = self.resources.get(resource_id)
            if resource is None:
                raise MosaicError(404, f"Resource {resource_id} not found")
            invalid = _resource_problems(body)
            if invalid:
                raise MosaicError(400, invalid)
            resource.update(copy.deepcopy(body))
            resource["updated_at"] = _now()
            return copy.deepcopy(resource)

    def change_resource(self, resource_id: str, values: dict[str, Any]) -> bool:
        """A portal edit behind the API's back: drift for tests (False when there is no such resource)."""
        with self._lock:
            if resource_id not in self.resources:
                return False
            self.resources[resource_id].update(copy.deepcopy(values))
            return True

    def delete_resource(self, resource_id: str) -> bool:
        """A resource deleted in the portal (False when there is none)."""
        with self._lock:
            return self.resources.pop(resource_id, None) is not None

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


def _resource_problems(body: Any) -> list[str]:
    """What a resource PUT body gets wrong, as Mosaic lists it in a 400's message."""
    if not isinstance(body, dict):
        return ["body must be an object"]
    found = [f"property {k} should not exist" for k in body if k not in RESOURCE_WRITABLE]
    found += [f"{k} must be a positive number" for k in TTL_KEYS
              if k in body and (type(body[k]) not in (int, float) or body[k] <= 0)]
    found += [f"{k} must be a string" for k in ("name", "description", "uri") if k in body
              and not isinstance(body[k], str)]
    return found


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())

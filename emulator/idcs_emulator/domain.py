"""An identity domain in memory: apps, admin clients, issued tokens, and the Apps API semantics.

Pure logic with no HTTP in it: every operation returns a `Reply` that `server.py` writes out. The behaviour
follows docs/idcs-api.md; where IDCS behaviour is unconfirmed it is a switch (`Behaviour`).
"""

from __future__ import annotations

import copy
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from . import filters

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
ORACLE_ERROR = "urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ADMIN_SCOPE = "urn:opc:idm:__myscopes__"

#: `returned: always` attributes of an App (sub-attribute basedOnTemplate.value).
ALWAYS_RETURNED = ("id", "displayName", "isAliasApp")
#: Attributes a PATCH may not set (read-only, or immutable once set).
READ_ONLY = frozenset({"id", "schemas", "meta", "idcsCreatedBy", "idcsLastModifiedBy", "clientSecret", "name",
                       "isAliasApp", "basedOnTemplate", "grantedAppRoles", "isOPCService", "infrastructure",
                       "migrated", "isManagedApp", "isUnmanagedApp", "attrRenderingMetadata", "domainid"})
INTEGER_ATTRIBUTES = frozenset({"accessTokenExpiry", "refreshTokenExpiry"})
#: App attributes whose schema says `caseExact: false` (Oracle's App schema): filters match them ignoring case.
CASE_INSENSITIVE = frozenset({"name", "displayname"})
MAX_COUNT = 1000


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Behaviour:
    """Switches for behaviour the reference marks unconfirmed, and deliberate misbehaviour for fault tests."""

    etags: bool = True                    # emit ETag and enforce If-Match with 412
    clamp: dict[str, int] = field(default_factory=dict)  # attribute -> largest value stored (silently)
    token_lifetime: int = 3600


def scim_error(status: int, detail: str, message_id: str) -> Reply:
    return Reply(status, {"schemas": [ERROR_SCHEMA, ORACLE_ERROR], "detail": detail, "status": str(status),
                          ORACLE_ERROR: {"messageId": message_id}},
                 {"X-ORACLE-DMS-ECID": uuid.uuid4().hex})


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{datetime.now().microsecond // 1000:03d}Z"


class Domain:
    """Apps and credentials of one emulated domain; thread-safe (the server is threaded)."""

    def __init__(self, seed: dict[str, Any], base_url: str = "") -> None:
        self._seed = copy.deepcopy(seed)
        self.base_url = base_url
        self.behaviour = Behaviour()
        self._lock = threading.RLock()
        self.reset()

    @classmethod
    def from_file(cls, path: str | Path | None) -> Domain:
        if path is None:
            text = resources.files(__package__).joinpath("demo_domain.json").read_text()
        else:
            text = Path(path).read_text()
        return cls(json.loads(text))

    @property
    def seed(self) -> dict[str, Any]:
        return copy.deepcopy(self._seed)

    def reset(self) -> None:
        with self._lock:
            self.apps: dict[str, dict[str, Any]] = {a["id"]: copy.deepcopy(a) for a in self._seed.get("apps", [])}
            self.admin_clients: dict[str, str] = {c["clientId"]: c["clientSecret"]
                                                  for c in self._seed.get("adminClients", [])}
            self.tokens: dict[str, float] = {}
            self.oci_keys: dict[str, str] = {k["keyId"]: k["publicKeyPem"] for k in self._seed.get("ociApiKeys", [])}
            self._versions: dict[str, int] = dict.fromkeys(self.apps, 1)

    # --- tokens -----------------------------------------------------------------------------------------

    def issue_admin_token(self, client_id: str | None, client_secret: str | None, form: dict[str, str]) -> Reply:
        if form.get("grant_type") != "client_credentials":
            return Reply(400, {"error": "unsupported_grant_type",
                               "error_description": f"grant_type {form.get('grant_type')!r} is not supported here"})
        with self._lock:
            if client_id is None or self.admin_clients.get(client_id) != client_secret:
                return Reply(401, {"error": "invalid_client", "error_description": "Client authentication failed."})
            if ADMIN_SCOPE not in (form.get("scope") or "").split():
                return Reply(400, {"error": "invalid_scope", "error_description": "The requested scope is invalid."})
            token = secrets.token_urlsafe(32)
            self.tokens[token] = time.monotonic() + self.behaviour.token_lifetime
        return Reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": self.behaviour.token_lifetime})

    def token_valid(self, token: str | None) -> bool:
        with self._lock:
            return token is not None and self.tokens.get(token, 0.0) > time.monotonic()

    def expire_tokens(self) -> None:
        """Invalidate every issued admin token (as if they had all expired)."""
        with self._lock:
            self.tokens.clear()

    # --- Apps ---------------------------------------------------------------------------------------------

    def get_app(self, app_id: str, attributes: str | None) -> Reply:
        with self._lock:
            app = self.apps.get(app_id)
            if app is None:
                return _not_found(app_id)
            return Reply(200, self._shape(app, attributes), self._etag(app_id))

    def list_apps(self, filter_text: str | None, attributes: str | None, start_index: int = 1,
                  count: int = 50) -> Reply:
        try:
            predicate = filters.parse(filter_text, CASE_INSENSITIVE) if filter_text else (lambda _r: True)
        except filters.FilterError as e:
            return scim_error(400, f"Invalid filter: {e}", "error.common.validation.invalidFilter")
        count = max(0, min(count, MAX_COUNT))
        with self._lock:
            matches = [a for a in self.apps.values() if predicate(a)]
            page = matches[max(0, start_index - 1): max(0, start_index - 1) + count]
            return Reply(200, {"schemas": [LIST_SCHEMA], "totalResults": len(matches),
                               "Resources": [self._shape(a, attributes) for a in page],
                               "startIndex": start_index, "itemsPerPage": len(page)})

    def patch_app(self, app_id: str, body: Any, attributes: str | None, if_match: str | None) -> Reply:
        with self._lock:
            app = self.apps.get(app_id)
            if app is None:
                return _not_found(app_id)
            if self.behaviour.etags and if_match and if_match != self._etag(app_id)["ETag"]:
                return scim_error(412, "The resource was modified since it was read (If-Match does not match).",
                                  "error.common.common.preconditionFailed")
            problem, asked = _patch_changes(body)
            if problem:
                return problem
            canonical = {k.lower(): k for k in (*app, *INTEGER_ATTRIBUTES)}
            changes = {canonical.get(k.lower(), k): v for k, v in asked.items()}
            for attr, value in changes.items():
                if attr in READ_ONLY:
                    return scim_error(400, f"Attribute {attr} is read-only or immutable and cannot be modified.",
                                      "error.common.validation.attributeNotUpdatable")
                if attr in INTEGER_ATTRIBUTES and (type(value) is not int or value <= 0):
                    return scim_error(400, f"Invalid value {json.dumps(value)} for attribute {attr}: a positive "
                                      "integer is required.", "error.common.validation.invalidValue")
            for attr, value in changes.items():
                ceiling = self.behaviour.clamp.get(attr)
                app[attr] = min(value, ceiling) if ceiling is not None and isinstance(value, int) else value
            self._touch(app_id)
            return Reply(200, self._shape(app, attributes), self._etag(app_id))

    def put_app(self, app_id: str, body: Any) -> Reply:
        """Full replace, as whole-app providers do it: every writable attribute from the body."""
        with self._lock:
            app = self.apps.get(app_id)
            if app is None:
                return _not_found(app_id)
            if not isinstance(body, dict):
                return scim_error(400, "A JSON object is required.", "error.common.validation.invalidPayload")
            kept = {k: v for k, v in app.items() if k in READ_ONLY}
            app.clear()
            app.update({k: v for k, v in body.items() if k not in READ_ONLY}, **kept)
            self._touch(app_id)
            return Reply(200, self._shape(app, None), self._etag(app_id))

    def change_app(self, app_id: str, values: dict[str, Any]) -> bool:
        """Change an app behind the API's back (a console edit): drift and concurrency for tests."""
        with self._lock:
            app = self.apps.get(app_id)
            if app is None:
                return False
            app.update(values)
            self._touch(app_id)
            return True

    def bump_version(self, app_id: str) -> None:
        with self._lock:
            self._touch(app_id)

    def _touch(self, app_id: str) -> None:
        self._versions[app_id] = self._versions.get(app_id, 0) + 1
        meta = self.apps[app_id].setdefault("meta", {})
        meta["lastModified"] = _now()

    def _etag(self, app_id: str) -> dict[str, str]:
        return {"ETag": f'W/"{self._versions.get(app_id, 1)}"'} if self.behaviour.etags else {}

    def _shape(self, app: dict[str, Any], attributes: str | None) -> dict[str, Any]:
        """What IDCS returns: everything for a bare GET; else the named attributes plus the always-returned."""
        if not attributes:
            full = copy.deepcopy(app)
            full.setdefault("meta", {})["location"] = f"{self.base_url}/admin/v1/Apps/{app['id']}"
            return full
        names = {a.strip().lower() for a in attributes.split(",") if a.strip()}
        if "meta.version" in names and self.behaviour.etags:  # Oracle's SDK: meta.version equals the ETag
            app = {**app, "meta": {**app.get("meta", {}), "version": self._etag(app["id"])["ETag"]}}
        out = {k: copy.deepcopy(v) for k, v in app.items()
               if k.lower() in names or k in ALWAYS_RETURNED or any(n.startswith(k.lower() + ".") for n in names)}
        if "schemas" not in names:
            out.pop("schemas", None)
        if "meta" not in names and not any(n.startswith("meta.") for n in names):
            out.pop("meta", None)
        template = app.get("basedOnTemplate")
        if isinstance(template, dict) and "basedontemplate" not in names:
            out["basedOnTemplate"] = {"value": template.get("value")}
        return out


def _not_found(app_id: str) -> Reply:
    return scim_error(404, f"Resource {app_id} not found.", "error.common.validation.invalidReferenceResource")


def _patch_changes(body: Any) -> tuple[Reply | None, dict[str, Any]]:
    """The attribute changes a PatchOp asks for, or the 400 it deserves."""
    if not isinstance(body, dict) or PATCH_SCHEMA not in (body.get("schemas") or []):
        return scim_error(400, f"The request must carry schemas [{PATCH_SCHEMA}].",
                          "error.common.validation.missingReqAttributes"), {}
    operations = body.get("Operations")
    if not isinstance(operations, list) or not operations:
        return scim_error(400, "Missing required attribute(s): Operations",
                          "error.common.validation.missingReqAttributes"), {}
    changes: dict[str, Any] = {}
    for op in operations:
        kind = str(op.get("op", "")).lower() if isinstance(op, dict) else ""
        if kind not in ("replace", "add"):
            return scim_error(400, f"Unsupported PATCH op {op.get('op') if isinstance(op, dict) else op!r}; use "
                              "replace or add.", "error.common.validation.invalidPatchOp"), {}
        path = op.get("path")
        if path is None:
            if not isinstance(op.get("value"), dict):
                return scim_error(400, "A PATCH op without path needs an object value.",
                                  "error.common.validation.invalidPatchOp"), {}
            changes.update(op["value"])
        elif not isinstance(path, str) or not path or "." in path or "[" in path:
            return scim_error(400, f"Unsupported path {path!r}.", "error.common.validation.invalidPatchOp"), {}
        else:
            changes[path] = op.get("value")
    return None, changes

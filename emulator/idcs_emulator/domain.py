"""An identity domain in memory: apps, admin clients, issued tokens, and the Apps API semantics.

The model of the IDCS service, with no HTTP in it: operations return plain data (an app, a list response, a token)
or raise `ScimError` / `OAuthError`; `idcs_service.py` turns both into replies. The behaviour follows
docs/idcs-api.md; where IDCS behaviour is unconfirmed it is a switch (`Behaviour`).
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from . import filters
from .projection import UnknownAttributeSet, project
from .replies import OAuthError, ScimError

LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ADMIN_SCOPE = "urn:opc:idm:__myscopes__"

#: Attributes a PATCH may not set (read-only, or immutable once set).
READ_ONLY = frozenset({"id", "schemas", "meta", "idcsCreatedBy", "idcsLastModifiedBy", "clientSecret", "name",
                       "isAliasApp", "basedOnTemplate", "grantedAppRoles", "isOPCService", "infrastructure",
                       "migrated", "isManagedApp", "isUnmanagedApp", "attrRenderingMetadata", "domainid"})
INTEGER_ATTRIBUTES = frozenset({"accessTokenExpiry", "refreshTokenExpiry"})
#: App attributes whose schema says `caseExact: false` (Oracle's App schema): filters match them ignoring case.
CASE_INSENSITIVE = frozenset({"name", "displayname"})
MAX_COUNT = 1000
#: The App attributes a filter may name: those Oracle's SDK App model marks `idcsSearchable: true` (oci
#: 2.189, `oci.identity_domains.models.App`; tests/unit/test_oci_sdk_conformance.py reads them from the installed
#: package and compares). A filter on another (accessTokenExpiry, clientType…) is a 400, as a real domain answers.
SEARCHABLE = frozenset(a.lower() for a in (
    "id", "ocid", "tags", "deleteInProgress", "name", "displayName", "description", "active", "migrated",
    "infrastructure", "isLoginTarget", "showInMyApps", "loginMechanism", "isFormFill", "isOAuthClient", "isRadiusApp",
    "allUrlSchemesAllowed", "allowedGrants", "allowedOperations", "isOPCService", "isUnmanagedApp",
    "allowAccessControl", "isOAuthResource", "allowOffline", "isMobileTarget", "isSamlServiceProvider",
    "isWebTierPolicy", "isKerberosRealm", "isAliasApp", "isManagedApp", "serviceTypeURN", "serviceTypeVersion",
    "isObligationCapable", "readyToUpgrade", "isDatabaseService", "isEnterpriseApp", "isMulticloudServiceApp",
    "allowedTags", "trustPolicies", "accounts", "grants", "grantedAppRoles", "allowedScopes", "aliasApps", "scopes"))


@dataclass(frozen=True)
class Shape:
    """What an answer should carry: named attributes and attribute sets (query or .search body)."""

    attributes: tuple[str, ...] = ()
    sets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    """A listing's filter, order and page."""

    filter: str | None = None
    start_index: int = 1
    count: int = 50
    sort_by: str | None = None
    descending: bool = False


@dataclass
class Behaviour:
    """Switches for behaviour the reference marks unconfirmed, and deliberate misbehaviour for fault tests."""

    etags: bool = True                    # emit ETag and enforce If-Match with 412
    bare_meta_version: bool = False       # listings' meta.version without the ETag's W/"…" (unconfirmed format)
    refuse_count_zero: bool = False       # answer 400 to count=0 (Oracle documents no minimum: unconfirmed)
    clamp: dict[str, int] = field(default_factory=dict)  # attribute -> largest value stored (silently)
    max_filter_terms: int | None = None  # refuse a longer filter with 400 (Oracle documents no limit: unconfirmed)
    token_lifetime: int = 3600


_OR = re.compile(r"\s+or\s+", re.IGNORECASE)
_ID_EQ = re.compile(r'\s*id\s+eq\s+"([^"\\]*)"\s*', re.IGNORECASE)


def _ids_named(text: str | None) -> list[str] | None:
    """The ids of a filter that only says `id eq "a" or id eq "b" ...`, else None."""
    if not text:
        return None
    found = [_ID_EQ.fullmatch(term) for term in _OR.split(text)]
    return [m.group(1) for m in found if m] if all(found) else None


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
            self.token_clients: dict[str, str] = {}  # which admin client each token was issued to
            self.oci_keys: dict[str, str] = {k["keyId"]: k["publicKeyPem"] for k in self._seed.get("ociApiKeys", [])}
            self._versions: dict[str, int] = dict.fromkeys(self.apps, 1)

    # --- tokens -----------------------------------------------------------------------------------------

    def issue_admin_token(self, client_id: str | None, client_secret: str | None,
                          form: dict[str, str]) -> dict[str, Any]:
        if form.get("grant_type") != "client_credentials":
            raise OAuthError(400, "unsupported_grant_type",
                             f"grant_type {form.get('grant_type')!r} is not supported here")
        with self._lock:
            if client_id is None or self.admin_clients.get(client_id) != client_secret:
                raise OAuthError(401, "invalid_client", "Client authentication failed.")
            if ADMIN_SCOPE not in (form.get("scope") or "").split():
                raise OAuthError(400, "invalid_scope", "The requested scope is invalid.")
            token = secrets.token_urlsafe(32)
            self.tokens[token] = time.monotonic() + self.behaviour.token_lifetime
            self.token_clients[token] = client_id
        return {"access_token": token, "token_type": "Bearer", "expires_in": self.behaviour.token_lifetime}

    def token_valid(self, token: str | None) -> bool:
        with self._lock:
            return token is not None and self.tokens.get(token, 0.0) > time.monotonic()

    def expire_tokens(self) -> None:
        """Invalidate every issued admin token (as if they had all expired)."""
        with self._lock:
            self.tokens.clear()

    # --- Apps ---------------------------------------------------------------------------------------------

    def get_app(self, app_id: str, shape: Shape) -> tuple[dict[str, Any], str | None]:
        """(the app as shaped, its ETag or None)."""
        with self._lock:
            return self._shaped(self._app(app_id), shape), self.etag(app_id)

    def list_apps(self, page: Page, shape: Shape) -> dict[str, Any]:
        """A SCIM ListResponse: the apps the filter matches, in order, one page of them."""
        try:
            predicate = filters.parse(page.filter, CASE_INSENSITIVE, SEARCHABLE) if page.filter else (lambda _r: True)
        except filters.FilterError as e:
            raise ScimError(400, f"Invalid filter: {e}", "error.common.validation.invalidFilter") from None
        if self.behaviour.refuse_count_zero and page.count <= 0:
            raise ScimError(400, "Invalid value 0 for count.", "error.common.validation.invalidValue")
        terms = len(_OR.split(page.filter or "x"))
        if self.behaviour.max_filter_terms is not None and terms > self.behaviour.max_filter_terms:
            raise ScimError(400, f"Invalid filter: more than {self.behaviour.max_filter_terms} terms",
                            "error.common.validation.invalidFilter")
        count, start = max(0, min(page.count, MAX_COUNT)), max(1, page.start_index)
        ids = _ids_named(page.filter)
        with self._lock:
            if ids is not None:  # `id eq "a" or id eq "b" ...`: looked up, not matched against every app
                matches = [self.apps[i] for i in dict.fromkeys(ids) if i in self.apps]
            else:
                matches = [a for a in self.apps.values() if predicate(a)]
            if page.sort_by:
                matches.sort(key=lambda a: _sort_key(a, str(page.sort_by)), reverse=page.descending)
            chosen = matches[start - 1: start - 1 + count]
            return {"schemas": [LIST_SCHEMA], "totalResults": len(matches),
                    "Resources": [self._shaped(a, shape) for a in chosen], "startIndex": start,
                    "itemsPerPage": len(chosen)}

    def writer(self, token: str | None) -> dict[str, str]:
        """idcsLastModifiedBy of a write through the API: the OAuth client the bearer token was issued to, as
        IDCS records an app (Oracle's example App carries {"type": "App", "display": <client>, "value": <id>})."""
        with self._lock:
            client = self.token_clients.get(token or "")
        if client is None:  # a request signed with an OCI key: a user principal
            return {"type": "User", "display": "OCI signed request", "value": "oci-principal"}
        app = next((a for a in self.apps.values() if a.get("name") == client), None)
        return {"type": "App", "display": client, "value": str(app["id"]) if app else client}

    def patch_app(self, app_id: str, body: Any, shape: Shape, if_match: str | None,
                  by: dict[str, str] | None = None) -> tuple[dict[str, Any], str | None]:
        """Apply a PatchOp atomically: every operation is checked before any is applied."""
        with self._lock:
            app = self._app(app_id)
            self._check_version(app_id, if_match)
            canonical = {k.lower(): k for k in (*app, *INTEGER_ATTRIBUTES)}
            changes = {canonical.get(k.lower(), k): v for k, v in _patch_changes(body).items()}
            for attr, value in changes.items():
                if attr in READ_ONLY:
                    raise ScimError(400, f"Attribute {attr} is read-only or immutable and cannot be modified.",
                                    "error.common.validation.attributeNotUpdatable")
                if attr in INTEGER_ATTRIBUTES and (type(value) is not int or value <= 0):
                    raise ScimError(400, f"Invalid value {json.dumps(value)} for attribute {attr}: a positive "
                                    "integer is required.", "error.common.validation.invalidValue")
            for attr, value in changes.items():
                ceiling = self.behaviour.clamp.get(attr)
                app[attr] = min(value, ceiling) if ceiling is not None and isinstance(value, int) else value
            self._touch(app_id, by)
            return self._shaped(app, shape), self.etag(app_id)

    def put_app(self, app_id: str, body: Any, if_match: str | None = None,
                by: dict[str, str] | None = None) -> tuple[dict[str, Any], str | None]:
        """Full replace, as whole-app providers do it: every writable attribute from the body."""
        with self._lock:
            app = self._app(app_id)
            self._check_version(app_id, if_match)
            if not isinstance(body, dict):
                raise ScimError(400, "A JSON object is required.", "error.common.validation.invalidPayload")
            kept = {k: v for k, v in app.items() if k in READ_ONLY}
            app.clear()
            app.update({k: v for k, v in body.items() if k not in READ_ONLY}, **kept)
            self._touch(app_id, by)
            return self._shaped(app, Shape()), self.etag(app_id)

    def app_named(self, name: str | None) -> dict[str, Any] | None:
        """A copy of the app whose name (the OAuth client id) is `name`."""
        with self._lock:
            found = next((a for a in self.apps.values() if a.get("name") == name), None)
            return copy.deepcopy(found) if found else None

    def client_secret_matches(self, client_id: str, secret: str | None) -> bool:
        """Whether a confidential OAuth client of the domain authenticates with `secret`."""
        app = self.app_named(client_id)
        return bool(app and app.get("isOAuthClient") and app.get("active", True) and secret
                    and app.get("clientSecret") == secret)

    def all_apps(self) -> list[dict[str, Any]]:
        """Copies of every app, for readers outside the lock (the grants, the control API)."""
        with self._lock:
            return copy.deepcopy(list(self.apps.values()))

    def change_app(self, app_id: str, values: dict[str, Any], by: str = "console.admin@example.com") -> bool:
        """Change an app behind the API's back (a console edit, recorded as the signed-in user's): drift and
        concurrency for tests."""
        with self._lock:
            app = self.apps.get(app_id)
            if app is None:
                return False
            app.update(values)
            self._touch(app_id, {"type": "User", "display": by, "value": by})
            return True

    def delete_app(self, app_id: str) -> bool:
        """An app deleted in the console (False when there is none)."""
        with self._lock:
            return self.apps.pop(app_id, None) is not None

    def bump_version(self, app_id: str) -> None:
        with self._lock:
            self._touch(app_id)

    def _touch(self, app_id: str, by: dict[str, str] | None = None) -> None:
        self._versions[app_id] = self._versions.get(app_id, 0) + 1
        meta = self.apps[app_id].setdefault("meta", {})
        meta["lastModified"] = _now()
        if by is not None:
            self.apps[app_id]["idcsLastModifiedBy"] = dict(by)

    def etag(self, app_id: str) -> str | None:
        return f'W/"{self._versions.get(app_id, 1)}"' if self.behaviour.etags else None

    def _meta_version(self, app_id: str) -> str | None:
        etag = self.etag(app_id)
        if etag and self.behaviour.bare_meta_version:
            return etag.removeprefix("W/").strip('"')
        return etag

    def _check_version(self, app_id: str, if_match: str | None) -> None:
        if self.behaviour.etags and if_match and if_match != self.etag(app_id):
            raise ScimError(412, "The resource was modified since it was read (If-Match does not match).",
                            "error.common.common.preconditionFailed")

    def _app(self, app_id: str) -> dict[str, Any]:
        app = self.apps.get(app_id)
        if app is None:
            raise ScimError(404, f"Resource {app_id} not found.", "error.common.validation.invalidReferenceResource")
        return app

    def _shaped(self, app: dict[str, Any], shape: Shape) -> dict[str, Any]:
        app = {**app, "meta": {**app.get("meta", {}), "location": f"{self.base_url}/admin/v1/Apps/{app['id']}"}}
        try:
            return project(app, list(shape.attributes), list(shape.sets), self._meta_version(app["id"]))
        except UnknownAttributeSet as e:
            raise ScimError(400, str(e), "error.common.validation.invalidAttributeSet") from None


def _sort_key(app: dict[str, Any], attribute: str) -> tuple[bool, str]:
    """Apps without the attribute sort last; names compare without regard to case, as IDCS compares them."""
    value = next((v for k, v in app.items() if k.lower() == attribute.lower()), None)
    return value is None, str(value).casefold() if value is not None else ""


def _patch_changes(body: Any) -> dict[str, Any]:
    """The attribute changes a PatchOp asks for; a malformed one is refused with 400."""
    if not isinstance(body, dict) or PATCH_SCHEMA not in (body.get("schemas") or []):
        raise ScimError(400, f"The request must carry schemas [{PATCH_SCHEMA}].",
                        "error.common.validation.missingReqAttributes")
    operations = body.get("Operations")
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, "Missing required attribute(s): Operations",
                        "error.common.validation.missingReqAttributes")
    changes: dict[str, Any] = {}
    for op in operations:
        kind = str(op.get("op", "")).lower() if isinstance(op, dict) else ""
        if kind not in ("replace", "add"):
            raise ScimError(400, f"Unsupported PATCH op {op.get('op') if isinstance(op, dict) else op!r}; use "
                            "replace or add.", "error.common.validation.invalidPatchOp")
        path = op.get("path")
        if path is None:
            if not isinstance(op.get("value"), dict):
                raise ScimError(400, "A PATCH op without path needs an object value.",
                                "error.common.validation.invalidPatchOp")
            changes.update(op["value"])
        elif not isinstance(path, str) or not path or "." in path or "[" in path:
            raise ScimError(400, f"Unsupported path {path!r}.", "error.common.validation.invalidPatchOp")
        else:
            changes[path] = op.get("value")
    return changes

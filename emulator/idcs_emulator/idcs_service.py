"""The IDCS service: the token endpoint and the Apps API, over the `Domain` and `Grants` models.

Answers as Oracle's SDK expects them (docs/idcs-api.md): `application/scim+json`, an ETag equal to
`meta.version`, an `opc-request-id` on every answer (the client's own when it sent one), and `attributes`,
`attributeSets`, `filter`, `sortBy`/`sortOrder`, `startIndex`/`count` from the query or a `.search` body.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from . import oci_signature
from .domain import Domain, Page, Shape
from .grants import Grants
from .oci_tokens import EXCHANGE_GRANT, OciTokens
from .replies import SCIM_JSON, Reply, ScimError
from .routes import Request, Route


class IdcsParts(Protocol):
    """What the IDCS service serves: the domain's apps, its grants, and the OCI tokens it accepts."""

    domain: Domain
    grants: Grants

    @property
    def oci_tokens(self) -> OciTokens: ...

APPS = "/admin/v1/Apps"


def token(emu: IdcsParts, req: Request, _params: dict[str, str]) -> Reply:
    form = req.form()
    if form.get("grant_type") == EXCHANGE_GRANT:  # JWT to UPST, under an identity propagation trust
        return Reply(200, emu.oci_tokens.exchange(req.basic(), form, emu.domain.client_secret_matches))
    return Reply(200, emu.grants.token(req.basic(), form))


def list_apps(emu: IdcsParts, req: Request, _params: dict[str, str]) -> Reply:
    _authorised(emu, req)
    page = Page(filter=req.arg("filter"), start_index=_int(req.arg("startIndex"), 1), count=_int(req.arg("count"), 50),
                sort_by=req.arg("sortBy"), descending=(req.arg("sortOrder") or "").upper() == "DESCENDING")
    return _scim(req, 200, emu.domain.list_apps(page, Shape(tuple(req.args("attributes")),
                                                            tuple(req.args("attributeSets")))))


def search_apps(emu: IdcsParts, req: Request, _params: dict[str, str]) -> Reply:
    _authorised(emu, req)
    spec = req.json() if isinstance(req.json(), dict) else {}
    page = Page(filter=spec.get("filter"), start_index=_int(spec.get("startIndex"), 1),
                count=_int(spec.get("count"), 50), sort_by=spec.get("sortBy"),
                descending=str(spec.get("sortOrder") or "").upper() == "DESCENDING")
    shape = Shape(tuple(spec.get("attributes") or ()), tuple(spec.get("attributeSets") or ()))
    return _scim(req, 200, emu.domain.list_apps(page, shape))


def get_app(emu: IdcsParts, req: Request, params: dict[str, str]) -> Reply:
    _authorised(emu, req)
    app, etag = emu.domain.get_app(params["app_id"], _shape(req))
    return _scim(req, 200, app, etag)


def patch_app(emu: IdcsParts, req: Request, params: dict[str, str]) -> Reply:
    _authorised(emu, req)
    app, etag = emu.domain.patch_app(params["app_id"], req.json(), _shape(req), req.header("If-Match"),
                                     emu.domain.writer(req.bearer()))
    return _scim(req, 200, app, etag)


def put_app(emu: IdcsParts, req: Request, params: dict[str, str]) -> Reply:
    _authorised(emu, req)
    app, etag = emu.domain.put_app(params["app_id"], req.json(), req.header("If-Match"),
                                   emu.domain.writer(req.bearer()))
    return _scim(req, 200, app, etag)


def request_id(req: Request) -> str:
    """The client's opc-request-id, or a new one: every IDCS answer carries one."""
    return req.header("opc-request-id") or uuid.uuid4().hex.upper()


def _scim(req: Request, status: int, body: Any, etag: str | None = None) -> Reply:
    headers = {"opc-request-id": request_id(req)}
    if etag:
        headers["ETag"] = etag
    return Reply(status, body, headers, SCIM_JSON)


def _shape(req: Request) -> Shape:
    return Shape(tuple(req.args("attributes")), tuple(req.args("attributeSets")))


def _int(value: Any, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except (TypeError, ValueError):
        raise ScimError(400, f"{value!r} is not a number.", "error.common.validation.invalidValue") from None


def _authorised(emu: IdcsParts, req: Request) -> None:
    """A valid bearer token, or an OCI request signature of a key the domain knows."""
    auth = req.header("Authorization") or ""
    if auth.startswith("Signature "):
        keys, key_id = emu.domain.oci_keys, oci_signature.key_id(auth)
        problem = None
        if key_id.startswith("ST$"):  # a security token: the key that signs is the one the token carries
            problem, pem = emu.oci_tokens.holder_key(key_id)
            keys = {key_id: pem}
        problem = problem or oci_signature.verify(req.method, req.target, req.headers, req.raw, keys)
        if problem:
            raise ScimError(401, f"Access denied: {problem}.", "error.common.common.accessDenied")
    elif not emu.domain.token_valid(req.bearer()):
        raise ScimError(401, "Access denied: a valid bearer token is required.", "error.common.common.accessDenied")


def _filtered(req: Request) -> bool:
    return req.arg("filter") is not None


ROUTES = [
    Route("POST", "/oauth2/v1/token", "token", token),
    Route("GET", APPS, "search", list_apps, when=_filtered),
    Route("GET", APPS, "list", list_apps),
    Route("POST", APPS + "/.search", "search", search_apps),
    Route("GET", APPS + "/{app_id}", "get", get_app),
    Route("PATCH", APPS + "/{app_id}", "patch", patch_app),
    Route("PUT", APPS + "/{app_id}", "put", put_app),
]

"""The emulator's own API under `/_emulator/`, for tests and demos: the request log, faults, drift, test tokens.

Its requests are neither logged nor subject to faults.
"""

from __future__ import annotations

from typing import Any, Protocol

from .domain import Domain
from .grants import Grants
from .mosaic import Mosaic
from .oci_tokens import OciTokens
from .replies import ControlError, Reply
from .routes import Request, Route


class Controlled(Protocol):
    """What the control API drives: the request log, the faults, and every model (it plays the console)."""

    domain: Domain
    grants: Grants
    mosaic: Mosaic

    @property
    def oci_tokens(self) -> OciTokens: ...

    def requests_of(self, kind: str | None = None) -> list[dict[str, Any]]: ...

    def clear_requests(self) -> None: ...

    def set_faults(self, spec: dict[str, Any]) -> None: ...

    def reset(self) -> None: ...


def _spec(req: Request) -> dict[str, Any]:
    body = req.json()
    return body if isinstance(body, dict) else {}


def requests_log(emu: Controlled, _req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, emu.requests_of())


def clear_log(emu: Controlled, _req: Request, _params: dict[str, str]) -> Reply:
    emu.clear_requests()
    return Reply(204)


def faults(emu: Controlled, req: Request, _params: dict[str, str]) -> Reply:
    emu.set_faults(_spec(req))
    return Reply(204)


def reset(emu: Controlled, _req: Request, _params: dict[str, str]) -> Reply:
    emu.reset()
    return Reply(204)


def mint(emu: Controlled, req: Request, _params: dict[str, str]) -> Reply:
    spec = _spec(req)
    return Reply(200, emu.grants.mint(str(spec.get("clientId")), str(spec.get("scope") or "")))


def revoke(emu: Controlled, req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, {"revoked": emu.grants.revoke(str(_spec(req).get("clientId")))})


def oci_key(emu: Controlled, req: Request, _params: dict[str, str]) -> Reply:
    spec = _spec(req)
    emu.domain.oci_keys[str(spec.get("keyId"))] = str(spec.get("publicKeyPem"))
    return Reply(204)


def oci_security_token(emu: Controlled, req: Request, _params: dict[str, str]) -> Reply:
    """A session token or a resource principal token for a public key, as `oci session authenticate` or OCI
    DevOps would hand one out."""
    spec = _spec(req)
    return Reply(200, {"token": emu.oci_tokens.mint(str(spec.get("publicKeyPem")), str(spec.get("kind", "session")),
                                                    str(spec.get("subject", "demo.user@example.com")),
                                                    int(spec.get("lifetime", 3600)))})


def oci_trust(emu: Controlled, req: Request, _params: dict[str, str]) -> Reply:
    emu.oci_tokens.add_trust({k: str(v) for k, v in _spec(req).items()})
    return Reply(204)


def mosaic_mint(emu: Controlled, req: Request, _params: dict[str, str]) -> Reply:
    spec = _spec(req)
    return Reply(200, emu.mosaic.mint(str(spec.get("clientId")), spec.get("resource") or None))


def mosaic_revoke(emu: Controlled, req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, {"revoked": emu.mosaic.revoke(str(_spec(req).get("clientId")))})


def all_apps(emu: Controlled, _req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, emu.domain.all_apps())


def stored_app(emu: Controlled, _req: Request, params: dict[str, str]) -> Reply:
    app = next((a for a in emu.domain.all_apps() if a["id"] == params["app_id"]), None)
    if app is None:
        raise ControlError(404, "no such app")
    return Reply(200, app)


def change_app(emu: Controlled, req: Request, params: dict[str, str]) -> Reply:
    """An edit behind the API's back (a console change): drift."""
    if not emu.domain.change_app(params["app_id"], _spec(req)):
        raise ControlError(404, "no such app")
    return Reply(204)


def delete_app(emu: Controlled, _req: Request, params: dict[str, str]) -> Reply:
    """An app deleted in the console."""
    if not emu.domain.delete_app(params["app_id"]):
        raise ControlError(404, "no such app")
    return Reply(204)


def change_mosaic_client(emu: Controlled, req: Request, params: dict[str, str]) -> Reply:
    """A portal edit of a Mosaic client (its fields as Mosaic names them, e.g. token_expiration): drift."""
    if not emu.mosaic.change_client(params["client_id"], _spec(req)):
        raise ControlError(404, "no such Mosaic client")
    return Reply(204)


def delete_mosaic_client(emu: Controlled, _req: Request, params: dict[str, str]) -> Reply:
    if not emu.mosaic.delete_client(params["client_id"]):
        raise ControlError(404, "no such Mosaic client")
    return Reply(204)


def change_mosaic_resource(emu: Controlled, req: Request, params: dict[str, str]) -> Reply:
    """A portal edit of a Mosaic custom resource (e.g. access_token_ttl): drift."""
    if not emu.mosaic.change_resource(params["resource_id"], _spec(req)):
        raise ControlError(404, "no such Mosaic resource")
    return Reply(204)


def delete_mosaic_resource(emu: Controlled, _req: Request, params: dict[str, str]) -> Reply:
    if not emu.mosaic.delete_resource(params["resource_id"]):
        raise ControlError(404, "no such Mosaic resource")
    return Reply(204)


ROUTES = [
    Route("GET", "/_emulator/requests", "control", requests_log),
    Route("DELETE", "/_emulator/requests", "control", clear_log),
    Route("POST", "/_emulator/faults", "control", faults),
    Route("POST", "/_emulator/reset", "control", reset),
    Route("POST", "/_emulator/refresh-tokens", "control", mint),
    Route("POST", "/_emulator/refresh-tokens/revoke", "control", revoke),
    Route("POST", "/_emulator/oci-keys", "control", oci_key),
    Route("POST", "/_emulator/oci/security-tokens", "control", oci_security_token),
    Route("POST", "/_emulator/oci/trusts", "control", oci_trust),
    Route("POST", "/_emulator/mosaic/refresh-tokens", "control", mosaic_mint),
    Route("POST", "/_emulator/mosaic/refresh-tokens/revoke", "control", mosaic_revoke),
    Route("GET", "/_emulator/apps", "control", all_apps),
    Route("GET", "/_emulator/apps/{app_id}", "control", stored_app),
    Route("PATCH", "/_emulator/apps/{app_id}", "control", change_app),
    Route("DELETE", "/_emulator/apps/{app_id}", "control", delete_app),
    Route("PATCH", "/_emulator/mosaic/clients/{client_id}", "control", change_mosaic_client),
    Route("DELETE", "/_emulator/mosaic/clients/{client_id}", "control", delete_mosaic_client),
    Route("PATCH", "/_emulator/mosaic/resources/{resource_id}", "control", change_mosaic_resource),
    Route("DELETE", "/_emulator/mosaic/resources/{resource_id}", "control", delete_mosaic_resource),
]

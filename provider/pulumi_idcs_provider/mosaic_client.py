"""HTTP client for Transmit Mosaic's management API: a management token, GET/PUT of one OIDC client, the lists of
applications and of an application's clients, and the custom resources (list, by URI, PUT).

Facts in docs/mosaic-api.md: the token is a client_credentials grant at `{host}/oidc/token` (no `/cis`); a client
lives at `/cis/v1/applications/{appId}/clients/{clientId}`, answered bare or wrapped in `{"result": ...}`; the
resources at `/cis/v1/resources` (a list), `/cis/v1/resources/uri?resourceUri=` and `PUT /cis/v1/resources/{id}`
(no GET by id); errors are `{"message": <text or list>, "error_code": <status>}`. One client (token, pace) per
management app serves every resource of a provider's context.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests

from .auth import BearerAuth, ClientCredentials
from .errors import IdcsError
from .settings import MosaicSettings
from .spelling import shown
from .transport import Notice, Transport, TransportError


class MosaicApiError(IdcsError):
    """Mosaic answered with an error status; the message names the client, the status, Mosaic's words."""


class MosaicClient:
    """The management API of one Mosaic tenant, as one management app."""

    def __init__(self, settings: MosaicSettings, session: requests.Session | None = None,
                 transport: Transport | None = None, notice: Notice | None = None) -> None:
        self.settings = settings
        self.transport = transport or Transport(settings.base_url, verify=settings.verify,
                                                timeout_seconds=settings.timeout_seconds, session=session,
                                                notice=notice)
        form = {"grant_type": "client_credentials", "client_id": settings.client_id,
                "client_secret": settings.client_secret.get_secret_value()}
        self.auth = BearerAuth(ClientCredentials(self.transport, "/oidc/token", form, refused=self._token_refused))

    def __repr__(self) -> str:
        return f"MosaicClient(base_url={self.settings.base_url!r}, client_id={self.settings.client_id!r})"

    def get_client(self, app_id: str, client_id: str) -> dict[str, Any] | None:
        """The client as Mosaic shows it, or None when there is no such client in that app."""
        resp = self._call("GET", _client_path(app_id, client_id), _client(app_id, client_id), "read")
        return None if resp.status_code == 404 else _unwrapped(resp)

    def put_client(self, app_id: str, client_id: str, body: dict[str, Any]) -> dict[str, Any]:
        what = _client(app_id, client_id)
        resp = self._call("PUT", _client_path(app_id, client_id), what, "update", json=body)
        if resp.status_code == 404:
            raise _api_error(resp, "update", what)
        return _unwrapped(resp)

    def list_resources(self) -> list[dict[str, Any]]:
        """Every custom resource of the tenant (one request: Mosaic does not page this list)."""
        return _listed(self._call("GET", "/cis/v1/resources", "the resources", "list"))

    def list_applications(self) -> list[dict[str, Any]]:
        """Every application of the tenant (one request)."""
        return _listed(self._call("GET", "/cis/v1/applications", "the applications", "list"))

    def list_clients(self, app_id: str) -> list[dict[str, Any]]:
        """Every client of an application (one request), as a client GET shows each."""
        return _listed(self._call("GET", f"/cis/v1/applications/{quote(app_id, safe='')}/clients",
                                  f"the clients of application {shown(app_id)}", "list"))

    def resource_by_uri(self, uri: str) -> dict[str, Any] | None:
        """The resource whose URI is `uri`, or None."""
        resp = self._call("GET", "/cis/v1/resources/uri", f"resource {shown(uri)}", "read",
                          params={"resourceUri": uri})
        return None if resp.status_code == 404 else _unwrapped(resp)

    def put_resource(self, resource_id: str, label: str, body: dict[str, Any]) -> dict[str, Any]:
        resp = self._call("PUT", f"/cis/v1/resources/{quote(resource_id, safe='')}", label, "update", json=body)
        if resp.status_code == 404:
            raise _api_error(resp, "update", label)
        return _unwrapped(resp)

    def _call(self, method: str, path: str, what: str, action: str, **kwargs: Any) -> requests.Response:
        try:
            # GET reads; PUT sets the same fields to the same values again: both may be resent.
            resp = self.transport.request(method, path, auth=self.auth, headers={"Accept": "application/json"},
                                          replay_safe=method in ("GET", "PUT"), **kwargs)
        except TransportError as e:
            hint = ". Set idcs:mosaicCaBundle (or $MOSAIC_CA_BUNDLE) to the CA's PEM file" if e.tls else ""
            raise MosaicApiError(f"could not {action} {what}: {e}" + hint) from None
        if resp.ok or resp.status_code == 404:
            return resp
        raise _api_error(resp, action, what)

    def _token_refused(self, resp: requests.Response) -> MosaicApiError:
        if resp.status_code in (404, 405):  # no token endpoint there: the URL is wrong, not the credentials
            return MosaicApiError(
                f"no Mosaic token endpoint at {resp.url.split('?')[0]} (HTTP {resp.status_code}): idcs:mosaicBaseUrl "
                f"{shown(self.settings.base_url)} is not the Mosaic API host. Set it to the host alone, e.g. "
                "https://api.transmitsecurity.io")
        return MosaicApiError(
            f"the Mosaic management app {shown(self.settings.client_id)} could not get a token: HTTP "
            f"{resp.status_code}, {_message(resp).rstrip('.')}. Check idcs:mosaicClientId and idcs:mosaicClientSecret")


def _listed(resp: requests.Response) -> list[dict[str, Any]]:
    """A list answer, wrapped in {"result": [...]} or bare; none for a 404."""
    body = resp.json() if resp.status_code != 404 else {}
    found = body.get("result") if isinstance(body, dict) else body
    return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []


def _unwrapped(resp: requests.Response) -> dict[str, Any]:
    body = resp.json()
    if isinstance(body, dict) and isinstance(body.get("result"), dict):
        body = body["result"]
    return body if isinstance(body, dict) else {}


def _message(resp: requests.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return "no error description in the answer"
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, list):
        message = "; ".join(map(str, message))
    code = body.get("error_code") if isinstance(body, dict) else None
    return (f"error_code {code}: " if code is not None else "") + str(message or "no message")


def _client_path(app_id: str, client_id: str) -> str:
    return f"/cis/v1/applications/{quote(app_id, safe='')}/clients/{quote(client_id, safe='')}"


def _client(app_id: str, client_id: str) -> str:
    return f"client {shown(client_id)} of application {shown(app_id)}"


#: What a 403 deserves: every permission Transmit's documents list for the operations used (docs/mosaic-api.md).
PERMISSION_HINT = ("give the management app (idcs:mosaicClientId) every permission Transmit's API reference lists "
                   "for what the stack manages: apps:read, apps:edit and apps:create for ClientTokenTimeouts, "
                   "resources:read and resources:edit for ResourceTokenTimeouts")


def _api_error(resp: requests.Response, action: str, what: str) -> MosaicApiError:
    hint = f": {PERMISSION_HINT}" if resp.status_code == 403 else ""
    return MosaicApiError(f"Mosaic refused to {action} {what}: HTTP {resp.status_code}, {_message(resp)}{hint}")

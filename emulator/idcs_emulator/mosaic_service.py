"""The Transmit Mosaic service: token, refresh and client management routes over the `Mosaic` model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .replies import Reply
from .routes import Request, Route

if TYPE_CHECKING:
    from .server import EmulatorServer

CLIENT = "/cis/v1/applications/{app_id}/clients/{client_id}"


def client_token(emu: EmulatorServer, req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, emu.mosaic.client_token(req.form()))


def refresh(emu: EmulatorServer, req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, emu.mosaic.refresh_tokens(req.bearer(), req.json()))


def get_client(emu: EmulatorServer, req: Request, params: dict[str, str]) -> Reply:
    return _client_reply(emu, emu.mosaic.get_client(req.bearer(), params["app_id"], params["client_id"]))


def put_client(emu: EmulatorServer, req: Request, params: dict[str, str]) -> Reply:
    return _client_reply(emu, emu.mosaic.put_client(req.bearer(), params["app_id"], params["client_id"], req.json()))


def _client_reply(emu: EmulatorServer, client: dict[str, Any]) -> Reply:
    """A client, bare or wrapped in {"result": ...} as the Applications endpoints answer (docs/mosaic-api.md)."""
    return Reply(200, {"result": client} if emu.mosaic.wrap_results else client)


ROUTES = [
    Route("POST", "/oidc/token", "mosaic-token", client_token),
    Route("POST", "/cis/v1/auth/token/refresh", "mosaic-refresh", refresh),
    Route("GET", CLIENT, "mosaic-client-get", get_client),
    Route("PUT", CLIENT, "mosaic-client-put", put_client),
]

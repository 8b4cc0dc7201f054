"""The Transmit Mosaic service: token, refresh and client management routes over the `Mosaic` model."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    return Reply(200, emu.mosaic.get_client(req.bearer(), params["app_id"], params["client_id"]))


def put_client(emu: EmulatorServer, req: Request, params: dict[str, str]) -> Reply:
    return Reply(200, emu.mosaic.put_client(req.bearer(), params["app_id"], params["client_id"], req.json()))


ROUTES = [
    Route("POST", "/oidc/token", "mosaic-token", client_token),
    Route("POST", "/cis/v1/auth/token/refresh", "mosaic-refresh", refresh),
    Route("GET", CLIENT, "mosaic-client-get", get_client),
    Route("PUT", CLIENT, "mosaic-client-put", put_client),
]

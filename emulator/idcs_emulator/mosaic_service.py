"""The Transmit Mosaic service: token, refresh, client and custom resource routes over the `Mosaic` model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .replies import Reply
from .routes import Request, Route

if TYPE_CHECKING:
    from .server import EmulatorServer

CLIENT = "/cis/v1/applications/{app_id}/clients/{client_id}"
RESOURCES = "/cis/v1/resources"


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


def list_applications(emu: EmulatorServer, req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, {"result": emu.mosaic.list_applications(req.bearer())})


def list_clients(emu: EmulatorServer, req: Request, params: dict[str, str]) -> Reply:
    return Reply(200, {"result": emu.mosaic.list_clients(req.bearer(), params["app_id"])})


def list_resources(emu: EmulatorServer, req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, {"result": emu.mosaic.list_resources(req.bearer())})


def resource_by_uri(emu: EmulatorServer, req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, {"result": emu.mosaic.resource_by_uri(req.bearer(), req.arg("resourceUri"))})


def put_resource(emu: EmulatorServer, req: Request, params: dict[str, str]) -> Reply:
    return Reply(200, {"result": emu.mosaic.put_resource(req.bearer(), params["resource_id"], req.json())})


ROUTES = [
    Route("POST", "/oidc/token", "mosaic-token", client_token),
    Route("POST", "/cis/v1/auth/token/refresh", "mosaic-refresh", refresh),
    Route("GET", CLIENT, "mosaic-client-get", get_client),
    Route("PUT", CLIENT, "mosaic-client-put", put_client),
    Route("GET", "/cis/v1/applications", "mosaic-applications", list_applications),
    Route("GET", "/cis/v1/applications/{app_id}/clients", "mosaic-clients", list_clients),
    Route("GET", RESOURCES, "mosaic-resources", list_resources),
    Route("GET", RESOURCES + "/uri", "mosaic-resource-get", resource_by_uri),
    Route("PUT", RESOURCES + "/{resource_id}", "mosaic-resource-put", put_resource),
]

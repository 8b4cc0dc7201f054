"""The Transmit Mosaic service: token, refresh, client and custom resource routes over the `Mosaic` model."""

from __future__ import annotations

from typing import Any

from .mosaic import Mosaic
from .replies import Reply
from .routes import Request, Route

CLIENT = "/cis/v1/applications/{app_id}/clients/{client_id}"
RESOURCES = "/cis/v1/resources"


def client_token(mosaic: Mosaic, req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, mosaic.client_token(req.form()))


def refresh(mosaic: Mosaic, req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, mosaic.refresh_tokens(req.bearer(), req.json()))


def get_client(mosaic: Mosaic, req: Request, params: dict[str, str]) -> Reply:
    return _client_reply(mosaic, mosaic.get_client(req.bearer(), params["app_id"], params["client_id"]))


def put_client(mosaic: Mosaic, req: Request, params: dict[str, str]) -> Reply:
    return _client_reply(mosaic, mosaic.put_client(req.bearer(), params["app_id"], params["client_id"], req.json()))


def _client_reply(mosaic: Mosaic, client: dict[str, Any]) -> Reply:
    """A client, bare or wrapped in {"result": ...} as the Applications endpoints answer (docs/mosaic-api.md)."""
    return Reply(200, {"result": client} if mosaic.wrap_results else client)


def list_applications(mosaic: Mosaic, req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, {"result": mosaic.list_applications(req.bearer())})


def list_clients(mosaic: Mosaic, req: Request, params: dict[str, str]) -> Reply:
    return Reply(200, {"result": mosaic.list_clients(req.bearer(), params["app_id"])})


def list_resources(mosaic: Mosaic, req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, {"result": mosaic.list_resources(req.bearer())})


def resource_by_uri(mosaic: Mosaic, req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, {"result": mosaic.resource_by_uri(req.bearer(), req.arg("resourceUri"))})


def put_resource(mosaic: Mosaic, req: Request, params: dict[str, str]) -> Reply:
    return Reply(200, {"result": mosaic.put_resource(req.bearer(), params["resource_id"], req.json())})


ROUTES = [
    Route("POST", "/oidc/token", "mosaic-token", client_token, serves="mosaic"),
    Route("POST", "/cis/v1/auth/token/refresh", "mosaic-refresh", refresh, serves="mosaic"),
    Route("GET", CLIENT, "mosaic-client-get", get_client, serves="mosaic"),
    Route("PUT", CLIENT, "mosaic-client-put", put_client, serves="mosaic"),
    Route("GET", "/cis/v1/applications", "mosaic-applications", list_applications, serves="mosaic"),
    Route("GET", "/cis/v1/applications/{app_id}/clients", "mosaic-clients", list_clients, serves="mosaic"),
    Route("GET", RESOURCES, "mosaic-resources", list_resources, serves="mosaic"),
    Route("GET", RESOURCES + "/uri", "mosaic-resource-get", resource_by_uri, serves="mosaic"),
    Route("PUT", RESOURCES + "/{resource_id}", "mosaic-resource-put", put_resource, serves="mosaic"),
]

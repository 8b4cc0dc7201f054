"""`idcs:mosaic:getClient` and `idcs:mosaic:getResource`: read one Mosaic OIDC client's or custom resource's token
lifetimes without managing it, through the same targets the adopting resources use. Never writes or claims."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .context import Context
from .definition import Wire, prop
from .errors import AppNotFoundError, IdcsError
from .mosaic_resource_timeouts import ResourceTarget
from .mosaic_target import MosaicTarget
from .mosaic_timeouts import ClientTarget
from .spelling import shown


class GetClientInputs(Wire):
    app_id: str = prop("The Mosaic application's id.", required=True)
    client_id: str = prop("The OIDC client's id within that application.", required=True)


class GetResourceInputs(Wire):
    resource_id: str | None = prop("The resource's id. Give this or resourceUri.")
    resource_uri: str | None = prop("The resource's URI (the audience of its tokens). Give this or resourceId.")


class _Lifetimes(Wire):
    """The lifetimes every adopting Mosaic resource can manage, as Mosaic holds them now."""

    access_token_ttl: int | None = prop("accessTokenTtl as Mosaic holds it now, in seconds (absent when unset).")
    refresh_token_ttl: int | None = prop("refreshTokenTtl as Mosaic holds it now, in seconds (absent when unset).")
    max_refresh_rotate: int | None = prop("maxRefreshRotate as Mosaic holds it now, in seconds (absent when unset).")


class GetClientOutputs(_Lifetimes):
    app_id: str = prop("The application's id.", required=True)
    client_id: str = prop("The client's id.", required=True)
    session_expiration: int | None = prop("sessionExpiration as Mosaic holds it now, in seconds (absent when unset).")


class GetResourceOutputs(_Lifetimes):
    resource_id: str = prop("The resource's id.", required=True)
    resource_uri: str = prop("The resource's URI.", required=True)


CLIENT_DESCRIPTION = ("Reads one existing Transmit Mosaic OIDC client's token lifetimes by appId and clientId. Never "
                      "writes, never manages the client.")
RESOURCE_DESCRIPTION = ("Reads one existing Transmit Mosaic custom resource's token lifetimes by resourceId or "
                        "resourceUri. Never writes, never manages the resource.")


def _read(ctx: Context, target: MosaicTarget, named: Any, label: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the live object, its lifetimes that are set), or an error naming it and where the portal shows it."""
    api = ctx.mosaic()
    live = target.find(api, target.inputs.model_validate(named))
    if live is None:
        raise AppNotFoundError(f"no Mosaic {target.noun} {label} at {api.settings.base_url}: check it in the portal "
                               f"({target.where})")
    return live, {k: v for k, v in target.live_values(live).items() if v is not None}


def get_client(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    inputs = GetClientInputs.model_validate(args)
    named = {"appId": inputs.app_id, "clientId": inputs.client_id}
    _, values = _read(ctx, ClientTarget(), named, f"{shown(inputs.client_id)} of application {shown(inputs.app_id)}")
    return {**named, **values}


def get_resource(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    inputs = GetResourceInputs.model_validate(args)
    named = {w: v for w, v in (("resourceId", inputs.resource_id), ("resourceUri", inputs.resource_uri)) if v}
    if len(named) != 1:
        raise IdcsError("getResource takes exactly one of resourceId, resourceUri")
    live, values = _read(ctx, ResourceTarget(), named, shown(next(iter(named.values()))))
    return {"resourceId": str(live.get("resource_id")), "resourceUri": str(live.get("uri")), **values}

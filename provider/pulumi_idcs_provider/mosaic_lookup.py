"""`idcs:mosaic:getClient` and `idcs:mosaic:getResource`: read one Mosaic OIDC client's or custom resource's token
lifetimes without managing it, through the same targets the adopting resources use. Never writes or claims."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import create_model

from .context import Context
from .definition import Wire, has_flag, prop, properties, snake
from .errors import AppNotFoundError, IdcsError
from .mosaic_adoption import Target
from .mosaic_resource_timeouts import ResourceTarget, ResourceTokenTimeoutsInputs
from .mosaic_timeouts import ClientTarget, ClientTokenTimeoutsInputs
from .spelling import shown


class GetClientInputs(Wire):
    app_id: str = prop("The Mosaic application's id.", required=True)
    client_id: str = prop("The OIDC client's id within that application.", required=True)


class GetResourceInputs(Wire):
    resource_id: str | None = prop("The resource's id. Give this or resourceUri.")
    resource_uri: str | None = prop("The resource's URI (the audience of its tokens). Give this or resourceId.")


def _outputs(name: str, identity: dict[str, str], lifetimes: type[Wire]) -> type[Wire]:
    """The identity, then each lifetime the adopting resource can manage, as Mosaic holds it now (seconds)."""
    fields: dict[str, Any] = {snake(w): (str, prop(text, required=True)) for w, text in identity.items()}
    fields.update({py: (int | None, prop(f"{w} as Mosaic holds it now, in seconds (absent when unset)."))
                   for w, py, f in properties(lifetimes) if has_flag(f, "managed")})
    return create_model(name, __base__=Wire, **fields)


GetClientOutputs = _outputs("GetClientOutputs", {"appId": "The application's id.", "clientId": "The client's id."},
                            ClientTokenTimeoutsInputs)
GetResourceOutputs = _outputs("GetResourceOutputs", {"resourceId": "The resource's id.",
                                                     "resourceUri": "The resource's URI."},
                              ResourceTokenTimeoutsInputs)

CLIENT_DESCRIPTION = ("Reads one existing Transmit Mosaic OIDC client's token lifetimes by appId and clientId. Never "
                      "writes, never manages the client.")
RESOURCE_DESCRIPTION = ("Reads one existing Transmit Mosaic custom resource's token lifetimes by resourceId or "
                        "resourceUri. Never writes, never manages the resource.")


def _read(ctx: Context, target: Target, named: Any, label: str) -> tuple[dict[str, Any], dict[str, Any]]:
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

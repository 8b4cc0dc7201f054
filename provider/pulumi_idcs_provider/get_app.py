"""`idcs:index:getApp`: read one app's identity and lifetimes without managing it (one GET, or one search by
name), so that a program can follow an app another team or tool manages: a RefreshGrantCheck's expectation, an
output, a policy. It never writes and never claims the app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .apps import AppExpiries
from .context import Context
from .definition import Wire, prop
from .errors import AppNotFoundError, IdcsError
from .models import IDENTIFIERS
from .spelling import shown


class GetAppInputs(Wire):
    app_id: str | None = prop("The app's id. Give exactly one of appId, appName, appDisplayName.", identifier=True)
    app_name: str | None = prop("The app's name (its OAuth client id).", identifier=True)
    app_display_name: str | None = prop("The app's display name as the console shows it.", identifier=True)
    connection: str | None = prop(
        "Name of an entry of the idcs:connections stack config (default provider only); left out: the provider's "
        "own domain.")


class GetAppOutputs(Wire):
    id: str = prop("The app's id.", required=True)
    name: str | None = prop("The app's name (its OAuth client id).")
    display_name: str | None = prop("The app's display name.")
    active: bool | None = prop("Whether the app is active.")
    access_token_expiry: int | None = prop("Lifetime of access tokens issued for the app as a resource, seconds.")
    refresh_token_expiry: int | None = prop("Lifetime of refresh tokens issued for the app as a resource, seconds.")
    last_modified: str | None = prop("When the app was last changed (meta.lastModified), where the domain says.")
    last_modified_by: str | None = prop(
        "Who last changed it (idcsLastModifiedBy: the client that wrote through the API, or the console user), where "
        "the domain says.")


DESCRIPTION = ("Reads one existing IDCS app by appId, appName or appDisplayName: its identity, its two token "
               "lifetimes, and who last changed it and when. Never writes, never manages the app.")


def call(ctx: Context, args: Mapping[str, Any]) -> dict[str, Any]:
    """The app's outputs; an error naming the identifier when no app (or several) match."""
    given = [w for w in IDENTIFIERS if args.get(w)]
    if len(given) != 1:
        raise IdcsError(f"getApp takes exactly one of {', '.join(IDENTIFIERS)}; got "
                        f"{', '.join(given) if given else 'none'}")
    inputs = GetAppInputs.model_validate(args)
    client = ctx.idcs(inputs.connection)
    wire = given[0]
    value = str(args[wire])
    if wire == "appId":
        app = client.get_app(value, f"with id {shown(value)}")
        if app is None:
            raise AppNotFoundError(f"getApp: no app with id {shown(value)} in {client.settings.domain_url}")
    else:
        app = client.find_app("name" if wire == "appName" else "displayName", value, f"{wire} {shown(value)}")
    return outputs(app)


def outputs(app: AppExpiries) -> dict[str, Any]:
    values = {"id": app.id, "name": app.name, "displayName": app.display_name, "active": app.active,
              "accessTokenExpiry": app.access_token_expiry, "refreshTokenExpiry": app.refresh_token_expiry,
              "lastModified": app.last_modified, "lastModifiedBy": app.last_modified_by}
    return {k: v for k, v in values.items() if v is not None}

"""AppTokenExpiry's definition: its inputs (checked) and outputs, and the rules across its inputs.

Python names are snake_case; the wire (state, schema.json, IDCS JSON) is camelCase through aliases.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import field_validator
from pydantic_core import PydanticCustomError

from .definition import Wire, flagged, prop, snake, with_lifetimes
from .durations import describe
from .spelling import shown
from .validation import Failure, on_delete_field, validate_known

#: Oracle documents 60 s to one year for accessTokenExpiry.
ACCESS_MIN, ACCESS_MAX = 60, 365 * 86400
#: No documented bounds for refreshTokenExpiry; below a minute is surely a unit slip ("7" for seven days).
REFRESH_MIN = 60


_SCIM_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


class AppTokenExpiryInputs(Wire):
    """The resource's inputs after check: at most one identifier and whole seconds (cross-field rules apart)."""

    app_id: str | None = prop("The app's id. Give exactly one of appId, appName, appDisplayName.", identifier=True)
    app_name: str | None = prop("The app's name, which IDCS uses as its OAuth client id.", identifier=True)
    app_display_name: str | None = prop("The app's display name as the console shows it.", identifier=True)
    access_token_expiry: int | None = prop(
        'Lifetime of access tokens issued for this app as a resource: whole seconds or a duration ("90s", "15m", '
        '"1h", "7d", "2w", "PT1H", "P7D"); 60 s to 1 year. Left out: not managed.', managed=True, minimum=ACCESS_MIN,
        maximum=ACCESS_MAX, policy=("5m", "1d"))
    refresh_token_expiry: int | None = prop(
        "Lifetime of refresh tokens issued for this app as a resource, in the same forms; at least 60 s and at "
        "least accessTokenExpiry. Left out: not managed.", managed=True, minimum=REFRESH_MIN,
        policy=("1h", "90d"))
    on_delete: Literal["retain", "restore"] = prop(
        '"retain" leaves the live values on delete; "restore" puts back the values found when the app was '
        "adopted.", "retain")
    connection: str | None = prop(
        "Name of an entry of the idcs:connections stack config, for an app in another identity domain; left out: "
        "the stack's idcs:* settings.")

    @field_validator("app_id", mode="before")
    @classmethod
    def _plain_scim_id(cls, v: object) -> object:
        if v is None:
            return v
        if not isinstance(v, str) or not _SCIM_ID.fullmatch(v):
            raise PydanticCustomError(
                "idcs", "{value} is not a plain IDCS app id (letters, digits, '-' and '_' only, like "
                "'9fc12da9eecd4927a9ef88512ce5612e'); to find an app by client id or name use appName or "
                "appDisplayName", {"value": shown(v)})
        return v

    @field_validator("app_name", "app_display_name", mode="before")
    @classmethod
    def _non_blank_text(cls, v: object) -> object:
        if v is None:
            return v
        if not isinstance(v, str) or not v.strip() or len(v) > 1024:
            raise PydanticCustomError("idcs", "{value} is not an app name: give the non-empty text IDCS shows",
                                      {"value": shown(v)})
        return v

    @field_validator("connection", mode="before")
    @classmethod
    def _connection_name(cls, v: object) -> object:
        if v is not None and (not isinstance(v, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", v)):
            raise PydanticCustomError("idcs", "{value} is not a connection name (letters, digits, '-', '_'): it "
                                      "names an entry of the idcs:connections stack config", {"value": shown(v)})
        return v

    @field_validator("on_delete", mode="before")
    @classmethod
    def _known_on_delete(cls, v: object) -> object:
        return on_delete_field(v)

    def identifier(self) -> tuple[str, str]:
        """(wire name, value) of the one identifier given."""
        for wire in IDENTIFIERS:
            value = getattr(self, snake(wire))
            if value is not None:
                return wire, value
        raise ValueError("no app identifier")

    def desired(self) -> dict[str, int]:
        """The managed attributes and their desired values, by wire name."""
        return {a: v for a in EXPIRY_ATTRIBUTES if (v := getattr(self, snake(a))) is not None}


class _AppTokenExpiryState(Wire):
    app_id: str = prop("The adopted app's id (also the resource id).", required=True)
    app_name: str = prop("The adopted app's name (OAuth client id); when the program identifies the app by "
                         "appName, as the program wrote it.", required=True)
    app_display_name: str = prop("The adopted app's display name; when the program identifies the app by "
                                 "appDisplayName, as the program wrote it (names compare without regard to case).",
                                 required=True)
    identified_by: str = prop("Which identifier the program used: appId, appName or appDisplayName.", required=True)
    renamed_to: str | None = prop(
        "The app's live name or display name when the identifier the program wrote (appName or appDisplayName) no "
        "longer names it, after a rename in the console; absent otherwise. Nothing changes until the program names "
        "the app again: the app's id is the handle.")
    domain_url: str = prop("The identity domain the app lives in.", required=True)
    on_delete: str = prop("What delete does: retain or restore.", required=True)
    connection: str | None = prop("The named connection used (absent for the stack's settings).")
    last_modified_by: str | None = prop(
        "Who last changed the app, as the domain records it (idcsLastModifiedBy: a client writing through the API, or "
        "a console user), when last read; absent where the domain does not say.")
    last_modified: str | None = prop("When the app was last changed (meta.lastModified), when last read.")


#: The outputs (state) of AppTokenExpiry.
AppTokenExpiryOutputs = with_lifetimes("AppTokenExpiryOutputs", _AppTokenExpiryState, AppTokenExpiryInputs, "app")

#: The two attributes this package manages, and the three ways to name an app, by wire name.
EXPIRY_ATTRIBUTES = flagged(AppTokenExpiryInputs, "managed")
IDENTIFIERS = flagged(AppTokenExpiryInputs, "identifier")



def check_inputs(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
    """AppTokenExpiry's inputs checked: each property, then the rules across them (one identifier, something to
    manage, refresh at least access)."""
    raw = {k: v for k, v in news.items() if not k.startswith("__")}
    parsed, checked, failures = validate_known(AppTokenExpiryInputs, raw)

    named = [w for w in IDENTIFIERS if raw.get(w) is not None]
    app_id, app_name, app_display_name = IDENTIFIERS
    access_wire, refresh_wire = EXPIRY_ATTRIBUTES
    if not named:
        failures.append(Failure(property=app_id, reason=(
            f"no app given: set exactly one of {app_id} (the app's id), {app_name} (its OAuth client id) or "
            f"{app_display_name} (its name in the console)")))
    elif len(named) > 1:
        failures.append(Failure(property=named[1], reason=(
            f"{' and '.join(named)} are set together: give exactly one app identifier, so it is clear which app "
            "is adopted")))
    if raw.get(access_wire) is None and raw.get(refresh_wire) is None:
        failures.append(Failure(property=access_wire, reason=(
            f"nothing to manage: set {access_wire}, {refresh_wire} or both (an expiry left out is not managed)")))
    access, refresh = (parsed.access_token_expiry, parsed.refresh_token_expiry) if parsed else (None, None)
    if access is not None and refresh is not None and refresh < access:
        failures.append(Failure(property=refresh_wire, reason=(
            f"refresh tokens ({describe(refresh)}) would expire before the access tokens they renew "
            f"({describe(access)}): make {refresh_wire} at least {access_wire}")))
    for f in failures:  # keep what the user wrote for a property that failed, so the engine can show it
        if f.property in raw:
            checked[f.property] = raw[f.property]
    return checked, failures

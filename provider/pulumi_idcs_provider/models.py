"""Typed views of the two shapes we handle: the resource's inputs (checked) and an IDCS App (read).

Python names are snake_case; the wire (state, schema.json, IDCS JSON) is camelCase through aliases.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal, TypeVar

from pulumi.output import Unknown
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .definition import Wire, flagged, prop, properties, snake, with_lifetimes
from .durations import describe
from .spelling import shown

#: Oracle documents 60 s to one year for accessTokenExpiry.
ACCESS_MIN, ACCESS_MAX = 60, 365 * 86400
#: No documented bounds for refreshTokenExpiry; below a minute is surely a unit slip ("7" for seven days).
REFRESH_MIN = 60

#: The hidden input under which the SDKs (and the plugin, from the URN) pass a resource's name, so that messages
#: can name both resources on one app.
NAME_KEY = "__name"

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


def on_delete_field(v: object) -> object:
    """A pydantic before-validator body for onDelete, shared by every adopting resource."""
    if v is None:
        return "retain"
    if v not in ("retain", "restore"):
        raise PydanticCustomError(
            "idcs", '{value} is not an onDelete mode: use "retain" (leave the values) or "restore" (put back '
            "the values found when it was adopted)", {"value": shown(v)})
    return v


M = TypeVar("M", bound=BaseModel)


class Failure(BaseModel):
    """One input problem, by wire property name (what the Pulumi CLI shows)."""

    property: str
    reason: str


def validate_known(model: type[M], raw: Mapping[str, Any]) -> tuple[M | None, dict[str, Any], list[Failure]]:
    """Validate what is known of a resource's raw inputs, the one way every resource checks them.

    A value the engine does not know yet (preview) passes through untouched and is not judged, nor is its absence.
    Returns the model (None when the failures leave too little to build one, so no cross-field rule runs), the
    checked inputs (normalised; a property that failed keeps what the user wrote, so the engine can show it),
    and one failure per wrong property.
    """
    unknown = {k for k, v in raw.items() if isinstance(v, Unknown)}
    known = {k: v for k, v in raw.items() if k not in unknown}
    failures: list[Failure] = []
    parsed: M | None = None
    try:
        parsed = model.model_validate(known)
    except ValidationError as e:
        failures = [Failure(property=str(err["loc"][0]) if err["loc"] else "", reason=_reason(err))
                    for err in e.errors() if not (err["type"] == "missing" and err["loc"] and err["loc"][0] in unknown)]
        bad = {f.property for f in failures}
        try:
            parsed = model.model_validate({k: v for k, v in known.items() if k not in bad})
        except ValidationError:
            parsed = None
    checked = parsed.model_dump(by_alias=True, exclude_none=True) if parsed is not None else dict(known)
    checked.update({k: raw[k] for k in unknown})
    checked.update({f.property: raw[f.property] for f in failures if f.property in raw})
    return parsed, checked, failures


def _reason(err: Any) -> str:
    return "is required" if err["type"] == "missing" else str(err["msg"])


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


class AppExpiries(Wire):
    """The part of an IDCS App this package reads: identity, the two expiries, and the ETag for If-Match."""

    id: str
    name: str | None = None
    display_name: str | None = None
    access_token_expiry: int | None = None
    refresh_token_expiry: int | None = None
    active: bool | None = None
    #: From the ETag response header (equal to meta.version by definition); not every domain sends one.
    etag: str | None = Field(default=None, exclude=True)
    etag_listed: bool = Field(default=False, exclude=True)  # the etag is a listing's meta.version, not a header
    #: Who last changed the app and when: IDCS's idcsLastModifiedBy.display and meta.lastModified (docs/idcs-api.md);
    #: None where a domain leaves them out.
    last_modified_by: str | None = Field(default=None, exclude=True)
    last_modified: str | None = Field(default=None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _provenance(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        meta, by = data.get("meta"), data.get("idcsLastModifiedBy")
        return {**data, "lastModified": meta.get("lastModified") if isinstance(meta, dict) else None,
                "lastModifiedBy": (by.get("display") or by.get("value")) if isinstance(by, dict) else None}

    def changed_by(self) -> str:
        """' (last changed by X at T)' for a drift message, or '' when the domain does not say."""
        if not self.last_modified_by:
            return ""
        return f" (last changed by {self.last_modified_by}" + (f" at {self.last_modified})" if self.last_modified
                                                                else ")")

    def value(self, wire: str) -> int | None:
        return getattr(self, snake(wire))  # type: ignore[no-any-return]

    def with_values(self, values: dict[str, int]) -> AppExpiries:
        """The app as it would be after a PATCH of `values` (by wire name): what a preview shows."""
        return self.model_copy(update={snake(a): v for a, v in values.items()})


#: What every Apps GET and PATCH asks for (never a bare GET: it can return the client secret).
APP_ATTRIBUTES = ",".join((*(wire for wire, _, field in properties(AppExpiries) if not field.exclude),
                           "meta.lastModified", "idcsLastModifiedBy"))

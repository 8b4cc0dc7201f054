"""`ClientTokenTimeouts`: adopt an existing Transmit Mosaic OIDC client and manage its token lifetimes only.

The same model as AppTokenExpiry: the client is never created or deleted; only the lifetimes the program names
are managed; what was found at adoption is remembered for `onDelete: restore`; whatever `up` would refuse, check
and diff refuse first. Mosaic has no PATCH: a PUT replaces the top-level fields it names, and an object field
replaces the stored object whole, so `token_expiration` always carries all three keys, the unmanaged ones as read.

Every operation runs against an explicit context; `ClientTokenTimeoutsProvider`, the dynamic door's adapter, is
pickled by reference into state: never rename or move it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pulumi.dynamic import CheckResult, CreateResult, ReadResult, UpdateResult
from pulumi.output import Unknown
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from . import adopting
from .context import Context
from .definition import Wire, flagged, prop, snake, with_lifetimes
from .durations import describe
from .dynamic_door import DynamicAdapter
from .errors import AppNotFoundError, ConfigurationError, IdcsError
from .models import NAME_KEY, Failure, on_delete_field, validate_known
from .mosaic_client import MosaicClient
from .ownership import OwnershipError
from .spelling import shown
from .type_tokens import original_of
from .verdict import Verdict

_PLAIN_ID = re.compile(r"[A-Za-z0-9._~-]{1,128}")


class ClientTokenTimeoutsInputs(Wire):
    app_id: str = prop("The Mosaic application's id (the portal: Applications > the application).", required=True)
    client_id: str = prop("The OIDC client's id within that application.", required=True)
    access_token_ttl: int | None = prop(
        'Lifetime of the client\'s access tokens: whole seconds or a duration ("15m", "7d", "PT1H"). Left out: not '
        "managed.", managed=True, policy=("5m", "1d"))
    refresh_token_ttl: int | None = prop(
        'Lifetime of each refresh token (at most maxRefreshRotate): whole seconds or a duration ("15m", "7d", '
        '"PT1H"). Left out: not managed.', managed=True, policy=("1h", "90d"))
    max_refresh_rotate: int | None = prop(
        "Absolute lifetime of a chain of rotated refresh tokens, from the login that started it: whole seconds or a "
        'duration ("15m", "7d", "PT1H"). Left out: not managed.', managed=True, policy=("1h", "365d"))
    session_expiration: int | None = prop(
        'Lifetime of the client\'s sessions: whole seconds or a duration ("15m", "7d", "PT1H"). Left out: not '
        "managed.", managed=True, policy=("5m", "90d"))
    on_delete: Literal["retain", "restore"] = prop(
        '"retain" leaves the values on delete; "restore" puts back the values found at adoption.', "retain")

    @field_validator("app_id", "client_id", mode="before")
    @classmethod
    def _plain(cls, v: object) -> object:
        if not isinstance(v, str) or not _PLAIN_ID.fullmatch(v):
            raise PydanticCustomError("idcs", "{value} is not a Mosaic id (letters, digits, '.', '_', '~', '-'), as "
                                      "the portal shows it in the application's and the client's settings",
                                      {"value": shown(v)})
        return v

    @field_validator("on_delete", mode="before")
    @classmethod
    def _on_delete(cls, v: object) -> object:
        return on_delete_field(v)

    def desired(self) -> dict[str, int]:
        return {w: v for w in FIELDS if (v := getattr(self, snake(w))) is not None}

    def label(self) -> str:
        return f"client {shown(self.client_id)} of application {shown(self.app_id)}"


class _ClientTokenTimeoutsState(Wire):
    app_id: str = prop("The application's id.", required=True)
    client_id: str = prop("The client's id.", required=True)
    on_delete: str = prop('What delete does: "retain" or "restore".', required=True)
    base_url: str = prop("The Mosaic API host the client lives in.", required=True)


#: The outputs (state) of ClientTokenTimeouts.
ClientTokenTimeoutsOutputs = with_lifetimes("ClientTokenTimeoutsOutputs", _ClientTokenTimeoutsState,
                                            ClientTokenTimeoutsInputs, "client")
#: The lifetimes this resource manages, by wire name (what a diff reports as drift and un-managing).
MANAGED = flagged(ClientTokenTimeoutsInputs, "managed")
ORIGINAL = {w: original_of(w) for w in MANAGED}
#: Where Mosaic keeps each managed lifetime (by wire name): (the object it lives in, or None for a top-level
#: field; its key there, Mosaic's snake_case spelling of the wire name).
FIELDS = {w: (None if snake(w) == "session_expiration" else "token_expiration", snake(w)) for w in MANAGED}
TTL_KEYS = tuple(key for holder, key in FIELDS.values() if holder)


def live_values(client: Mapping[str, Any]) -> dict[str, int | None]:
    """The four lifetimes as Mosaic shows them (None where the client has none)."""
    found: dict[str, int | None] = {}
    for wire, (holder, key) in FIELDS.items():
        value = (client.get(holder) or {}).get(key) if holder else client.get(key)
        found[wire] = int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    return found


def check_inputs(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
    """ClientTokenTimeouts' inputs checked: each property, then the rules across them."""
    raw = {k: v for k, v in news.items() if not k.startswith("__")}
    parsed, checked, failures = validate_known(ClientTokenTimeoutsInputs, raw)
    if parsed is None:
        return checked, failures
    unknown = {k for k, v in raw.items() if isinstance(v, Unknown)}
    if not parsed.desired() and not unknown & set(FIELDS) and not {f.property for f in failures} & set(FIELDS):
        failures.append(Failure(property="accessTokenTtl", reason=(
            "nothing to manage: set accessTokenTtl, refreshTokenTtl, maxRefreshRotate or sessionExpiration (a "
            "lifetime left out is not managed)")))
    refresh, rotate = parsed.refresh_token_ttl, parsed.max_refresh_rotate
    if refresh is not None and rotate is not None and refresh > rotate:
        failures.append(Failure(property="refreshTokenTtl", reason=(
            f"refresh tokens ({describe(refresh)}) would outlive the rotation limit ({describe(rotate)}), after "
            "which no refresh token can be used: make refreshTokenTtl at most maxRefreshRotate")))
    return checked, failures


def _inputs(props: Mapping[str, Any]) -> ClientTokenTimeoutsInputs:
    return ClientTokenTimeoutsInputs.model_validate({k: v for k, v in props.items() if not k.startswith("__")})


def _read(client: MosaicClient, inputs: ClientTokenTimeoutsInputs) -> dict[str, Any]:
    found = client.get_client(inputs.app_id, inputs.client_id)
    if found is None:
        raise AppNotFoundError(f"no {inputs.label()} in {client.settings.base_url}: check both ids in the "
                               "portal (Applications > the application > Clients)")
    return found


def _put(client: MosaicClient, inputs: ClientTokenTimeoutsInputs, live: Mapping[str, Any],
         values: Mapping[str, int]) -> dict[str, Any]:
    """PUT only when something differs; check that Mosaic kept what was sent."""
    current = live_values(live)
    changes = {w: int(v) for w, v in values.items() if current.get(w) != v}
    if not changes:
        return dict(live)
    expiration = {k: v for k, v in (live.get("token_expiration") or {}).items() if k in TTL_KEYS}
    body: dict[str, Any] = {}
    for wire, value in changes.items():
        holder, key = FIELDS[wire]
        if holder:
            expiration[key] = value
        else:
            body[key] = value
    if any(FIELDS[w][0] for w in changes):
        body["token_expiration"] = expiration  # always whole: an object sent replaces the stored one
    answer = client.put_client(inputs.app_id, inputs.client_id, body)
    kept = live_values(answer)
    wrong = {w: (v, kept.get(w)) for w, v in changes.items() if kept.get(w) != v}
    if wrong:
        said = "; ".join(f"{w}: sent {v}, Mosaic answered {got}" for w, (v, got) in sorted(wrong.items()))
        raise IdcsError(f"Mosaic accepted the update of {inputs.label()} but did not keep the values sent ({said})")
    return answer


def _outputs(inputs: ClientTokenTimeoutsInputs, live: Mapping[str, Any], originals: Mapping[str, Any],
             client: MosaicClient) -> dict[str, Any]:
    values = live_values(live)
    outs: dict[str, Any] = {"appId": inputs.app_id, "clientId": inputs.client_id, "onDelete": inputs.on_delete,
                            "baseUrl": client.settings.base_url}
    outs.update({w: values[w] for w in inputs.desired()})
    outs.update({ORIGINAL[w]: v for w, v in originals.items() if v is not None})
    return outs


def check(ctx: Context, olds: Mapping[str, Any], news: Mapping[str, Any]) -> CheckResult:
    return adopting.check(olds, news, check_inputs, lambda checked: _preflight(ctx, checked))


def create(ctx: Context, props: Mapping[str, Any]) -> CreateResult:
    inputs, client = _inputs(props), ctx.mosaic()
    live = _read(client, inputs)
    _claim(ctx, client, inputs, props, adopt=True)
    originals = {w: live_values(live)[w] for w in inputs.desired()}
    answer = _put(client, inputs, live, inputs.desired())
    return CreateResult(f"{inputs.app_id}/{inputs.client_id}", _outputs(inputs, answer, originals, client))


def update(ctx: Context, _id: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> UpdateResult:
    inputs, client = _inputs(news), ctx.mosaic()
    live = _read(client, inputs)
    _claim(ctx, client, inputs, news, adopt=True)
    originals: dict[str, Any] = {w: olds[ORIGINAL[w]] for w in FIELDS if olds.get(ORIGINAL[w]) is not None}
    for w in inputs.desired():
        originals.setdefault(w, live_values(live)[w])
    released = {w: originals[w] for w in FIELDS if olds.get(w) is not None and w not in inputs.desired()
                and inputs.on_delete == "restore" and originals.get(w) is not None}
    answer = _put(client, inputs, live, {**inputs.desired(), **released})
    return UpdateResult(_outputs(inputs, answer, originals, client))


def read(ctx: Context, id_: str, props: Mapping[str, Any]) -> ReadResult:
    inputs, client = _inputs(props), ctx.mosaic()
    live = client.get_client(inputs.app_id, inputs.client_id)
    if live is None:
        return ReadResult("", {})
    values = live_values(live)
    outs = {k: v for k, v in props.items() if not k.startswith("__")}
    managed = [w for w in FIELDS if props.get(w) is not None]
    outs.update({w: values[w] for w in managed})
    fresh = {"appId": inputs.app_id, "clientId": inputs.client_id, "onDelete": inputs.on_delete,
             **{w: values[w] for w in managed}}
    if props.get(NAME_KEY):
        fresh[NAME_KEY] = outs[NAME_KEY] = props[NAME_KEY]
    return ReadResult(id_, outs, fresh)


def delete(ctx: Context, _id: str, props: Mapping[str, Any]) -> None:
    if props.get("onDelete") != "restore" or ctx.settings.skip_restore:
        return
    inputs, client = _inputs(props), ctx.mosaic()
    if props.get("baseUrl") and props["baseUrl"] != client.settings.base_url:
        raise ConfigurationError(
            f"cannot restore {inputs.label()} in {props['baseUrl']}: idcs:mosaicBaseUrl now points at "
            f"{client.settings.base_url}. Point it back for this run, or `pulumi config set idcs:skipRestore "
            "true`, run again, then `pulumi config rm idcs:skipRestore`")
    originals = {w: int(props[ORIGINAL[w]]) for w in FIELDS
                 if props.get(w) is not None and props.get(ORIGINAL[w]) is not None}
    key = f"{inputs.app_id}/{inputs.client_id}"
    if not originals or ctx.owners.adopted_in_this_run(client.settings.base_url, key):
        return
    live = client.get_client(inputs.app_id, inputs.client_id)
    if live is not None:
        _put(client, inputs, live, originals)




class ClientTokenTimeoutsProvider(DynamicAdapter):
    """The dynamic door's CRUD for one adopted Mosaic client's token lifetimes."""


def verdict(ctx: Context, _id: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Verdict:
    """Compare the program with the state and the live client (one read)."""
    if any(isinstance(v, Unknown) for k, v in news.items() if not k.startswith("__")):
        return Verdict(unknown=True)
    inputs, client = _inputs(news), ctx.mosaic()
    moved = [k for k in ("appId", "clientId") if olds.get(k) != getattr(inputs, snake(k))]
    if moved or olds.get("baseUrl", client.settings.base_url) != client.settings.base_url:
        return Verdict(replaces=tuple(moved or ["baseUrl"]))  # another client: adopt it instead
    live = live_values(_read(client, inputs))
    _claim(ctx, client, inputs, news)
    managed = {w: olds.get(w) for w in FIELDS if olds.get(w) is not None}
    return Verdict(inputs_changed=inputs.desired() != managed or inputs.on_delete != olds.get("onDelete", "retain"),
                   drift={w: (live.get(w), v) for w, v in inputs.desired().items() if live.get(w) != v})


def planned(ctx: Context, olds: Mapping[str, Any], props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """(id, outputs) that create (no olds) or update would store, without writing anything: for previews."""
    inputs, client = _inputs(props), ctx.mosaic()
    live = _read(client, inputs)
    originals = {w: olds[ORIGINAL[w]] for w in FIELDS if olds.get(ORIGINAL[w]) is not None}
    for w in inputs.desired():
        originals.setdefault(w, live_values(live)[w])
    return f"{inputs.app_id}/{inputs.client_id}", {**_outputs(inputs, live, originals, client), **inputs.desired()}


def imported(ctx: Context, id_: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(outputs, inputs) of a client adopted as it is, from its id `<appId>/<clientId>` (`pulumi import`): every
    lifetime it has managed at its live value, "retain" on delete; None when there is no such client."""
    app_id, _, client_id = id_.partition("/")
    if not app_id or not client_id:
        raise IdcsError(f"{shown(id_)} is not a ClientTokenTimeouts id: import it as <appId>/<clientId>, e.g. "
                        "mosaic-demo-app/mosaic-demo-client")
    client = ctx.mosaic()
    live = client.get_client(app_id, client_id)
    if live is None:
        return None
    values = {w: v for w, v in live_values(live).items() if v is not None}
    inputs: dict[str, Any] = {"appId": app_id, "clientId": client_id, "onDelete": "retain", **values}
    return _outputs(_inputs(inputs), live, values, client), inputs


def _claim(ctx: Context, client: MosaicClient, inputs: ClientTokenTimeoutsInputs, props: Mapping[str, Any],
           adopt: bool = False) -> None:
    mark = ctx.owners.adopt if adopt else ctx.owners.claim
    mark(client.settings.base_url, f"{inputs.app_id}/{inputs.client_id}", str(props.get(NAME_KEY) or ""),
         inputs.label())


def _preflight(ctx: Context, checked: dict[str, Any]) -> list[Failure]:
    """For a new resource: the Mosaic settings are usable, the client exists, no other resource manages it."""
    try:
        client = ctx.mosaic()
    except ConfigurationError as e:
        return [Failure(property="", reason=str(e))]
    inputs = _inputs(checked)
    try:
        _read(client, inputs)
        _claim(ctx, client, inputs, checked)
    except (AppNotFoundError, OwnershipError) as e:
        return [Failure(property="clientId", reason=str(e))]
    except IdcsError as e:
        return [Failure(property="", reason=str(e))]
    return []

"""`ClientTokenTimeouts`: adopt an existing Transmit Mosaic OIDC client and manage its token lifetimes only.

The same model as every adopting resource (adoption). Mosaic has no PATCH: a PUT replaces the top-level
fields it names, and an object field replaces the stored object whole, so `token_expiration` always carries all
three keys, the unmanaged ones as read.

`ClientTokenTimeoutsProvider`, the dynamic door's adapter, is pickled by reference into state: never rename or
move it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError, field_validator

from .adoption import Adoption
from .definition import Wire, flagged, prop, snake, with_lifetimes
from .dynamic_door import DynamicAdapter
from .errors import AppNotFoundError, IdcsError
from .mosaic_client import MosaicClient
from .mosaic_target import AdoptedState, MosaicLifetimes, MosaicTarget, plain_id
from .spelling import shown
from .validation import Failure


class _Client(Wire):
    app_id: str = prop("The Mosaic application's id (the portal: Applications > the application).", required=True)
    client_id: str = prop("The OIDC client's id within that application.", required=True)

    @field_validator("app_id", "client_id", mode="before")
    @classmethod
    def _plain(cls, v: object) -> object:
        return plain_id(v, "the application's and the client's settings")


class ClientTokenTimeoutsInputs(MosaicLifetimes, _Client):
    session_expiration: int | None = prop(
        'Lifetime of the client\'s sessions: whole seconds or a duration ("15m", "7d", "PT1H"). Left out: not '
        "managed.", managed=True, policy=("5m", "90d"))

    def label(self) -> str:
        return f"client {shown(self.client_id)} of application {shown(self.app_id)}"


class _ClientTokenTimeoutsState(AdoptedState, _Client):
    """The client's ids, onDelete and the host."""


#: The outputs (state) of ClientTokenTimeouts.
ClientTokenTimeoutsOutputs = with_lifetimes("ClientTokenTimeoutsOutputs", _ClientTokenTimeoutsState,
                                            ClientTokenTimeoutsInputs, "client")
#: The lifetimes this resource manages, by wire name (what a diff reports as drift and un-managing).
MANAGED = flagged(ClientTokenTimeoutsInputs, "managed")
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


class ClientTarget(MosaicTarget):
    """An OIDC client, named by its application's id and its own."""

    inputs = ClientTokenTimeoutsInputs
    noun, naming_input, where = "client", "clientId", "Applications > the application > Clients"

    def find(self, api: MosaicClient, inputs: MosaicLifetimes) -> dict[str, Any] | None:
        assert isinstance(inputs, ClientTokenTimeoutsInputs)
        return api.get_client(inputs.app_id, inputs.client_id)

    def identity(self, inputs: MosaicLifetimes, live: Mapping[str, Any]) -> dict[str, Any]:
        assert isinstance(inputs, ClientTokenTimeoutsInputs)
        return {"appId": inputs.app_id, "clientId": inputs.client_id}

    def naming(self, inputs: MosaicLifetimes) -> dict[str, Any]:
        assert isinstance(inputs, ClientTokenTimeoutsInputs)
        return {"appId": inputs.app_id, "clientId": inputs.client_id}

    def key(self, identity: Mapping[str, Any]) -> str:
        return f"{identity.get('appId')}/{identity.get('clientId')}"

    def identity_inputs(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {"appId": props.get("appId"), "clientId": props.get("clientId")}

    def live_values(self, live: Mapping[str, Any]) -> dict[str, int | None]:
        return live_values(live)

    def write(self, api: MosaicClient, inputs: MosaicLifetimes, live: Mapping[str, Any],
              changes: Mapping[str, int]) -> dict[str, Any]:
        assert isinstance(inputs, ClientTokenTimeoutsInputs)
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
        return api.put_client(inputs.app_id, inputs.client_id, body)

    def missing(self, api: MosaicClient, inputs: MosaicLifetimes, error: AppNotFoundError) -> Failure:
        """On appId when the tenant has no such application (one request, on the error path only), else on
        clientId."""
        assert isinstance(inputs, ClientTokenTimeoutsInputs)
        try:
            apps = {str(a.get("app_id")) for a in api.list_applications()}
        except IdcsError:
            apps = {inputs.app_id}  # cannot tell: the client is what the program named last
        if inputs.app_id not in apps:
            return Failure(property="appId", reason=(
                f"no application {shown(inputs.app_id)} in {api.settings.base_url}: check appId in the portal "
                "(Applications > the application > its settings)"))
        return Failure(property="clientId", reason=str(error))

    def id_inputs(self, id_: str) -> dict[str, Any]:
        app_id, _, client_id = id_.partition("/")
        named = {"appId": app_id, "clientId": client_id}
        try:
            ClientTokenTimeoutsInputs.model_validate(named)
        except ValidationError:
            raise IdcsError(f"{shown(id_)} is not a ClientTokenTimeouts id: import it as <appId>/<clientId>, e.g. "
                            "mosaic-demo-app/mosaic-demo-client") from None
        return named


#: The resource's operations: the adoption lifecycle over this target (what the catalog registers).
IMPLEMENTATION = Adoption(ClientTarget())


class ClientTokenTimeoutsProvider(DynamicAdapter):
    """The dynamic door's CRUD for one adopted Mosaic client's token lifetimes."""

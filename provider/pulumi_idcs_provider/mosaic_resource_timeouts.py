"""`ResourceTokenTimeouts`: adopt an existing Transmit Mosaic custom resource and manage its token lifetimes only.

A token issued for a resource (`resource=<uri>`) takes that resource's lifetimes, and a refresh keeps the resource
of the login that started it (docs/mosaic-api.md). The same model as every adopting resource (adoption).
Mosaic keeps a resource's three TTLs flat, and a PUT changes only the fields it names: the body carries only the
lifetimes that differ. There is no GET by id: a resource named by id is found in the tenant's list (one request),
one named by URI by `GET /cis/v1/resources/uri`.

`ResourceTokenTimeoutsProvider`, the dynamic door's adapter, is pickled by reference into state: never rename or
move it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import ValidationError, field_validator
from pydantic_core import PydanticCustomError

from .adoption import Adoption
from .definition import Wire, flagged, prop, snake, with_lifetimes
from .dynamic_door import DynamicAdapter
from .errors import IdcsError
from .mosaic_client import MosaicClient
from .mosaic_target import AdoptedState, MosaicLifetimes, MosaicTarget, plain_id
from .spelling import shown
from .validation import Failure

#: The inputs that can name the resource (give one).
NAMED_BY = ("resourceId", "resourceUri")


class _Resource(Wire):
    resource_id: str | None = prop(
        "The resource's id (the portal: Applications > Resources > the resource). Give this or resourceUri.",
        identifier=True)
    resource_uri: str | None = prop(
        "The resource's URI: the audience (aud) of the tokens issued for it. Give this or resourceId.",
        identifier=True)

    @field_validator("resource_id", mode="before")
    @classmethod
    def _plain(cls, v: object) -> object:
        return v if v is None else plain_id(v, "the resource's settings")

    @field_validator("resource_uri", mode="before")
    @classmethod
    def _uri(cls, v: object) -> object:
        if v is not None and (not isinstance(v, str) or not v.strip() or v != v.strip()):
            raise PydanticCustomError("idcs", "{value} is not a resource URI: give it as the portal shows it "
                                      "(Applications > Resources), e.g. https://api.example.com", {"value": shown(v)})
        return v


class ResourceTokenTimeoutsInputs(MosaicLifetimes, _Resource):
    def label(self) -> str:
        return f"resource {shown(self.resource_id or self.resource_uri)}"

    def named_by(self) -> Literal["resourceId", "resourceUri"]:
        return "resourceId" if self.resource_id is not None else "resourceUri"


class _ResourceIdentity(Wire):
    resource_id: str = prop("The resource's id.", required=True)
    resource_uri: str = prop("The resource's URI, as Mosaic shows it now.", required=True)
    identified_by: str = prop('What the program named the resource by: "resourceId" or "resourceUri".',
                              required=True)


class _ResourceTokenTimeoutsState(AdoptedState, _ResourceIdentity):
    """The resource's identity, onDelete and the host."""


#: The outputs (state) of ResourceTokenTimeouts.
ResourceTokenTimeoutsOutputs = with_lifetimes("ResourceTokenTimeoutsOutputs", _ResourceTokenTimeoutsState,
                                              ResourceTokenTimeoutsInputs, "resource")
#: The lifetimes this resource manages, by wire name; Mosaic's own names are their snake_case.
MANAGED = flagged(ResourceTokenTimeoutsInputs, "managed")


class ResourceTarget(MosaicTarget):
    """A tenant-wide custom resource, named by its id or its URI."""

    inputs = ResourceTokenTimeoutsInputs
    noun, naming_input, where = "resource", "resourceId", "Applications > Resources"

    def find(self, api: MosaicClient, inputs: MosaicLifetimes) -> dict[str, Any] | None:
        assert isinstance(inputs, ResourceTokenTimeoutsInputs)
        if inputs.resource_id is not None:  # the id never changes; a URI can be edited in the portal
            return next((r for r in api.list_resources() if r.get("resource_id") == inputs.resource_id), None)
        return api.resource_by_uri(str(inputs.resource_uri))

    def identity(self, inputs: MosaicLifetimes, live: Mapping[str, Any]) -> dict[str, Any]:
        assert isinstance(inputs, ResourceTokenTimeoutsInputs)
        return {"resourceId": str(live.get("resource_id")), "resourceUri": str(live.get("uri")),
                "identifiedBy": inputs.named_by()}

    def naming(self, inputs: MosaicLifetimes) -> dict[str, Any]:
        assert isinstance(inputs, ResourceTokenTimeoutsInputs)
        return {inputs.named_by(): getattr(inputs, snake(inputs.named_by()))}

    def key(self, identity: Mapping[str, Any]) -> str:
        return str(identity.get("resourceId"))

    def named_by(self, inputs: MosaicLifetimes) -> str:
        assert isinstance(inputs, ResourceTokenTimeoutsInputs)
        return inputs.named_by()

    def recorded(self, state: Mapping[str, Any]) -> dict[str, Any]:
        return {"identifiedBy": state["identifiedBy"]} if state.get("identifiedBy") in NAMED_BY else {}

    def identity_inputs(self, props: Mapping[str, Any]) -> dict[str, Any]:
        named_by = props.get("identifiedBy") or "resourceId"
        return {named_by: props.get(named_by)}

    def live_values(self, live: Mapping[str, Any]) -> dict[str, int | None]:
        values = {w: live.get(snake(w)) for w in MANAGED}
        return {w: int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
                for w, v in values.items()}

    def write(self, api: MosaicClient, inputs: MosaicLifetimes, live: Mapping[str, Any],
              changes: Mapping[str, int]) -> dict[str, Any]:
        return api.put_resource(str(live.get("resource_id")), inputs.label(),
                                {snake(w): v for w, v in changes.items()})

    def id_inputs(self, id_: str) -> dict[str, Any]:
        """An import id is the resource's id, or its URI (anything with "://")."""
        by = "resourceUri" if "://" in id_ else "resourceId"
        try:
            ResourceTokenTimeoutsInputs.model_validate({by: id_})
        except ValidationError:
            raise IdcsError(f"{shown(id_)} is not a ResourceTokenTimeouts id: import it by the resource's id (the "
                            "portal: Applications > Resources) or its URI") from None
        return {by: id_}

    def problems(self, inputs: MosaicLifetimes, unknown: set[str]) -> list[Failure]:
        assert isinstance(inputs, ResourceTokenTimeoutsInputs)
        given = [w for w in NAMED_BY if getattr(inputs, snake(w)) is not None or w in unknown]
        if len(given) == 1:
            return []
        reason = ("name the resource: set resourceId (its id in the portal, Applications > Resources) or "
                  "resourceUri (its URI)") if not given else \
            "give resourceId or resourceUri, not both: one names the resource, and they could disagree"
        return [Failure(property="resourceId", reason=reason)]


#: The resource's operations: the adoption lifecycle over this target (what the catalog registers).
IMPLEMENTATION = Adoption(ResourceTarget())


class ResourceTokenTimeoutsProvider(DynamicAdapter):
    """The dynamic door's CRUD for one adopted Mosaic resource's token lifetimes."""

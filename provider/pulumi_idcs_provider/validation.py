"""What every resource's check shares: one failure per wrong property, the one way raw inputs are validated, the
onDelete field, and the hidden input that carries a resource's name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pulumi.output import Unknown
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from .spelling import shown

#: The hidden input under which the SDKs (and the plugin, from the URN) pass a resource's name, so that messages
#: can name both resources on one app.
NAME_KEY = "__name"


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

"""The vocabulary a resource is defined in: once, as two pydantic models (its inputs and its outputs). The record
that registers a resource with its operations is `resource.Definition`.

A field's Python name is written by hand once; its wire name (state, schema.json, IDCS JSON) is derived from it
(`access_token_expiry` -> `accessTokenExpiry`). Its type, description, default, secret flag and bounds sit on the
field. schema.json, both Python SDKs, the docs' property tables, the policy pack's and the gate's tables are all
derived from these definitions (`schema_gen`, `scripts/gen_dynamic_sdk.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, create_model, field_validator
from pydantic.alias_generators import to_camel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from .durations import DurationError, describe, parse_seconds
from .spelling import shown
from .type_tokens import original_of


class Wire(BaseModel):
    """A model whose fields are snake_case in Python and camelCase on the wire; a field declared `duration` takes
    whole seconds or a duration text, within its declared bounds."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True, extra="ignore",
                              defer_build=True)  # built at first use: output models never are

    @field_validator("*", mode="before")
    @classmethod
    def _duration(cls, v: object, info: ValidationInfo) -> object:
        field = cls.model_fields[info.field_name or ""]
        if v is None or not has_flag(field, "duration"):
            return v
        low, high = declared(field).get("minimum"), declared(field).get("maximum")
        try:  # below a bound, whatever the sign: the bound is the message
            seconds = parse_seconds(v, positive=low is None)
        except DurationError as e:
            raise PydanticCustomError("idcs", "{reason}", {"reason": str(e)}) from None
        if isinstance(low, int) and (seconds < low or (isinstance(high, int) and seconds > high)):
            bound = f"between {describe(low)} and {describe(high)}" if isinstance(high, int) else \
                f"at least {describe(low)}"
            hint = f'; did you mean "{seconds}d"?' if 0 < seconds < low and seconds <= 90 else ""
            what = re.sub(r"(Expiry|Ttl)$", "", field.alias or "")  # accessTokenExpiry: "access tokens"
            raise PydanticCustomError("idcs", "{value} is {seconds} s, but {what}s must live {bound}{hint}", {
                "value": shown(v), "seconds": seconds, "what": snake(what).replace("_", " "), "bound": bound,
                "hint": hint})
        return seconds


#: What a property can be declared as, besides its type: see prop().
FLAGS = ("secret", "duration", "managed", "identifier", "computed", "fails_run")


def snake(wire: str) -> str:
    """The Python name of a wire name: accessTokenExpiry -> access_token_expiry."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", wire).lower()


def prop(description: str, default: Any = None, *, required: bool = False, minimum: int | None = None,
         maximum: int | None = None, policy: tuple[str, str] | None = None, **flags: bool) -> Any:
    """One property's declaration. Flags:
    `secret`: encrypted in state, shown as [secret] through both doors;
    `duration`: the input takes whole seconds or a duration text ("15m", "P7D");
    `managed`: a lifetime the resource manages (a duration whose value at adoption is kept);
    `identifier`: one of the ways to name the live object;
    `computed`: an output only the operation tells (unknown at preview);
    `fails_run`: an output whose value, when set, fails the program (the dynamic SDK raises it).
    `minimum`/`maximum` bound a duration, in seconds; `policy` gives the policy pack's default bounds of a managed
    lifetime (what an organisation allows unless its policy config says otherwise)."""
    unknown = set(flags) - set(FLAGS)
    if unknown:
        raise TypeError(f"unknown property flags {sorted(unknown)}")
    extra: dict[str, Any] = {k: True for k, on in flags.items() if on}
    extra.update({k: v for k, v in (("minimum", minimum), ("maximum", maximum), ("policy", policy)) if v is not None})
    if flags.get("managed"):
        extra["duration"] = True
    if required:
        return Field(description=description, json_schema_extra=extra or None)
    return Field(default, description=description, json_schema_extra=extra or None)


def declared(field: FieldInfo) -> dict[str, Any]:
    """What prop() declared on a field besides its description and default: flags, bounds, policy bounds."""
    return field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}


def has_flag(field: FieldInfo, name: str) -> bool:
    """Whether a field was declared with prop(..., name=True)."""
    return bool(declared(field).get(name))


def properties(model: type[BaseModel]) -> Iterator[tuple[str, str, FieldInfo]]:
    """(wire name, Python name, field) of each of a model's properties, in declaration order."""
    for py, field in model.model_fields.items():
        yield field.alias or py, py, field


def policy_bounds(model: type[BaseModel]) -> dict[str, tuple[str, str]]:
    """{wire name: (lowest, highest)} of the policy pack's default bounds declared on a model's lifetimes."""
    found = {}
    for wire, _, field in properties(model):
        bounds = declared(field).get("policy")
        if isinstance(bounds, (tuple, list)):
            found[wire] = (str(bounds[0]), str(bounds[1]))
    return found


def flagged(model: type[BaseModel], name: str) -> tuple[str, ...]:
    """Wire names of a model's properties declared with the flag `name`."""
    return tuple(wire for wire, _, f in properties(model) if has_flag(f, name))


def with_lifetimes(name: str, base: type[Wire], inputs: type[Wire], noun: str) -> type[Wire]:
    """`base` plus, for each lifetime `inputs` manages, its live value and its value found at adoption (what
    onDelete "restore" puts back): the outputs every adopting resource has, named after the inputs."""
    managed = flagged(inputs, "managed")
    fields: dict[str, Any] = {snake(w): (int | None, prop(f"Live {w} in seconds (absent when not managed)."))
                              for w in managed}
    fields.update({snake(original_of(w)): (int | None, prop(f"{w} found when the {noun} was adopted."))
                   for w in managed})
    return create_model(name, __base__=base, **fields)

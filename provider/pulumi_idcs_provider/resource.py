"""The record that registers each resource and function in the catalog: its definition (definition.py's
vocabulary) with the implementation both front doors call directly."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .adoption import Adoption
from .definition import Wire, flagged, properties
from .implementation import Implementation
from .type_tokens import ResourceType


@dataclass(frozen=True)
class Definition:
    """One resource: its type token, what it is, its inputs and outputs, the dynamic door's provider class
    (pickled by reference into state: never rename or move it) and its implementation (the operations both doors
    call, against an injected context: an `Adoption` for a resource that adopts a live object)."""

    token: ResourceType
    description: str
    inputs: type[Wire]
    outputs: type[Wire]
    dynamic_provider: type
    implementation: Implementation

    @property
    def adopts(self) -> bool:
        """Whether it takes over a live object that one resource at a time may manage."""
        return isinstance(self.implementation, Adoption)

    def input_names(self) -> dict[str, str]:
        """{Python name: wire name} of the inputs."""
        return {py: wire for wire, py, _ in properties(self.inputs)}

    def output_names(self) -> tuple[str, ...]:
        return tuple(wire for wire, _, _ in properties(self.outputs))

    def secrets(self) -> tuple[str, ...]:
        """Every property marked secret, input or output, by wire name."""
        return tuple(dict.fromkeys((*flagged(self.inputs, "secret"), *flagged(self.outputs, "secret"))))


@dataclass(frozen=True)
class FunctionDefinition:
    """One function (a data source: `idcs:index:getApp`): what it reads, typed, and the call that reads it
    against an injected context. It never writes."""

    token: str
    description: str
    inputs: type[Wire]
    outputs: type[Wire]
    call: Callable[[Any, Mapping[str, Any]], dict[str, Any]]

    @property
    def name(self) -> str:
        return self.token.rsplit(":", 1)[-1]

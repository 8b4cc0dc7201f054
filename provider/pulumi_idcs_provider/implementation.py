"""What a resource's implementation offers both front doors: one function per operation, each run against an
explicit context, answering with the result types below (each door turns them into its own: the dynamic door into
`pulumi.dynamic`'s, the plugin into gRPC responses). A resource module is one (mypy checks it structurally); the
catalog names each resource's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .context import Context
from .diff import Diff
from .validation import Failure

Props = Mapping[str, Any]


@dataclass(frozen=True)
class Checked:
    """The inputs as checked, and one failure per wrong property (none: the inputs are usable)."""

    inputs: dict[str, Any]
    failures: list[Failure] = field(default_factory=list)


@dataclass(frozen=True)
class Created:
    """The new resource's id and outputs."""

    id: str
    outs: dict[str, Any]


@dataclass(frozen=True)
class Updated:
    outs: dict[str, Any]


@dataclass(frozen=True)
class Read:
    """The live object's id ("" when it is gone), outputs and, where a refresh rewrites them, inputs."""

    id: str
    outs: dict[str, Any]
    inputs: dict[str, Any] | None = None


class Implementation(Protocol):
    """The operations every resource has. `import_(ctx, id_) -> (outputs, inputs) | None`, adopting a live object
    by its id alone, is optional: a resource that has none cannot be imported."""

    def check(self, ctx: Context, olds: Props, news: Props) -> Checked:
        """The inputs checked; for a new resource, what create would refuse, refused now."""

    def diff(self, ctx: Context, id_: str, olds: Props, news: Props) -> Diff:
        """The program against the state and the live object: what a diff shows."""

    def create(self, ctx: Context, props: Props, preview: bool = False) -> Created:
        """The new resource; with `preview`, what create would store, written nowhere."""

    def read(self, ctx: Context, id_: str, props: Props) -> Read: ...

    def update(self, ctx: Context, id_: str, olds: Props, news: Props, preview: bool = False) -> Updated:
        """The updated outputs; with `preview`, what update would store, written nowhere."""

    def delete(self, ctx: Context, id_: str, props: Props) -> None: ...

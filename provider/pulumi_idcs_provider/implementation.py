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
    @property
    def MANAGED(self) -> tuple[str, ...]:
        """The lifetimes it manages, by wire name (drift and un-managing are reported for these)."""

    @property
    def ORIGINAL(self) -> Mapping[str, str]:
        """Each managed lifetime's output holding its value found at adoption."""

    def check(self, ctx: Context, olds: Props, news: Props) -> Checked:
        """The inputs checked; for a new resource, what create would refuse, refused now."""

    def diff(self, ctx: Context, id_: str, olds: Props, news: Props) -> Diff:
        """The program against the state and the live object: what a diff shows."""

    def preview(self, ctx: Context, olds: Props, news: Props) -> tuple[str, dict[str, Any]]:
        """(id, outputs) create (no olds) or update would store, written nowhere: what a preview shows."""

    def import_(self, ctx: Context, id_: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(outputs, inputs) of the live object with this id, adopted as it is; None when it cannot be."""

    def create(self, ctx: Context, props: Props) -> Created: ...

    def read(self, ctx: Context, id_: str, props: Props) -> Read: ...

    def update(self, ctx: Context, id_: str, olds: Props, news: Props) -> Updated: ...

    def delete(self, ctx: Context, id_: str, props: Props) -> None: ...

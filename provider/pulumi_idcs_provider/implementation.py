"""What a resource's implementation offers both front doors: one function per operation, each run against an
explicit context. A resource module is one (mypy checks it structurally); the catalog names each resource's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from pulumi.dynamic import CheckResult, CreateResult, ReadResult, UpdateResult

from .context import Context
from .diff import Diff

Props = Mapping[str, Any]


class Implementation(Protocol):
    @property
    def MANAGED(self) -> tuple[str, ...]:
        """The lifetimes it manages, by wire name (drift and un-managing are reported for these)."""

    @property
    def ORIGINAL(self) -> Mapping[str, str]:
        """Each managed lifetime's output holding its value found at adoption."""

    def check(self, ctx: Context, olds: Props, news: Props) -> CheckResult:
        """The inputs checked; for a new resource, what create would refuse, refused now."""

    def diff(self, ctx: Context, id_: str, olds: Props, news: Props) -> Diff:
        """The program against the state and the live object: what a diff shows."""

    def preview(self, ctx: Context, olds: Props, news: Props) -> tuple[str, dict[str, Any]]:
        """(id, outputs) create (no olds) or update would store, written nowhere: what a preview shows."""

    def import_(self, ctx: Context, id_: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(outputs, inputs) of the live object with this id, adopted as it is; None when it cannot be."""

    def create(self, ctx: Context, props: Props) -> CreateResult: ...

    def read(self, ctx: Context, id_: str, props: Props) -> ReadResult: ...

    def update(self, ctx: Context, id_: str, olds: Props, news: Props) -> UpdateResult: ...

    def delete(self, ctx: Context, id_: str, props: Props) -> None: ...

"""What a diff found, for each front door to present in its own way: the dynamic door as a DiffResult, the
plugin as a detailed diff with drift named and warnings shown under the resource (each converts it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .spelling import shown


@dataclass(frozen=True)
class Diff:
    """One resource's diff: the program against the state and the live values."""

    unknown: bool = False              # inputs not known yet (preview): the engine compares what it can
    replaces: tuple[str, ...] = ()     # the properties that make this another app (or client)
    inputs_changed: bool = False       # the program changed: the engine's input diff shows each property
    drift: dict[str, tuple[int | None, int]] = field(default_factory=dict)  # property -> (live, wanted)
    domain_url_respelt: bool = False              # only the stored spelling of the domain URL changes
    warnings: tuple[str, ...] = ()     # what else the user should read (an app renamed in the console)
    reruns: tuple[str, ...] = ()       # outputs that change with no input changed (a check due again)
    changed_by: str = ""               # " (last changed by X at T)": who the domain says made the drift
    where: str = "in the domain"       # where the live values are: "in Mosaic" for a Mosaic object

    @property
    def changes(self) -> bool:
        return bool(self.replaces or self.inputs_changed or self.drift or self.domain_url_respelt or self.reruns)

    def drift_warnings(self, olds: Mapping[str, Any]) -> tuple[str, ...]:
        """One line per drifted property, the same through both doors: what the domain holds, what the last up
        set when that differs, what the program wants, who changed it. A property the program itself changed is
        no drift (its live value is still the last up's)."""
        lines = []
        for prop, (live, wanted) in sorted(self.drift.items()):
            applied = olds.get(prop)
            if applied is not None and live != applied:
                also = "" if applied == wanted else f" (the last up set {shown(applied)})"
                lines.append(f"{prop} is {shown(live)} {self.where}{also}, the program wants {shown(wanted)}"
                             f"{self.changed_by}")
        return tuple(lines)

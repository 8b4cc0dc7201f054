"""What a diff found, for each front door to present in its own way: the dynamic door as a DiffResult, the
plugin as a detailed diff with drift named and warnings shown under the resource."""

from __future__ import annotations

from dataclasses import dataclass, field

from pulumi.dynamic import DiffResult


@dataclass(frozen=True)
class Verdict:
    """One resource's diff: the program against the state and the live values."""

    unknown: bool = False              # inputs not known yet (preview): the engine compares what it can
    replaces: tuple[str, ...] = ()     # the properties that make this another app (or client)
    inputs_changed: bool = False       # the program changed: the engine's input diff shows each property
    drift: dict[str, tuple[int | None, int]] = field(default_factory=dict)  # property -> (live, wanted)
    restamp: bool = False              # only the stored spelling of the domain URL changes
    warnings: tuple[str, ...] = ()     # what else the user should read (an app renamed in the console)
    reruns: tuple[str, ...] = ()       # outputs that change with no input changed (a check due again)
    changed_by: str = ""               # " (last changed by X at T)": who the domain says made the drift

    @property
    def changes(self) -> bool:
        return bool(self.replaces or self.inputs_changed or self.drift or self.restamp or self.reruns)

    def as_dynamic(self) -> DiffResult:
        if self.replaces:
            return DiffResult(changes=True, replaces=list(self.replaces))
        if self.unknown or self.inputs_changed:
            return DiffResult(changes=None)  # the engine diffs old and new inputs, which shows each property
        return DiffResult(changes=self.changes)

"""The lifecycle of every resource that adopts a live object (an IDCS app, a Mosaic OIDC client, a Mosaic custom
resource) and manages only the lifetimes the program names, written once.

The object is never created or deleted: create adopts it, delete leaves its values ("retain") or puts back those
found at adoption ("restore", kept in the state as the `original*` outputs). Only what differs is written, and the
service's answer is checked against what was sent. Whatever `up` would refuse, check and diff refuse first (they
run during preview, before anything is written). One resource at a time manages an object (the context's
ownership table). A `Target` says what differs between kinds of object: how one is reached, named, found, read and
written; a resource registers `Adoption(its target)` in the catalog as its implementation.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

from pulumi.output import Unknown

from . import ignoring
from .context import Context
from .definition import Wire, flagged
from .diff import Diff
from .errors import AppNotFoundError, ConfigurationError, IdcsError, ReadAfterWriteError
from .implementation import Checked, Created, Read, Updated
from .ownership import OwnershipError
from .type_tokens import original_of
from .validation import NAME_KEY, Failure

Props = Mapping[str, Any]
#: The live object as the target's API client returns it (an IDCS app, a Mosaic client's or resource's JSON).
Live = Any
#: The target's API client (IdcsClient, MosaicClient).
Api = Any


class Target(ABC):
    """One kind of live object a resource adopts."""

    inputs: type[Wire]     # the resource's inputs: a model with `desired()` and `on_delete`
    noun: str              # "app", "client", "resource": what messages call one
    vendor: str            # "IDCS", "Mosaic": who answered a write
    place_output: str      # the output naming where the object lives: "domainUrl", "baseUrl"
    live_where: str        # where a drift message says the live value is: "in the domain", "in Mosaic"

    @abstractmethod
    def check_inputs(self, news: Props) -> tuple[dict[str, Any], list[Failure]]:
        """Each input, then the rules across them: (the inputs as checked, one failure per wrong property)."""

    @abstractmethod
    def connect(self, ctx: Context, props: Props) -> Api:
        """The API client the inputs (or a state) use; ConfigurationError when it cannot be had."""

    @abstractmethod
    def place(self, api: Api) -> str:
        """Where the client's objects live (a domain or tenant URL): the ownership table's scope."""

    @abstractmethod
    def resolve(self, api: Api, inputs: Any) -> Live:
        """The live object the inputs name; AppNotFoundError saying where to look when there is none."""

    @abstractmethod
    def current(self, api: Api, id_: str, state: Props) -> Live | None:
        """The live object a state manages (by its handle where it has one); None when it is gone."""

    @abstractmethod
    def identity(self, inputs: Any, live: Live) -> dict[str, Any]:
        """The outputs that say which object it is and how the program named it."""

    @abstractmethod
    def key(self, identity: Props) -> str:
        """The object's id, from its identity (or a state holding it): the resource id and the ownership key."""

    @abstractmethod
    def identity_inputs(self, outputs: Props) -> dict[str, Any]:
        """The inputs that named the object, from its outputs: what a refresh or an import records as the
        program."""

    @abstractmethod
    def label(self, inputs: Any, live: Live) -> str:
        """The object in messages."""

    @abstractmethod
    def live_values(self, live: Live) -> dict[str, int | None]:
        """Each managed lifetime as the service shows it (None where it has none)."""

    @abstractmethod
    def write(self, api: Api, inputs: Any, live: Live, changes: Mapping[str, int]) -> Live:
        """Write the changed lifetimes; the object as the service answered."""

    @abstractmethod
    def id_inputs(self, id_: str) -> dict[str, Any]:
        """The inputs that name the object a `pulumi import` id names; IdcsError saying the form when it is no
        such id."""

    @abstractmethod
    def restore_api(self, ctx: Context, state: Props) -> Api:
        """The client delete restores through: one reaching where the object was adopted, or a
        ConfigurationError with the way out."""

    @abstractmethod
    def problem(self, inputs: Any, live: Mapping[str, int | None]) -> Failure | None:
        """The rule between two lifetimes when the program sets one and the other is the live value."""

    @abstractmethod
    def named_by(self, inputs: Any) -> str:
        """The input the program named the object by: what a "not found" or "taken" is reported on."""

    def missing(self, api: Api, inputs: Any, error: AppNotFoundError) -> Failure:
        """The failure of a "not found": on the input the program named the object by."""
        return Failure(property=self.named_by(inputs), reason=str(error))

    @abstractmethod
    def moved(self, ctx: Context, api: Api, olds: Props, news: Props) -> Diff | None:
        """A replace when the object now lives elsewhere (another domain or tenant); None when not."""

    @abstractmethod
    def retarget(self, api: Api, inputs: Any, olds: Props, live: Live) -> Diff | None:
        """A replace when the program now names another object than the state's; None when not."""

    @abstractmethod
    def identity_changed(self, inputs: Any, olds: Props, live: Live) -> bool:
        """Whether the program names the object differently than the state records (an update)."""

    def notes(self, inputs: Any, live: Live) -> tuple[str, ...]:
        """What a diff should tell beyond drift (a rename in the console)."""
        return ()

    def changed_by(self, live: Live) -> str:
        """' (last changed by X at T)' where the service says, for a drift message."""
        return ""

    def respelt(self, api: Api, olds: Props) -> bool:
        """Whether only the stored spelling of where the object lives changes (an update that writes nothing)."""
        return False

    @abstractmethod
    def refreshed(self, state: Props, live: Live) -> dict[str, Any]:
        """A refresh's outputs but the lifetimes: the state's, with what the live object says of itself."""

    def parse(self, props: Props) -> Any:
        """The inputs (or a state) as the resource's inputs model."""
        return self.inputs.model_validate({k: v for k, v in props.items() if not k.startswith("__")})

    @abstractmethod
    def gone(self, api: Api, state: Props, inputs: Any) -> AppNotFoundError:
        """The error when the object a state manages no longer exists and the inputs name no other: how to drop
        it from the stack."""


class Adoption:
    """The operations of an adopting resource over one target: the implementation the catalog registers. It
    manages the lifetimes its inputs mark `managed`, each with its `original*` output (MANAGED, ORIGINAL)."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.MANAGED = flagged(target.inputs, "managed")
        self.ORIGINAL = {w: original_of(w) for w in self.MANAGED}

    # --- operations ---------------------------------------------------------------------------------------------

    def check(self, ctx: Context, olds: Props, news: Props) -> Checked:
        """The inputs checked; for a new resource whose inputs are all known, what create would refuse (the object
        read, the configuration used, the object taken), refused now."""
        checked, failures = self.target.check_inputs(news)
        for hidden in (NAME_KEY, ignoring.IGNORE_KEY):  # passed by the SDK, kept for the operations
            if news.get(hidden) is not None:
                checked[hidden] = news[hidden]
        is_new = not any(not k.startswith("__") for k in olds)
        if is_new and not failures and not any(isinstance(v, Unknown) for v in checked.values()):
            failures = self._preflight(ctx, checked)
        return Checked(checked, list(failures))

    def create(self, ctx: Context, props: Props, preview: bool = False) -> Created:
        """Adopt the object: its values found now become the originals, the program's are written; with
        `preview`, the outputs that would be stored, nothing written or claimed."""
        inputs, api = self.target.parse(props), self.target.connect(ctx, props)
        live = self.target.resolve(api, inputs)
        originals = {w: self.target.live_values(live)[w] for w in inputs.desired()}
        if preview:
            outs = {**self._outputs(inputs, live, originals, api, props), **inputs.desired()}
            return Created(self.target.key(outs), outs)
        self._claim(ctx, api, inputs, live, props, write=True)
        answer = self._put(api, inputs, live, inputs.desired())
        outs = self._outputs(inputs, answer, originals, api, props)
        return Created(self.target.key(outs), outs)

    def update(self, ctx: Context, id_: str, olds: Props, news: Props, preview: bool = False) -> Updated:
        """Write what the program changed; a lifetime no longer managed gets its original back (onDelete
        restore); with `preview`, the outputs that would be stored, nothing written or claimed."""
        inputs, api = self.target.parse(news), self.target.connect(ctx, news)
        live = self._current(api, id_, olds, inputs)
        originals = self._originals(olds, inputs, live)
        if preview:
            return Updated({**self._outputs(inputs, live, originals, api, news), **inputs.desired()})
        self._claim(ctx, api, inputs, live, news, write=True)
        released = {w: originals[w] for w in self.MANAGED if olds.get(w) is not None and w not in inputs.desired()
                    and inputs.on_delete == "restore" and originals.get(w) is not None}
        answer = self._put(api, inputs, live, ignoring.writable({**inputs.desired(), **released}, news))
        return Updated(self._outputs(inputs, answer, originals, api, news))

    def read(self, ctx: Context, id_: str, props: Props) -> Read:
        """The live values of the managed lifetimes, recorded as inputs too (so the next preview shows the drift
        as a change); the identifiers as the program wrote them; an object gone is dropped from the stack."""
        live = self.target.current(self.target.connect(ctx, props), id_, props)
        if live is None:
            return Read("", {})
        values = self.target.live_values(live)
        managed = [w for w in self.MANAGED if props.get(w) is not None]
        outs = {k: v for k, v in props.items() if not k.startswith("__")}
        outs.update(self.target.refreshed(props, live), onDelete=props.get("onDelete", "retain"))
        for w in managed:
            outs[w] = values[w]
            outs.setdefault(self.ORIGINAL[w], values[w])
        fresh = {**self.target.identity_inputs(outs), "onDelete": outs["onDelete"], **{w: outs[w] for w in managed}}
        for key in ("connection", NAME_KEY, ignoring.IGNORE_KEY):
            if props.get(key):
                fresh[key] = outs[key] = props[key]
        return Read(self.target.key(outs), outs, fresh)

    def delete(self, ctx: Context, id_: str, props: Props) -> None:
        if props.get("onDelete") != "restore" or ctx.settings.skip_restore:
            return  # "retain", or the stack says to skip restores: the live values stay as they are
        originals = ignoring.writable({w: int(props[self.ORIGINAL[w]]) for w in self.MANAGED
                                       if props.get(w) is not None and props.get(self.ORIGINAL[w]) is not None}, props)
        if not originals:
            return
        api = self.target.restore_api(ctx, props)
        if ctx.owners.written_in_this_run(self.target.place(api), self.target.key(props)):
            return  # another resource of this deployment manages the object now: restoring would undo its values
        live = self.target.current(api, id_, props)
        if live is not None:
            self._put(api, self.target.parse(props), live, originals)

    def diff(self, ctx: Context, id_: str, olds: Props, news: Props) -> Diff:
        """Compare the program with the state and the live object (one read)."""
        if any(isinstance(v, Unknown) for k, v in news.items() if not k.startswith("__")):
            return Diff(unknown=True)
        inputs, api = self.target.parse(news), self.target.connect(ctx, news)
        moved = self.target.moved(ctx, api, olds, news)
        if moved is not None:
            return moved
        live = self.target.current(api, id_, olds)
        if live is None:
            return self._gone(api, olds, inputs)
        replace = self.target.retarget(api, inputs, olds, live)
        if replace is not None:
            return replace
        self._claim(ctx, api, inputs, live, news)
        values = self.target.live_values(live)
        problem = self.target.problem(inputs, values)
        if problem:
            raise IdcsError(f"{problem.property}: {problem.reason}")
        drift, ignored = ignoring.split_drift(
            {w: (values[w], v) for w, v in inputs.desired().items() if values[w] != v}, news)
        managed = {w: olds[w] for w in self.MANAGED if olds.get(w) is not None}
        changed = (ignoring.writable(inputs.desired(), news) != ignoring.writable(managed, news)
                   or inputs.on_delete != olds.get("onDelete", "retain")
                   or self.target.identity_changed(inputs, olds, live))
        return Diff(inputs_changed=changed, drift=drift, changed_by=self.target.changed_by(live),
                    domain_url_respelt=self.target.respelt(api, olds), where=self.target.live_where,
                    warnings=(*self.target.notes(inputs, live), *ignored))

    def import_(self, ctx: Context, id_: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(outputs, inputs) of an object adopted as it is (`pulumi import`): every lifetime it has managed at its
        live value, "retain" on delete; None when there is no such object."""
        api, named = self.target.connect(ctx, {}), self.target.id_inputs(id_)
        live = self.target.current(api, id_, named)
        if live is None:
            return None
        values = {w: v for w, v in self.target.live_values(live).items() if v is not None}
        inputs: dict[str, Any] = {**named, "onDelete": "retain", **values}
        return self._outputs(self.target.parse(inputs), live, values, api, inputs), inputs

    # --- what the operations share ------------------------------------------------------------------------------

    def _preflight(self, ctx: Context, checked: dict[str, Any]) -> list[Failure]:
        """For a new resource: the configuration is usable, the object exists, no other resource manages it."""
        try:
            api = self.target.connect(ctx, checked)
        except ConfigurationError as e:
            return [Failure(property="connection" if checked.get("connection") else "", reason=str(e))]
        inputs = self.target.parse(checked)
        try:
            live = self.target.resolve(api, inputs)
            self._claim(ctx, api, inputs, live, checked)
        except AppNotFoundError as e:
            return [self.target.missing(api, inputs, e)]
        except OwnershipError as e:
            return [Failure(property=self.target.named_by(inputs), reason=str(e))]
        except IdcsError as e:  # refused credentials, an unreachable service: up would fail the same way
            return [Failure(property="", reason=str(e))]
        problem = self.target.problem(inputs, self.target.live_values(live))
        return [problem] if problem else []

    def _current(self, api: Api, id_: str, olds: Props, inputs: Any) -> Live:
        """The object the state manages, for a write: gone now is an error."""
        live = self.target.current(api, id_, olds)
        if live is None:
            raise self.target.gone(api, olds, inputs)
        return live

    def _gone(self, api: Api, olds: Props, inputs: Any) -> Diff:
        """The managed object no longer exists: a replace when the program names another that does, else an
        error saying how to drop it from the stack."""
        try:
            self.target.resolve(api, inputs)
        except AppNotFoundError:
            raise self.target.gone(api, olds, inputs) from None
        return Diff(replaces=(self.target.named_by(inputs),))

    def _claim(self, ctx: Context, api: Api, inputs: Any, live: Live, props: Props, write: bool = False) -> None:
        """Record that this resource manages the object (`write`: and writes it in this run); OwnershipError when
        another resource of the deployment does."""
        mark = ctx.owners.claim_to_write if write else ctx.owners.claim
        mark(self.target.place(api), self.target.key(self.target.identity(inputs, live)),
             str(props.get(NAME_KEY) or ""), self.target.label(inputs, live))

    def _put(self, api: Api, inputs: Any, live: Live, values: Mapping[str, int]) -> Live:
        """Write only what differs (an object already right costs nothing); check the service kept what was sent
        (it may clamp silently)."""
        current = self.target.live_values(live)
        changes = {w: int(v) for w, v in values.items() if current.get(w) != v}
        if not changes:
            return live
        answer = self.target.write(api, inputs, live, changes)
        kept = self.target.live_values(answer)
        wrong = {w: (v, kept.get(w)) for w, v in changes.items() if kept.get(w) != v}
        if wrong:
            said = "; ".join(f"{w}: sent {v}, {self.target.vendor} answered {got}"
                             for w, (v, got) in sorted(wrong.items()))
            raise ReadAfterWriteError(
                f"{self.target.vendor} accepted the update of {self.target.label(inputs, live)} but did not store "
                f"the values sent ({said}): it clamps or ignores this value, choose one it keeps")
        return answer

    def _originals(self, olds: Props, inputs: Any, live: Live) -> dict[str, Any]:
        """The values found at adoption: the state's, and the live ones of lifetimes managed from now on."""
        originals: dict[str, Any] = {w: olds[self.ORIGINAL[w]] for w in self.MANAGED
                                     if olds.get(self.ORIGINAL[w]) is not None}
        values = self.target.live_values(live)
        for w in inputs.desired():
            originals.setdefault(w, values[w])
        return originals

    def _outputs(self, inputs: Any, live: Live, originals: Mapping[str, Any], api: Api,
                 props: Props) -> dict[str, Any]:
        values = self.target.live_values(live)
        outs: dict[str, Any] = {**self.target.identity(inputs, live), "onDelete": inputs.on_delete,
                                self.target.place_output: self.target.place(api)}
        for key in ("connection", NAME_KEY):
            if props.get(key):
                outs[key] = props[key]
        outs.update(ignoring.recorded(props))
        outs.update({w: values[w] for w in inputs.desired()})
        outs.update({self.ORIGINAL[w]: v for w, v in originals.items() if v is not None})
        return outs

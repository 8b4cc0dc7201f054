"""What both Mosaic resources do, written once: adopt one live object (an OIDC client, a custom resource) and
manage only the lifetimes the program names, with the same model as AppTokenExpiry.

The object is never created or deleted; what was found at adoption is remembered for `onDelete: restore`; only
what differs is written (a PUT), and Mosaic's answer is checked against what was sent; whatever `up` would refuse,
check and diff refuse first. A `Target` says what differs between the objects: how one is named, found, read and
written. Each resource module binds its operations with `Adoption(target).operations()`.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, Literal

from pulumi.output import Unknown
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from . import adopting, ignoring
from .context import Context
from .definition import Wire, flagged, prop, snake
from .diff import Diff
from .durations import describe
from .errors import AppNotFoundError, ConfigurationError, IdcsError
from .implementation import Checked, Created, Read, Updated
from .mosaic_client import MosaicClient
from .ownership import OwnershipError
from .spelling import shown
from .type_tokens import original_of
from .validation import NAME_KEY, Failure, on_delete_field, validate_known

Props = Mapping[str, Any]


_PLAIN_ID = re.compile(r"[A-Za-z0-9._~-]{1,128}")


def plain_id(v: object, where: str) -> object:
    """A Mosaic id as the portal shows it (`where`), or the failure naming the value as written."""
    if not isinstance(v, str) or not _PLAIN_ID.fullmatch(v):
        raise PydanticCustomError("idcs", "{value} is not a Mosaic id (letters, digits, '.', '_', '~', '-'), as "
                                  "the portal shows it in {where}", {"value": shown(v), "where": where})
    return v


class MosaicLifetimes(Wire):
    """The lifetimes both a client and a custom resource have (Mosaic's names, in seconds), and onDelete."""

    access_token_ttl: int | None = prop(
        'Lifetime of the access tokens issued: whole seconds or a duration ("15m", "7d", "PT1H"). Left out: not '
        "managed.", managed=True, policy=("5m", "1d"))
    refresh_token_ttl: int | None = prop(
        'Lifetime of each refresh token (at most maxRefreshRotate): whole seconds or a duration ("15m", "7d", '
        '"PT1H"). Left out: not managed.', managed=True, policy=("1h", "90d"))
    max_refresh_rotate: int | None = prop(
        "Absolute lifetime of a chain of rotated refresh tokens, from the login that started it: whole seconds or a "
        'duration ("15m", "7d", "PT1H"). Left out: not managed.', managed=True, policy=("1h", "365d"))
    on_delete: Literal["retain", "restore"] = prop(
        '"retain" leaves the values on delete; "restore" puts back the values found at adoption.', "retain")

    @field_validator("on_delete", mode="before")
    @classmethod
    def _on_delete(cls, v: object) -> object:
        return on_delete_field(v)

    def desired(self) -> dict[str, int]:
        """The managed lifetimes the program sets, by wire name."""
        return {w: v for w in flagged(type(self), "managed") if (v := getattr(self, snake(w))) is not None}

    def label(self) -> str:
        """The object in messages: client "c" of application "a"."""
        raise NotImplementedError


class AdoptedState(Wire):
    """What the state of every adopted Mosaic object holds besides its identity and its lifetimes. A state model
    lists it last: `class _State(AdoptedState, Identity)` (pydantic orders fields from the last base)."""

    on_delete: str = prop('What delete does: "retain" or "restore".', required=True)
    base_url: str = prop("The Mosaic API host of the tenant.", required=True)


class Target(ABC):
    """One kind of Mosaic object a resource adopts."""

    inputs: type[MosaicLifetimes]
    noun: str              # "client": what the originals' descriptions call it
    naming: str            # the input a missing or taken object is reported on
    where: str             # where the portal shows it: the hint of a "not found"

    @abstractmethod
    def find(self, api: MosaicClient, inputs: MosaicLifetimes) -> dict[str, Any] | None:
        """The live object the inputs name, None when there is none."""

    @abstractmethod
    def identity(self, inputs: MosaicLifetimes, live: Mapping[str, Any]) -> dict[str, Any]:
        """The outputs that name the live object (and what the program named it by)."""

    @abstractmethod
    def key(self, identity: Props) -> str:
        """The object's id, from its identity (or a state holding it): the resource id and the ownership key."""

    @abstractmethod
    def identity_inputs(self, props: Props) -> dict[str, Any]:
        """The inputs that named the object, from a state: what a refresh or an import records as the program."""

    @abstractmethod
    def live_values(self, live: Mapping[str, Any]) -> dict[str, int | None]:
        """Each managed lifetime as Mosaic shows it (None where it has none)."""

    @abstractmethod
    def write(self, api: MosaicClient, inputs: MosaicLifetimes, live: Mapping[str, Any],
              changes: Mapping[str, int]) -> dict[str, Any]:
        """PUT the changed lifetimes (and what Mosaic needs beside them); the object as answered."""

    @abstractmethod
    def lookup(self, api: MosaicClient, id_: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(identity inputs, live object) for a `pulumi import` id; None when there is no such object."""

    def named_by(self, inputs: MosaicLifetimes) -> str:
        """The input the program named the object by: what a "not found" or "taken" is reported on."""
        return self.naming

    def missing(self, api: MosaicClient, inputs: MosaicLifetimes, error: AppNotFoundError) -> Failure:
        """The failure of a "not found": on the input the program named the object by. A target whose object is
        named by two inputs says which one names nothing (the error path may spend a request to tell)."""
        return Failure(property=self.named_by(inputs), reason=str(error))

    def recorded(self, state: Props) -> dict[str, Any]:
        """What a state records of how the program named the object, which the state's own inputs cannot tell
        (a refresh keeps it)."""
        return {}

    def problems(self, inputs: MosaicLifetimes, unknown: set[str]) -> list[Failure]:
        """Rules across the inputs beyond the lifetimes' (`unknown`: inputs known only at up, or already failed)."""
        return []


class Adoption:
    """The eight operations of an adopting Mosaic resource, for one target."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.managed = flagged(target.inputs, "managed")
        self.original = {w: original_of(w) for w in self.managed}

    def operations(self) -> tuple[Callable[..., Any], ...]:
        """check, diff, preview, import_, create, read, update, delete: what a resource module exports."""
        return (self.check, self.diff, self.preview, self.import_, self.create, self.read, self.update,
                self.delete)

    # --- inputs -------------------------------------------------------------------------------------------------

    def check_inputs(self, news: Props) -> tuple[dict[str, Any], list[Failure]]:
        """Each property, then the rules across them."""
        raw = {k: v for k, v in news.items() if not k.startswith("__")}
        parsed, checked, failures = validate_known(self.target.inputs, raw)
        if parsed is None:
            return checked, failures
        assert isinstance(parsed, MosaicLifetimes)
        unknown = {k for k, v in raw.items() if isinstance(v, Unknown)}
        failures += self.target.problems(parsed, unknown | {f.property for f in failures})
        if not parsed.desired() and not unknown & set(self.managed) and not {f.property for f in failures} & set(
                self.managed):
            names = ", ".join(self.managed[:-1]) + f" or {self.managed[-1]}"
            failures.append(Failure(property=self.managed[0], reason=(
                f"nothing to manage: set {names} (a lifetime left out is not managed)")))
        refresh, rotate = parsed.refresh_token_ttl, parsed.max_refresh_rotate
        if refresh is not None and rotate is not None and refresh > rotate:
            failures.append(Failure(property="refreshTokenTtl", reason=(
                f"refresh tokens ({describe(refresh)}) would outlive the rotation limit ({describe(rotate)}), after "
                "which no refresh token can be used: make refreshTokenTtl at most maxRefreshRotate")))
        return checked, failures

    def _inputs(self, props: Props) -> MosaicLifetimes:
        return self.target.inputs.model_validate({k: v for k, v in props.items() if not k.startswith("__")})

    def _read(self, api: MosaicClient, inputs: MosaicLifetimes, managed: bool = False) -> dict[str, Any]:
        """The live object; a "not found" says where the portal shows it and, for one the stack manages, how to
        drop it from the stack when it was deleted there."""
        found = self.target.find(api, inputs)
        if found is None:
            gone = (f"; if it was deleted there, run `pulumi refresh` to drop it from the stack (nothing is written), "
                    f"or point the program at another {self.target.noun}") if managed else ""
            raise AppNotFoundError(f"no {inputs.label()} in {api.settings.base_url}: check it in the portal "
                                   f"({self.target.where}){gone}")
        return found

    def _put(self, api: MosaicClient, inputs: MosaicLifetimes, live: Mapping[str, Any],
             values: Mapping[str, int]) -> dict[str, Any]:
        """PUT only when something differs; check that Mosaic kept what was sent."""
        current = self.target.live_values(live)
        changes = {w: int(v) for w, v in values.items() if current.get(w) != v}
        if not changes:
            return dict(live)
        kept = self.target.live_values(answer := self.target.write(api, inputs, live, changes))
        wrong = {w: (v, kept.get(w)) for w, v in changes.items() if kept.get(w) != v}
        if wrong:
            said = "; ".join(f"{w}: sent {v}, Mosaic answered {got}" for w, (v, got) in sorted(wrong.items()))
            raise IdcsError(f"Mosaic accepted the update of {inputs.label()} but did not keep the values sent "
                            f"({said})")
        return answer

    def _outputs(self, inputs: MosaicLifetimes, live: Mapping[str, Any], originals: Mapping[str, Any],
                 api: MosaicClient, props: Props) -> dict[str, Any]:
        values = self.target.live_values(live)
        outs: dict[str, Any] = {**self.target.identity(inputs, live), "onDelete": inputs.on_delete,
                                "baseUrl": api.settings.base_url, **ignoring.recorded(props)}
        outs.update({w: values[w] for w in inputs.desired()})
        outs.update({self.original[w]: v for w, v in originals.items() if v is not None})
        return outs

    def _claim(self, ctx: Context, api: MosaicClient, inputs: MosaicLifetimes, live: Mapping[str, Any],
               props: Props, adopt: bool = False) -> None:
        mark = ctx.owners.adopt if adopt else ctx.owners.claim
        mark(api.settings.base_url, self.target.key(self.target.identity(inputs, live)),
             str(props.get(NAME_KEY) or ""), inputs.label())

    def _preflight(self, ctx: Context, checked: dict[str, Any]) -> list[Failure]:
        """For a new resource: the Mosaic settings are usable, the object exists, no other resource manages it."""
        try:
            api = ctx.mosaic()
        except ConfigurationError as e:
            return [Failure(property="", reason=str(e))]
        inputs = self._inputs(checked)
        try:
            live = self._read(api, inputs)
            self._claim(ctx, api, inputs, live, checked)
        except AppNotFoundError as e:
            return [self.target.missing(api, inputs, e)]
        except OwnershipError as e:
            return [Failure(property=self.target.named_by(inputs), reason=str(e))]
        except IdcsError as e:
            return [Failure(property="", reason=str(e))]
        problem = self._rotation_problem(inputs, self.target.live_values(live))
        return [problem] if problem else []

    def _rotation_problem(self, inputs: MosaicLifetimes, live: Mapping[str, int | None]) -> Failure | None:
        """refreshTokenTtl at most maxRefreshRotate, when the program sets one and the other is Mosaic's live value
        (both set by the program: check_inputs says so)."""
        desired = inputs.desired()
        if ("refreshTokenTtl" in desired) == ("maxRefreshRotate" in desired):
            return None
        refresh = desired.get("refreshTokenTtl", live.get("refreshTokenTtl"))
        rotate = desired.get("maxRefreshRotate", live.get("maxRefreshRotate"))
        if refresh is None or rotate is None or refresh <= rotate:
            return None
        given, kept = ("refreshTokenTtl", "maxRefreshRotate") if "refreshTokenTtl" in desired else \
            ("maxRefreshRotate", "refreshTokenTtl")
        return Failure(property=given, reason=(
            f"refresh tokens ({describe(refresh)}) would outlive the rotation limit ({describe(rotate)}; {kept} as "
            f"Mosaic holds it now), after which no refresh token can be used: make refreshTokenTtl at most "
            f"maxRefreshRotate, or manage {kept} too"))

    # --- operations ---------------------------------------------------------------------------------------------

    def check(self, ctx: Context, olds: Props, news: Props) -> Checked:
        return adopting.check(olds, news, self.check_inputs, lambda checked: self._preflight(ctx, checked))

    def create(self, ctx: Context, props: Props) -> Created:
        inputs, api = self._inputs(props), ctx.mosaic()
        live = self._read(api, inputs)
        self._claim(ctx, api, inputs, live, props, adopt=True)
        originals = {w: self.target.live_values(live)[w] for w in inputs.desired()}
        answer = self._put(api, inputs, live, inputs.desired())
        outs = self._outputs(inputs, answer, originals, api, props)
        return Created(self.target.key(outs), outs)

    def update(self, ctx: Context, _id: str, olds: Props, news: Props) -> Updated:
        inputs, api = self._inputs(news), ctx.mosaic()
        live = self._read(api, inputs, managed=True)
        self._claim(ctx, api, inputs, live, news, adopt=True)
        originals = self._originals(olds, inputs, live)
        released = {w: originals[w] for w in self.managed if olds.get(w) is not None and w not in inputs.desired()
                    and inputs.on_delete == "restore" and originals.get(w) is not None}
        answer = self._put(api, inputs, live, ignoring.writable({**inputs.desired(), **released}, news))
        return Updated(self._outputs(inputs, answer, originals, api, news))

    def _originals(self, olds: Props, inputs: MosaicLifetimes, live: Mapping[str, Any]) -> dict[str, Any]:
        """The values found at adoption: the state's, and the live ones of lifetimes managed from now on."""
        originals: dict[str, Any] = {w: olds[self.original[w]] for w in self.managed
                                     if olds.get(self.original[w]) is not None}
        for w in inputs.desired():
            originals.setdefault(w, self.target.live_values(live)[w])
        return originals

    def read(self, ctx: Context, id_: str, props: Props) -> Read:
        inputs, api = self._inputs(props), ctx.mosaic()
        live = self.target.find(api, inputs)
        if live is None:
            return Read("", {})
        values = self.target.live_values(live)
        managed = [w for w in self.managed if props.get(w) is not None]
        outs = {k: v for k, v in props.items() if not k.startswith("__")}
        outs.update(self.target.identity(inputs, live), **self.target.recorded(props))
        outs.update({w: values[w] for w in managed})
        fresh = {**self.target.identity_inputs(outs), "onDelete": inputs.on_delete, **{w: values[w] for w in managed}}
        for key in (NAME_KEY, ignoring.IGNORE_KEY):
            if props.get(key):
                fresh[key] = outs[key] = props[key]
        return Read(id_, outs, fresh)

    def delete(self, ctx: Context, _id: str, props: Props) -> None:
        if props.get("onDelete") != "restore" or ctx.settings.skip_restore:
            return
        inputs, api = self._inputs(props), ctx.mosaic()
        if props.get("baseUrl") and props["baseUrl"] != api.settings.base_url:
            raise ConfigurationError(
                f"cannot restore {inputs.label()} in {props['baseUrl']}: idcs:mosaicBaseUrl now points at "
                f"{api.settings.base_url}. Point it back for this run, or `pulumi config set idcs:skipRestore "
                "true`, run again, then `pulumi config rm idcs:skipRestore`")
        originals = ignoring.writable({w: int(props[self.original[w]]) for w in self.managed
                                       if props.get(w) is not None and props.get(self.original[w]) is not None}, props)
        if not originals or ctx.owners.adopted_in_this_run(api.settings.base_url, self.target.key(props)):
            return
        live = self.target.find(api, inputs)
        if live is not None:
            self._put(api, inputs, live, originals)

    def diff(self, ctx: Context, _id: str, olds: Props, news: Props) -> Diff:
        """Compare the program with the state and the live object (one read)."""
        if any(isinstance(v, Unknown) for k, v in news.items() if not k.startswith("__")):
            return Diff(unknown=True)
        inputs, api = self._inputs(news), ctx.mosaic()
        if olds.get("baseUrl", api.settings.base_url) != api.settings.base_url:
            return Diff(replaces=("baseUrl",))  # another tenant: adopt the object there instead
        found = self._read(api, inputs, managed=True)
        identity = self.target.identity(inputs, found)
        if self.target.key(identity) != self.target.key(olds):  # another object: adopt it instead
            named = self.target.identity_inputs(identity)
            return Diff(replaces=tuple(k for k in named if olds.get(k) != named[k]) or (self.target.naming,))
        live = self.target.live_values(found)
        self._claim(ctx, api, inputs, found, news)
        problem = self._rotation_problem(inputs, live)
        if problem:
            raise IdcsError(f"{problem.property}: {problem.reason}")
        managed = {w: olds.get(w) for w in self.managed if olds.get(w) is not None}
        drift, ignored = ignoring.split_drift(
            {w: (live.get(w), v) for w, v in inputs.desired().items() if live.get(w) != v}, news)
        changed = ignoring.writable(inputs.desired(), news) != ignoring.writable(managed, news)
        return Diff(inputs_changed=changed or inputs.on_delete != olds.get("onDelete", "retain")
                       or any(olds.get(k) != v for k, v in self.target.identity_inputs(identity).items()),
                       drift=drift, warnings=ignored, where="in Mosaic")

    def preview(self, ctx: Context, olds: Props, props: Props) -> tuple[str, dict[str, Any]]:
        """(id, outputs) that create (no olds) or update would store, without writing anything: for previews."""
        inputs, api = self._inputs(props), ctx.mosaic()
        live = self._read(api, inputs, managed=bool(olds))
        originals = self._originals(olds, inputs, live)
        outs = {**self._outputs(inputs, live, originals, api, props), **inputs.desired()}
        return self.target.key(outs), outs

    def import_(self, ctx: Context, id_: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(outputs, inputs) of an object adopted as it is (`pulumi import`): every lifetime it has managed at its
        live value, "retain" on delete; None when there is no such object."""
        api = ctx.mosaic()
        found = self.target.lookup(api, id_)
        if found is None:
            return None
        named, live = found
        values = {w: v for w, v in self.target.live_values(live).items() if v is not None}
        inputs: dict[str, Any] = {**named, "onDelete": "retain", **values}
        return self._outputs(self._inputs(inputs), live, values, api, inputs), inputs

"""What both Mosaic resources' targets share (the adoption lifecycle, `adoption.Adoption`, does the rest): the
lifetimes a client and a custom resource both have, their rules, and how the tenant is reached (idcs:mosaic*).
Each resource module says what differs: how its object is named, found, read and written (a PUT).
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Mapping
from typing import Any, Literal

from pulumi.output import Unknown
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from .adoption import Target
from .context import Context
from .definition import Wire, flagged, prop, snake
from .diff import Diff
from .durations import describe
from .errors import AppNotFoundError, ConfigurationError
from .mosaic_client import MosaicClient
from .spelling import shown
from .validation import Failure, on_delete_field, validate_known

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


class MosaicTarget(Target):
    """One kind of Mosaic object a resource adopts, in the tenant idcs:mosaicBaseUrl names."""

    inputs: type[MosaicLifetimes]
    naming_input: str      # the input a missing or taken object is reported on
    where: str             # where the portal shows it: the hint of a "not found"
    vendor, place_output, live_where = "Mosaic", "baseUrl", "in Mosaic"

    @abstractmethod
    def find(self, api: MosaicClient, inputs: Any) -> dict[str, Any] | None:
        """The live object the inputs name, None when there is none."""

    @abstractmethod
    def naming(self, inputs: Any) -> dict[str, Any]:
        """The inputs that name the object, as the program wrote them."""

    def recorded(self, state: Props) -> dict[str, Any]:
        """What a state records of how the program named the object, which the state's own inputs cannot tell
        (a refresh keeps it)."""
        return {}

    def problems(self, inputs: Any, unknown: set[str]) -> list[Failure]:
        """Rules across the inputs beyond the lifetimes' (`unknown`: inputs known only at up, or already failed)."""
        return []

    # --- the adoption lifecycle's hooks --------------------------------------------------------------------------

    def check_inputs(self, news: Props) -> tuple[dict[str, Any], list[Failure]]:
        """Each property, then the rules across them."""
        managed = flagged(self.inputs, "managed")
        raw = {k: v for k, v in news.items() if not k.startswith("__")}
        parsed, checked, failures = validate_known(self.inputs, raw)
        if parsed is None:
            return checked, failures
        assert isinstance(parsed, MosaicLifetimes)
        unknown = {k for k, v in raw.items() if isinstance(v, Unknown)}
        failures += self.problems(parsed, unknown | {f.property for f in failures})
        if not parsed.desired() and not unknown & set(managed) and not {f.property for f in failures} & set(managed):
            names = ", ".join(managed[:-1]) + f" or {managed[-1]}"
            failures.append(Failure(property=managed[0], reason=(
                f"nothing to manage: set {names} (a lifetime left out is not managed)")))
        refresh, rotate = parsed.refresh_token_ttl, parsed.max_refresh_rotate
        if refresh is not None and rotate is not None and refresh > rotate:
            failures.append(Failure(property="refreshTokenTtl", reason=(
                f"refresh tokens ({describe(refresh)}) would outlive the rotation limit ({describe(rotate)}), after "
                "which no refresh token can be used: make refreshTokenTtl at most maxRefreshRotate")))
        return checked, failures

    def connect(self, ctx: Context, props: Props) -> MosaicClient:
        return ctx.mosaic()

    def place(self, api: MosaicClient) -> str:
        return api.settings.base_url

    def resolve(self, api: MosaicClient, inputs: Any) -> dict[str, Any]:
        found = self.find(api, inputs)
        if found is None:
            raise AppNotFoundError(f"no {inputs.label()} in {api.settings.base_url}: check it in the portal "
                                   f"({self.where})")
        return found

    def current(self, api: MosaicClient, id_: str, state: Props) -> dict[str, Any] | None:
        return self.find(api, self.parse(state))

    def gone(self, api: MosaicClient, state: Props, inputs: Any) -> AppNotFoundError:
        return AppNotFoundError(
            f"no {self.parse(state).label()} in {api.settings.base_url}: check it in the portal ({self.where}); if "
            f"it was deleted there, run `pulumi refresh` to drop it from the stack (nothing is written), or point "
            f"the program at another {self.noun}")

    def label(self, inputs: Any, live: Any) -> str:
        return str(inputs.label())

    def named_by(self, inputs: Any) -> str:
        return self.naming_input

    def moved(self, ctx: Context, api: MosaicClient, olds: Props, news: Props) -> Diff | None:
        """Another tenant: adopt the object there instead."""
        return Diff(replaces=("baseUrl",)) if olds.get("baseUrl", api.settings.base_url) != api.settings.base_url \
            else None

    def retarget(self, api: MosaicClient, inputs: Any, olds: Props, live: Any) -> Diff | None:
        """Another object than the state's, when the program names one (one more read, only then)."""
        if all(olds.get(k) == v for k, v in self.naming(inputs).items()):
            return None
        identity = self.identity(inputs, self.resolve(api, inputs))
        if self.key(identity) == self.key(olds):
            return None
        named = self.identity_inputs(identity)
        return Diff(replaces=tuple(k for k in named if olds.get(k) != named[k]) or (self.naming_input,))

    def identity_changed(self, inputs: Any, olds: Props, live: Any) -> bool:
        return any(olds.get(k) != v for k, v in self.identity_inputs(self.identity(inputs, live)).items())

    def refreshed(self, state: Props, live: Any) -> dict[str, Any]:
        outs = {k: v for k, v in state.items() if not k.startswith("__")}
        return {**outs, **self.identity(self.parse(state), live), **self.recorded(state)}

    def restore_api(self, ctx: Context, state: Props) -> MosaicClient:
        api = ctx.mosaic()
        if state.get("baseUrl") and state["baseUrl"] != api.settings.base_url:
            raise ConfigurationError(
                f"cannot restore {self.parse(state).label()} in {state['baseUrl']}: idcs:mosaicBaseUrl now points at "
                f"{api.settings.base_url}. Point it back for this run, or `pulumi config set idcs:skipRestore "
                "true`, run again, then `pulumi config rm idcs:skipRestore`")
        return api

    def problem(self, inputs: Any, live: Mapping[str, int | None]) -> Failure | None:
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

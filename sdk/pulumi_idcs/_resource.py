"""The one way every generated resource class of the dynamic SDK registers itself, driven by its definition."""

from __future__ import annotations

import copy
import difflib
from datetime import timedelta
from typing import Any

import pulumi
from pulumi.dynamic import Resource, ResourceProvider
from pulumi_idcs_provider.definition import flagged
from pulumi_idcs_provider.ignoring import IGNORE_KEY, top_level
from pulumi_idcs_provider.ownership import owner_of
from pulumi_idcs_provider.resource import Definition
from pulumi_idcs_provider.validation import NAME_KEY

#: Seconds, or a duration: "90s", "15m", "1h", "7d", "2w", "1h30m", "PT1H", "P7D", or a whole-second timedelta.
Expiry = int | str | timedelta


class RefreshGrantCheckError(pulumi.RunError):
    """An output declared to fail the run is set: for RefreshGrantCheck, the exchange worked (its new refresh token
    is saved) but the answer broke an expectation. A RunError: the CLI shows its message alone, with no traceback
    (the expectation failed, not the program)."""


def set_inputs(args: object, given: dict[str, Any]) -> None:
    """An Args class's constructor body: keep each input given, under its Python name."""
    for name, value in given.items():
        if name != "self" and value is not None:
            pulumi.set(args, name, value)


def owner_name(resource_name: str, type_token: str, opts: pulumi.ResourceOptions | None) -> pulumi.Output[str]:
    """How messages name this resource: from its URN, as the plugin names it (two components may each hold a
    "mobile"). The parent's URN is taken as a plain value: an input that depended on the parent would make the
    resource depend on a component that contains it, a cycle."""
    parent = opts.parent if opts else None
    parent_urn: pulumi.Output[str] | None = None
    if parent is not None:  # from_input of an awaitable: an output with no resources behind it
        parent_urn = pulumi.Output.from_input(parent.urn.future())  # type: ignore[arg-type]
    return pulumi.create_urn(resource_name, type_token, parent=parent_urn).apply(owner_of)


def register(resource: Resource, provider: ResourceProvider, resource_name: str, args: Any, args_type: type,
             kwargs: dict[str, Any], definition: Definition, opts: pulumi.ResourceOptions | None) -> None:
    """Register `resource` with its inputs (from `args` or keyword arguments) under their wire names: secret inputs
    wrapped as secrets whatever the program passed, secret outputs encrypted in state, the owner's name passed to
    an adopting resource, and an output declared `fails_run` turned into an error of the program."""
    if args is not None and kwargs:
        raise pulumi.RunError(f"{definition.token.name} {resource_name!r}: give either a {args_type.__name__} or "
                              "keyword arguments, not both")
    _refuse_unknown(kwargs, definition, resource_name)
    kwargs = {k: _seconds_of(v, k, definition, resource_name) for k, v in kwargs.items()}
    args = args if args is not None else args_type(**kwargs)
    props: dict[str, Any] = dict.fromkeys(definition.output_names())
    for py, wire in definition.input_names().items():
        value = getattr(args, py)
        if value is not None:
            props[wire] = pulumi.Output.secret(value) if wire in flagged(definition.inputs, "secret") else value
    props[NAME_KEY] = owner_name(resource_name, definition.token.dynamic, opts)  # to name both users of one app
    if definition.adopts:
        opts = _ignoring(props, definition, opts)
    if definition.secrets():
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(
            additional_secret_outputs=list(definition.secrets())))
    Resource.__init__(resource, provider, resource_name, props, opts)
    for wire in flagged(definition.outputs, "fails_run"):
        resource.__dict__[wire].apply(lambda failure: _raise_if_set(failure, resource, resource_name))


def _refuse_unknown(kwargs: dict[str, Any], definition: Definition, resource_name: str) -> None:
    """A misspelt keyword: one line naming the resource and the keyword it most likely meant (a RunError: the CLI
    shows its message alone, no traceback)."""
    known = list(definition.input_names())
    for given in kwargs:
        if given not in known:
            meant = difflib.get_close_matches(given, known, n=1)
            hint = f"; did you mean {meant[0]}?" if meant else f"; its inputs are {', '.join(known)}"
            raise pulumi.RunError(f"{definition.token.name} {resource_name!r}: no input {given}{hint}")


def _seconds_of(value: Any, py: str, definition: Definition, resource_name: str) -> Any:
    """A `datetime.timedelta` given for a duration, as its whole seconds; a fraction of a second is refused."""
    if not isinstance(value, timedelta):
        return value
    wire = definition.input_names().get(py, py)
    if wire not in flagged(definition.inputs, "duration"):
        raise pulumi.RunError(f"{definition.token.name} {resource_name!r}: {py} is not a duration")
    seconds = value.total_seconds()
    if seconds != int(seconds):
        raise pulumi.RunError(f"{definition.token.name} {resource_name!r}: {py}={value!r} is not whole seconds: "
                              'write whole seconds or a duration such as "1h"')
    return int(seconds)


def invoke(token: str, args: dict[str, Any]) -> dict[str, Any]:
    """A function, run here in the program with the stack's `idcs:` configuration and the environment, as the
    dynamic door's provider would be configured (the dynamic door has no provider to invoke)."""
    from pulumi.runtime.config import get_config_env
    from pulumi_idcs_provider.catalog import FUNCTIONS
    from pulumi_idcs_provider.context import Context
    from pulumi_idcs_provider.stack_config import kept_keys

    ctx = Context()
    ctx.configure(kept_keys({k: v for k, v in get_config_env().items() if k.startswith(("idcs:", "mosaic:"))}))
    return FUNCTIONS[token].call(ctx, {k: v for k, v in args.items() if v is not None})


def _ignoring(props: dict[str, Any], definition: Definition, opts: pulumi.ResourceOptions | None
              ) -> pulumi.ResourceOptions | None:
    """`ignore_changes` by Python or wire name: the engine is given the wire names (the inputs' keys), and the
    provider the ignored lifetimes, which the dynamic protocol does not pass it, so that it never writes them."""
    if opts is None or not opts.ignore_changes:
        return opts
    names = definition.input_names()
    wires = [names.get(path, path) for path in opts.ignore_changes]
    ignored = top_level(wires, flagged(definition.inputs, "managed"))
    if ignored:
        props[IGNORE_KEY] = ignored
    opts = copy.copy(opts)
    opts.ignore_changes = wires
    return opts


def _raise_if_set(failure: str | None, resource: Resource, resource_name: str) -> None:
    """The failure reported on the resource itself (the CLI shows it under the check), then the program failed
    naming it: with two checks on one client, the user sees which one failed."""
    if failure:
        pulumi.log.error(failure, resource=resource)
        raise RefreshGrantCheckError(f"refresh grant check {resource_name!r} failed: {failure}")

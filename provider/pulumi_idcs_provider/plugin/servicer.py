"""The ResourceProvider gRPC service of `pulumi-resource-idcs`: a mechanical adapter over each resource's
implementation (the catalog names it), the same for every resource.

Each call turns the engine's request into the plain values the implementation expects (the same the dynamic door
passes), calls it with the servicer's context, and turns the answer into the engine's response. What only a native
provider can do lives here: configuration checked at preview, detailed diffs with drift reported per property,
previews with planned outputs that write nothing, import from an id alone, and errors that still save state.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from .. import ignoring, spelling
from ..adoption import Adoption
from ..catalog import BY_PLUGIN_TOKEN, FUNCTIONS
from ..context import Context
from ..definition import flagged
from ..diff import Diff
from ..errors import IdcsError
from ..implementation import Implementation
from ..ownership import owner_of
from ..resource import Definition
from ..settings import config_problems
from ..stack_config import kept_keys
from ..validation import NAME_KEY
from . import stack_owners, wire
from .engine_log import warn

NAMESPACE = "idcs:"


def type_of(urn: str) -> str:
    return urn.split("::")[2].split("$")[-1]


def definition_of(urn: str) -> Definition:
    definition = BY_PLUGIN_TOKEN.get(type_of(urn))
    if definition is None:
        raise IdcsError(f"unknown resource type {type_of(urn)!r}: this plugin serves {', '.join(BY_PLUGIN_TOKEN)}")
    return definition


def _impl(urn: str) -> Implementation:
    return definition_of(urn).implementation


def _with_owner(props: Mapping[str, Any], urn: str, ignore_changes: Iterable[str] = ()) -> dict[str, Any]:
    """A resource's inputs with its name, so that messages name both resources of one object (or one seed), and,
    for an adopting resource, the lifetimes its `ignoreChanges` names (given with Diff and Update), never written."""
    impl = _impl(urn)
    if not isinstance(impl, Adoption):
        return {**props, NAME_KEY: owner_of(urn)}
    return {**props, NAME_KEY: owner_of(urn), ignoring.IGNORE_KEY: ignoring.top_level(ignore_changes, impl.MANAGED)}


def errors_as_status(method: Callable[..., Any]) -> Callable[..., Any]:
    """Our own errors reach the user as their message alone (no traceback), with no secret in them, and values
    in them are spelt as the program (YAML, TypeScript, Go) writes them."""
    def call(self: Any, request: Any, context: grpc.ServicerContext) -> Any:
        try:
            with spelling.json_spelling():
                return method(self, request, context)
        except IdcsError as e:
            context.abort(grpc.StatusCode.UNKNOWN, str(e))
    call.__name__, call.__doc__ = method.__name__, method.__doc__
    return call


class IdcsProviderServicer(provider_pb2_grpc.ResourceProviderServicer):
    """Stateless apart from its context: the configuration, clients and ownership table of the deployment."""

    def __init__(self) -> None:
        self.ctx = Context(notice=lambda message: warn("", message))  # a slow-down, shown on the terminal
        self._stack_known = False
        #: What would refuse the import of each resource read by id alone in this run: a `get` reads the same
        #: way, but only an import is checked afterwards, so the refusal waits for the Check.
        self.imports: dict[str, str | None] = {}

    @errors_as_status
    def CheckConfig(self, request: provider_pb2.CheckRequest, context: grpc.ServicerContext) -> Any:
        config = _provider_args(request.news)
        name = explicit_provider(request.urn)
        environ: dict[str, str] | None = None if name is None else {}
        failures = [provider_pb2.CheckFailure(property=key.removeprefix(NAMESPACE), reason=reason)
                    for key, reason in config_problems(_config_values(config), environ, name)]
        return provider_pb2.CheckResponse(inputs=wire.config_out(request.news), failures=failures)

    def DiffConfig(self, request: provider_pb2.DiffRequest, context: grpc.ServicerContext) -> Any:
        """A changed configuration updates the provider in place: it never replaces every resource."""
        changed = wire.props_in(request.olds, False) != wire.props_in(request.news, False)
        return provider_pb2.DiffResponse(changes=provider_pb2.DiffResponse.DIFF_SOME if changed
                                         else provider_pb2.DiffResponse.DIFF_NONE)

    def Configure(self, request: provider_pb2.ConfigureRequest, context: grpc.ServicerContext) -> Any:
        """The default provider: the configuration stored with it, overlaid by the stack's current one
        ($PULUMI_CONFIG), so that refresh and destroy use rotated credentials, then the environment. An explicit
        provider: its arguments alone, so that nothing meant for another domain (the stack's config, an exported
        IDCS_CLIENT_SECRET) ever reaches the domain it names."""
        given = _provider_args(request.args)
        name = explicit_provider(request.urn)
        if name is None:
            self.ctx.configure(kept_keys(_config_values({**given, **_current_config()})))
        else:
            self.ctx.configure(kept_keys(_config_values(given)), environ={}, provider=name)
        return provider_pb2.ConfigureResponse(acceptSecrets=True, supportsPreview=True)

    @errors_as_status
    def Invoke(self, request: provider_pb2.InvokeRequest, context: grpc.ServicerContext) -> Any:
        """A function (`getApp`): a read with this provider's configuration, written nowhere."""
        function = FUNCTIONS.get(request.tok)
        if function is None:
            raise IdcsError(f"unknown function {request.tok!r}: this plugin serves {', '.join(FUNCTIONS)}")
        result = function.call(self.ctx, wire.props_in(request.args, False))
        return provider_pb2.InvokeResponse(**{"return": wire.props_out(result, frozenset())})

    def _know_the_stack(self, urn: str) -> None:
        """From the first resource's URN on, the context can ask the stack's checkpoint which apps it manages in
        a domain (read at most once, and only when a run reads enough apps for it to pay: app_reads)."""
        if not self._stack_known:
            self._stack_known = True
            self.ctx.stack_apps = lambda domain_url: stack_owners.managed_app_ids(urn, domain_url)

    @errors_as_status
    def Check(self, request: provider_pb2.CheckRequest, context: grpc.ServicerContext) -> Any:
        self._know_the_stack(request.urn)
        if self.imports.get(request.urn):  # an import's Read, then its Check: a get is never checked
            raise IdcsError(self.imports[request.urn] or "")
        olds, news = wire.props_in(request.olds), wire.props_in(request.news)
        result = _impl(request.urn).check(self.ctx, olds, _with_owner(news, request.urn))
        failures = [provider_pb2.CheckFailure(property=f.property, reason=f.reason) for f in result.failures]
        secrets = wire.secret_inputs(type_of(request.urn)) | wire.arrived_secret(request.news)
        return provider_pb2.CheckResponse(inputs=wire.props_out(result.inputs or {}, secrets), failures=failures)

    @errors_as_status
    def Diff(self, request: provider_pb2.DiffRequest, context: grpc.ServicerContext) -> Any:
        self._know_the_stack(request.urn)
        olds = wire.props_in(request.olds)
        news = _with_owner(wire.props_in(request.news), request.urn, request.ignoreChanges)
        old_inputs = wire.props_in(request.old_inputs) if request.HasField("old_inputs") else olds
        impl = _impl(request.urn)
        if _state_options(request.urn, news).get("retainOnDelete"):
            warn(request.urn, "retainOnDelete is set, so the engine never asks this provider to delete the "
                 "resource: onDelete restore will not put the original values back. Drop retainOnDelete to have "
                 "them restored, or write onDelete: retain to say that the live values stay")
        return _detailed_diff(request.urn, impl, impl.diff(self.ctx, request.id, olds, news), olds, old_inputs,
                              news)

    @errors_as_status
    def Create(self, request: provider_pb2.CreateRequest, context: grpc.ServicerContext) -> Any:
        token, props = type_of(request.urn), _with_owner(wire.props_in(request.properties), request.urn)
        secrets = _secret_outputs(token, request.properties)
        result = _impl(request.urn).create(self.ctx, props, preview=request.preview)  # a preview writes nothing
        if request.preview:
            return provider_pb2.CreateResponse(id=result.id, properties=wire.props_out(result.outs, secrets))
        outs = wire.props_out(result.outs or {}, secrets)
        _fail_with_state(context, definition_of(request.urn), result.id, outs, request.properties, result.outs or {})
        return provider_pb2.CreateResponse(id=result.id, properties=outs)

    @errors_as_status
    def Update(self, request: provider_pb2.UpdateRequest, context: grpc.ServicerContext) -> Any:
        token = type_of(request.urn)
        olds = wire.props_in(request.olds)
        news = _with_owner(wire.props_in(request.news), request.urn, request.ignoreChanges)
        secrets = _secret_outputs(token, request.news, request.olds)
        result = _impl(request.urn).update(self.ctx, request.id, olds, news, preview=request.preview)
        if request.preview:
            return provider_pb2.UpdateResponse(properties=wire.props_out(result.outs, secrets))
        outs = wire.props_out(result.outs or {}, secrets)
        _fail_with_state(context, definition_of(request.urn), request.id, outs, request.news, result.outs or {})
        return provider_pb2.UpdateResponse(properties=outs)

    @errors_as_status
    def Read(self, request: provider_pb2.ReadRequest, context: grpc.ServicerContext) -> Any:
        self._know_the_stack(request.urn)
        token, props = type_of(request.urn), wire.props_in(request.properties, False)
        secrets = _secret_outputs(token, request.properties, request.inputs)
        input_secrets = wire.secret_inputs(token) | wire.arrived_secret(request.inputs)
        if not props:  # a `get`, or an import (`pulumi import`, `opts.import_`): nothing but the id either way
            self.imports[request.urn] = _second_owner(request.urn, request.id)
            import_ = getattr(_impl(request.urn), "import_", None)  # optional: a resource without one is not found
            found = import_(self.ctx, request.id) if import_ else None
            if found is None:
                return provider_pb2.ReadResponse(id="")
            outs, inputs = found
            return provider_pb2.ReadResponse(id=request.id, properties=wire.props_out(outs, secrets),
                                             inputs=wire.props_out(inputs, input_secrets))
        old_inputs = wire.props_in(request.inputs, False)
        result = _impl(request.urn).read(self.ctx, request.id, _with_owner(props, request.urn))
        inputs = result.inputs if result.inputs is not None else old_inputs
        return provider_pb2.ReadResponse(id=result.id or "", properties=wire.props_out(result.outs or {}, secrets),
                                         inputs=wire.props_out(inputs, input_secrets) if result.id else None)

    @errors_as_status
    def Delete(self, request: provider_pb2.DeleteRequest, context: grpc.ServicerContext) -> Any:
        props = wire.props_in(request.properties, False)
        props = _with_owner(props, request.urn, _state_options(request.urn, props).get("ignoreChanges") or ())
        _impl(request.urn).delete(self.ctx, request.id, props)
        return empty_pb2.Empty()


def _detailed_diff(urn: str, impl: Implementation, diff: Diff, olds: Mapping[str, Any],
                   old_inputs: Mapping[str, Any], news: Mapping[str, Any]) -> provider_pb2.DiffResponse:
    """A detailed diff: the program's changes as the engine shows them, and drift found without --refresh
    reported per property, with the live value in a diagnostic."""
    if diff.unknown:
        return provider_pb2.DiffResponse(changes=provider_pb2.DiffResponse.DIFF_UNKNOWN)
    detailed = wire.input_changes(old_inputs, news, diff.replaces)
    if diff.inputs_changed and not detailed:  # changed in a way the inputs do not show: the engine compares
        return provider_pb2.DiffResponse(changes=provider_pb2.DiffResponse.DIFF_UNKNOWN)
    for prop in diff.reruns:
        detailed.setdefault(prop, wire.property_diff(wire.Kind.UPDATE, input_diff=False))
    for prop in diff.replaces:
        detailed.setdefault(prop, wire.property_diff(wire.Kind.UPDATE_REPLACE, input_diff=False))
    for prop in diff.drift:
        detailed.setdefault(prop, wire.property_diff(wire.Kind.UPDATE, input_diff=False))
    for message in (*diff.drift_warnings(olds), *diff.warnings):
        warn(urn, message)
    originals = impl.ORIGINAL if isinstance(impl, Adoption) else {}
    for prop, output in originals.items():
        original = olds.get(output)
        if old_inputs.get(prop) is not None and news.get(prop) is None and original is not None:
            fate = f"its original {spelling.shown(original)} is put back (onDelete restore)" \
                if news.get("onDelete") == "restore" \
                else "its live value is left as it is (onDelete retain)"
            warn(urn, f"{prop} is no longer managed: {fate}")
    if diff.domain_url_respelt:
        detailed.setdefault("domainUrl", wire.property_diff(wire.Kind.UPDATE, input_diff=False))
    some = provider_pb2.DiffResponse.DIFF_SOME if detailed else provider_pb2.DiffResponse.DIFF_NONE
    return provider_pb2.DiffResponse(changes=some, replaces=list(diff.replaces), detailedDiff=detailed,
                                     hasDetailedDiff=True, diffs=sorted(detailed))


def _fail_with_state(context: grpc.ServicerContext, definition: Definition, id_: str, outs: Any, inputs: Any,
                     plain_outs: Mapping[str, Any]) -> None:
    """An output declared to fail the run is set (a RefreshGrantCheck whose exchange worked but whose expectation
    failed): the state is saved (the rotated token), the operation fails."""
    failure = next((plain_outs[k] for k in flagged(definition.outputs, "fails_run") if plain_outs.get(k)), None)
    if failure:
        wire.init_failed(context, id_, outs, inputs, str(failure))


def _second_owner(urn: str, app_id: str) -> str | None:
    """Why an import of an app another resource of the stack manages is refused, naming it, before anything is
    stored (the engine would store it protected, and only the next preview would see two owners); None when no
    other resource manages it. A `get` of it is fine: it only reads."""
    if not definition_of(urn).adopts:
        return None
    try:
        owners = stack_owners.owners_of(urn, app_id)
    except stack_owners.StackUnreadable as e:
        warn(urn, f"could not read the stack to check that no other resource manages app {app_id} ({e}); the next "
                  "preview checks it")
        return None
    if not owners:
        return None
    return (f"app {app_id} is already managed by {' and '.join(map(spelling.shown, owners))} in this stack: "
            "importing it would give it two owners, which the next preview refuses. To move its management to a new "
            "name, rename that resource in the program with an alias instead (docs/app-token-expiry.md, "
            "\"Renaming, recreating, "
            "moving, un-managing\")")


def _state_options(urn: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """The options the stack's state holds for a resource whose delete would restore (nothing is read for
    another): `ignoreChanges` (the lifetimes a restore must leave alone) and `retainOnDelete`."""
    if props.get("onDelete") != "restore" or not definition_of(urn).adopts:
        return {}
    try:
        return stack_owners.options_of(urn)
    except stack_owners.StackUnreadable as e:
        warn(urn, f"could not read the stack's resource options ({e}): a restore honours no ignoreChanges")
        return {}


def _secret_outputs(token: str, *inputs: Any) -> frozenset[str]:
    """What an answer's outputs must wrap: schema.json's secret outputs and inputs, and whatever arrived secret."""
    return wire.secret_outputs(token) | wire.secret_inputs(token) | wire.arrived_secret(*inputs)


def explicit_provider(urn: str) -> str | None:
    """The name of an explicit provider (`pulumi:providers:idcs` declared in the program), or None for the
    default provider the engine makes from the stack's config (named default or default_<version>). An engine
    that sends no URN is taken to configure the default provider, as engines before explicit providers did."""
    if "::pulumi:providers:" not in urn:
        return None
    name = urn.rsplit("::", 1)[-1]
    return None if name == "default" or name.startswith("default_") else name


def _provider_args(args: Any) -> dict[str, Any]:
    """A provider's known arguments as `idcs:` keys (the engine's own `version` and `__` entries left out)."""
    return {NAMESPACE + k: v for k, v in wire.props_in(args, False).items()
            if not k.startswith("__") and k != "version"}


def _current_config() -> dict[str, Any]:
    """The stack's current `idcs:` configuration, which the engine passes in $PULUMI_CONFIG."""
    try:
        current = json.loads(os.environ.get("PULUMI_CONFIG") or "{}")
    except json.JSONDecodeError:
        return {}
    return {k: v for k, v in current.items() if k.startswith(NAMESPACE)} if isinstance(current, dict) else {}


def _config_values(config: Mapping[str, Any]) -> dict[str, Any]:
    """Objects (connections) as JSON text and everything else as text, as the dynamic path receives them."""
    return {k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in config.items() if v is not None}

"""The dynamic provider behind `pulumi_idcs.AppTokenExpiry`: adopt an app, manage its two expiries only.

The app's id is the resource's handle once created: names are resolved at create and when the identifier in the
program changes, never again behind the user's back. So the identifier is stored as the program wrote it (names
compare without regard to case, as IDCS compares them), and a refresh never rewrites it: an app renamed in the
console is reported in `renamedTo`, and nothing else changes until the program names it again. Whatever `up`
would refuse, `check` and `diff` refuse first (they run during preview, before anything is written).

Every operation runs against an explicit context (the settings, the clients and the ownership table of the
deployment). `AppTokenExpiryProvider`, the dynamic door's adapter, is pickled *by reference* into every resource's
state (`__provider`): never rename or move it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pulumi.output import Unknown

from . import adopting, ignoring
from .apps import AppExpiries
from .client import IdcsClient
from .context import Context
from .diff import Diff
from .durations import describe
from .dynamic_door import DynamicAdapter
from .errors import AppNotFoundError, ConfigurationError, IdcsError
from .implementation import Checked, Created, Read, Updated
from .models import EXPIRY_ATTRIBUTES, IDENTIFIERS, AppTokenExpiryInputs, check_inputs
from .ownership import OwnershipError
from .settings import same_domain_url
from .spelling import shown
from .type_tokens import original_of
from .validation import NAME_KEY, Failure

ORIGINAL = {a: original_of(a) for a in EXPIRY_ATTRIBUTES}
#: Where an identifier is kept in the outputs once resolved (appId, appName, appDisplayName), by wire name.
RESOLVED = {"appId": "id", "appName": "name", "appDisplayName": "displayName"}
#: The lifetimes this resource manages, by wire name (what a diff reports as drift and un-managing).
MANAGED = EXPIRY_ATTRIBUTES
#: The output that holds an app's live name when the program's identifier no longer names it.
RENAMED = "renamedTo"


def current_client(ctx: Context, props: Mapping[str, Any]) -> IdcsClient:
    """The client of the resource's domain: the stack's, or the named connection's."""
    return ctx.idcs(props.get("connection") or None)


def check(ctx: Context, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
    return adopting.check(olds, news, check_inputs, lambda checked: _preflight(ctx, checked))


def create(ctx: Context, props: Mapping[str, Any]) -> Created:
    inputs = _inputs(props)
    client = current_client(ctx, props)
    app = _resolve(client, inputs)
    ctx.owners.adopt(client.settings.domain_url, app.id, _owner(props), _label_app(app))
    originals = {a: app.value(a) for a in inputs.desired()}
    live = _apply(client, app, inputs.desired())
    return Created(app.id, _outputs(inputs, live, originals, client, props))


def update(ctx: Context, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Updated:
    inputs = _inputs(news)
    client = current_client(ctx, news)
    app = client.get_app(str(olds.get("appId") or id_), _label(olds))
    if app is None:
        raise AppNotFoundError(f"app {_label(olds)} was deleted from {client.settings.domain_url} during this "
                               "run: run `pulumi refresh`, then `pulumi up` again")
    ctx.owners.adopt(client.settings.domain_url, app.id, _owner(news), _label_app(app))
    originals = {a: olds[ORIGINAL[a]] for a in EXPIRY_ATTRIBUTES if olds.get(ORIGINAL[a]) is not None}
    for a in inputs.desired():
        originals.setdefault(a, app.value(a))
    released = {a: originals[a] for a in _managed(olds) if a not in inputs.desired()
                and inputs.on_delete == "restore" and originals.get(a) is not None}
    live = _apply(client, app, ignoring.writable({**inputs.desired(), **released}, news))
    return Updated(_outputs(inputs, live, originals, client, news))


def read(ctx: Context, id_: str, props: Mapping[str, Any]) -> Read:
    app = current_client(ctx, props).get_app(id_, _label(props) if props.get("appId") else shown(id_))
    if app is None:
        return Read("", {})
    identified_by = props.get("identifiedBy") or next((w for w in IDENTIFIERS if props.get(w)), "appId")
    managed = [a for a in EXPIRY_ATTRIBUTES if props.get(a) is not None]
    outs = {k: v for k, v in props.items() if not k.startswith("__") and k not in (*IDENTIFIERS, RENAMED)}
    outs.pop("lastModifiedBy", None)
    outs.pop("lastModified", None)
    outs.update(_identity(app), **_provenance(app), identifiedBy=identified_by,
                onDelete=props.get("onDelete", "retain"))
    outs.update(_as_written(identified_by, props.get(identified_by) or outs[identified_by], app))
    for a in managed:
        outs[a] = app.value(a)
        outs.setdefault(ORIGINAL[a], app.value(a))
    inputs = {identified_by: outs[identified_by], "onDelete": outs["onDelete"], **{a: outs[a] for a in managed}}
    for key in ("connection", NAME_KEY, ignoring.IGNORE_KEY):
        if props.get(key):
            inputs[key] = outs[key] = props[key]
    return Read(app.id, outs, inputs)


def delete(ctx: Context, id_: str, props: Mapping[str, Any]) -> None:
    if props.get("onDelete") != "restore" or ctx.settings.skip_restore:
        return  # "retain", or the stack says to skip restores: the live values stay as they are
    originals = ignoring.writable({a: int(props[ORIGINAL[a]]) for a in EXPIRY_ATTRIBUTES
                                   if props.get(a) is not None and props.get(ORIGINAL[a]) is not None}, props)
    if not originals:
        return
    client = _restore_client(ctx, props)
    if ctx.owners.adopted_in_this_run(client.settings.domain_url, id_):
        return  # another resource of this deployment manages the app now: restoring would undo its values
    app = client.get_app(id_, _label(props))
    if app is not None:
        _apply(client, app, originals)


class AppTokenExpiryProvider(DynamicAdapter):
    """The dynamic door's CRUD for one adopted app's accessTokenExpiry / refreshTokenExpiry."""


def diff(ctx: Context, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
    """Compare the program with the state and the live app (one read, by id: the handle)."""
    if any(isinstance(v, Unknown) for k, v in news.items() if not k.startswith("__")):
        return Diff(unknown=True)
    inputs = _inputs(news)
    client = current_client(ctx, news)
    if olds.get("domainUrl") and not same_domain_url(olds["domainUrl"], client.settings.domain_url):
        return _move(ctx, olds, news)
    handle = str(olds.get("appId") or id_)
    app = client.get_app(handle, _label(olds))
    if app is None:
        return _gone(client, inputs, olds, handle)
    replace = _retarget(client, inputs, olds, app)
    if replace is not None:
        return replace
    ctx.owners.claim(client.settings.domain_url, app.id, _owner(news), _label_app(app))
    problem = _ordering_problem(inputs, app)
    if problem:
        raise IdcsError(f"{problem.property}: {problem.reason}")
    drift, ignored = ignoring.split_drift(
        {a: (app.value(a), v) for a, v in inputs.desired().items() if app.value(a) != v}, news)
    return Diff(inputs_changed=_inputs_changed(inputs, olds, news), drift=drift, changed_by=app.changed_by(),
                   domain_url_respelt=olds.get("domainUrl") != client.settings.domain_url,
                   warnings=(*_rename_warning(news, _as_written(*inputs.identifier(), app).get(RENAMED)), *ignored))


def preview(ctx: Context, olds: Mapping[str, Any], props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """(id, outputs) that create (no olds) or update would store, without writing anything: for previews."""
    inputs = _inputs(props)
    client = current_client(ctx, props)
    app = client.get_app(str(olds["appId"]), _label(olds)) if olds.get("appId") else _resolve(client, inputs)
    if app is None:
        raise AppNotFoundError(f"app {_label(olds)} no longer exists in {client.settings.domain_url}")
    originals = {a: olds[ORIGINAL[a]] for a in EXPIRY_ATTRIBUTES if olds.get(ORIGINAL[a]) is not None}
    for a in inputs.desired():
        originals.setdefault(a, app.value(a))
    return app.id, _outputs(inputs, app.with_values(inputs.desired()), originals, client, props)


def import_(ctx: Context, app_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(outputs, inputs) of an app adopted as it is, from its id alone (`pulumi import`): both expiries managed
    at their live values, "retain" on delete; None when no such app exists."""
    client = current_client(ctx, {})
    app = client.get_app(app_id, f"with id {shown(app_id)}")
    if app is None:
        return None
    inputs: dict[str, Any] = {"appId": app.id, "onDelete": "retain"}
    inputs.update({a: app.value(a) for a in EXPIRY_ATTRIBUTES if app.value(a) is not None})
    values = {a: v for a, v in inputs.items() if a in EXPIRY_ATTRIBUTES}
    return _outputs(_inputs(inputs), app, values, client, inputs), inputs


def _preflight(ctx: Context, checked: dict[str, Any]) -> list[Failure]:
    """For a new resource: the configuration is usable, the app exists, and no other resource manages it."""
    try:
        client = current_client(ctx, checked)
    except ConfigurationError as e:
        return [Failure(property="connection" if checked.get("connection") else "", reason=str(e))]
    inputs = _inputs(checked)
    try:
        app = _resolve(client, inputs)
        ctx.owners.claim(client.settings.domain_url, app.id, _owner(checked), _label_app(app))
    except (AppNotFoundError, OwnershipError) as e:
        return [Failure(property=inputs.identifier()[0], reason=str(e))]
    except IdcsError as e:  # refused credentials, an unreachable domain: up would fail the same way
        return [Failure(property="", reason=str(e))]
    problem = _ordering_problem(inputs, app)
    return [problem] if problem else []


def _ordering_problem(inputs: AppTokenExpiryInputs, app: AppExpiries) -> Failure | None:
    """Refresh tokens live at least as long as access tokens, when the program sets one expiry and the other is
    the app's live value (both set by the program: check_inputs says so)."""
    desired = inputs.desired()
    access_wire, refresh_wire = EXPIRY_ATTRIBUTES
    if len(desired) != 1:
        return None
    access = desired.get(access_wire, app.access_token_expiry)
    refresh = desired.get(refresh_wire, app.refresh_token_expiry)
    if access is None or refresh is None or refresh >= access:
        return None
    given = next(iter(desired))
    kept = refresh_wire if given == access_wire else access_wire
    return Failure(property=given, reason=(
        f"refresh tokens ({describe(refresh)}) would expire before the access tokens they renew ({describe(access)}; "
        f"{kept} as the app holds it now): make {refresh_wire} at least {access_wire}, or manage {kept} too"))


def _retarget(client: IdcsClient, inputs: AppTokenExpiryInputs, olds: Mapping[str, Any],
              app: AppExpiries) -> Diff | None:
    """A replace when the program's identifier now names another app; None when it still names this one."""
    wire, value = inputs.identifier()
    if wire == olds.get("identifiedBy") and _same_identifier(wire, value, olds.get(wire)):
        return None  # unchanged: the id stays the handle, whatever the app is called today
    if _same_identifier(wire, value, _identity(app)[wire]):
        return None  # another name for the same app: an update, nothing restored, originals kept
    try:
        target = _resolve(client, inputs)
    except AppNotFoundError as e:
        raise AppNotFoundError(f"{wire}: {e}. The app this resource manages (id {app.id}) is called "
                               f"{shown(app.display_name)} now") from None
    return None if target.id == app.id else Diff(replaces=(wire,))


def _gone(client: IdcsClient, inputs: AppTokenExpiryInputs, olds: Mapping[str, Any], handle: str) -> Diff:
    """The managed app no longer exists: a replace when another app carries the identifier now, else an error."""
    wire, value = inputs.identifier()
    if wire != "appId" or value != handle:
        try:
            _resolve(client, inputs)
            return Diff(replaces=(wire,))  # the new app is adopted; the old one is gone
        except AppNotFoundError:
            pass
    raise AppNotFoundError(
        f"app {_label(olds)} no longer exists in {client.settings.domain_url}, and no app has {wire} {shown(value)}: "
        f"run `pulumi refresh` to drop it from the stack, or point {wire} at another app")


def _move(ctx: Context, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
    """Another domain: a replace. Its delete must be able to restore, so that is proven now, during preview."""
    if olds.get("onDelete") == "restore" and not ctx.settings.skip_restore:
        _restore_client(ctx, olds)
    moved_by = "connection" if (news.get("connection") or None) != (olds.get("connection") or None) else "domainUrl"
    return Diff(replaces=(moved_by,))


def _restore_client(ctx: Context, props: Mapping[str, Any]) -> IdcsClient:
    """A client of the domain the app was adopted in: a configured connection to it, or fail with the way out."""
    settings, old_url = ctx.settings, props.get("domainUrl")
    for name in dict.fromkeys([props.get("connection") or None, None, *settings.connection_names]):
        try:
            client = ctx.idcs(name)
        except ConfigurationError:
            continue
        if not old_url or same_domain_url(old_url, client.settings.domain_url):
            return client
    raise ConfigurationError(
        f"cannot restore app {_label(props)} in {old_url} (onDelete is restore): no configured connection reaches "
        f"that domain any more. Either add one (`pulumi config set --path idcs:connections.old.domainUrl "
        f"{old_url}`, with .clientId and a secret .clientSecret), or let deletes leave the values as they are: "
        "`pulumi config set idcs:skipRestore true`, run again, then `pulumi config rm idcs:skipRestore`")


def _inputs(props: Mapping[str, Any]) -> AppTokenExpiryInputs:
    return AppTokenExpiryInputs.model_validate({k: v for k, v in props.items() if not k.startswith("__")})


def _owner(props: Mapping[str, Any]) -> str:
    """The resource's name as the SDK passed it ("" when a caller did not: then no two owners can be told apart)."""
    return str(props.get(NAME_KEY) or "")


def _managed(props: Mapping[str, Any]) -> dict[str, Any]:
    return {a: props[a] for a in EXPIRY_ATTRIBUTES if props.get(a) is not None}


def _same_identifier(wire: str, a: object, b: object) -> bool:
    """appId compares exactly; names and display names without regard to case, as IDCS compares them."""
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    return a == b if wire == "appId" else a.casefold() == b.casefold()


def _inputs_changed(inputs: AppTokenExpiryInputs, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Whether the program changed; an ignored lifetime's value in the state is the domain's, not the program's."""
    wire, value = inputs.identifier()
    return (ignoring.writable(inputs.desired(), news) != ignoring.writable(_managed(olds), news)
            or wire != olds.get("identifiedBy")
            or not _same_identifier(wire, value, olds.get(wire)) or inputs.on_delete != olds.get("onDelete", "retain")
            or inputs.connection != olds.get("connection"))


def _resolve(client: IdcsClient, inputs: AppTokenExpiryInputs) -> AppExpiries:
    wire, value = inputs.identifier()
    if wire == "appId":
        app = client.get_app(value, f"with id {shown(value)}")
        if app is None:
            raise AppNotFoundError(
                f"no app with id {shown(value)} in {client.settings.domain_url}: check the id (Apps > the app > its "
                "URL), or identify the app by appName (its client id) or appDisplayName")
        return app
    return client.find_app(RESOLVED[wire], value, f"{RESOLVED[wire]} {shown(value)}")


def _apply(client: IdcsClient, app: AppExpiries, desired: Mapping[str, int]) -> AppExpiries:
    """PATCH only what differs; an app already right costs nothing."""
    changes = {a: int(v) for a, v in desired.items() if app.value(a) != v}
    return client.patch_app(app, changes, _label_app(app)) if changes else app


def _identity(app: AppExpiries) -> dict[str, Any]:
    return {"appId": app.id, "appName": app.name, "appDisplayName": app.display_name}


def _provenance(app: AppExpiries) -> dict[str, Any]:
    """Who last changed the app and when, where the domain says (outputs only: never an input, never a diff)."""
    return {k: v for k, v in (("lastModifiedBy", app.last_modified_by), ("lastModified", app.last_modified)) if v}


def _as_written(wire: str, value: str, app: AppExpiries) -> dict[str, str]:
    """The identifier as the program wrote it, and `renamedTo` when that no longer names the app (a console
    rename): stored in place of the live spelling, so that neither case nor a rename becomes a change."""
    live = _identity(app)[wire]
    return {wire: value} if _same_identifier(wire, value, live) else {wire: value, RENAMED: live}


def _rename_warning(props: Mapping[str, Any], live_name: str | None) -> tuple[str, ...]:
    """What to tell the user when the app was renamed in the console: nothing breaks, but the program is stale."""
    if live_name is None:
        return ()
    wire, value = _inputs(props).identifier()
    return (f"{wire} {json.dumps(value, ensure_ascii=False)} no longer names an app: the app this resource manages "
            f"is called {json.dumps(live_name, ensure_ascii=False)} in the domain now. Nothing changes (the app's id "
            f"is the handle); write {wire}: {json.dumps(live_name, ensure_ascii=False)} in the program, or "
            "identify it by appId",)


def _outputs(inputs: AppTokenExpiryInputs, live: AppExpiries, originals: Mapping[str, Any],
             client: IdcsClient, props: Mapping[str, Any]) -> dict[str, Any]:
    outs: dict[str, Any] = {**_identity(live), **_provenance(live), "identifiedBy": inputs.identifier()[0],
                            "onDelete": inputs.on_delete, "domainUrl": client.settings.domain_url}
    outs.update(_as_written(*inputs.identifier(), live))
    for key in ("connection", NAME_KEY):
        if props.get(key):
            outs[key] = props[key]
    outs.update(ignoring.recorded(props))
    for a in inputs.desired():
        outs[a] = live.value(a)
    for a, original in originals.items():  # kept for an expiry no longer managed too: it is never lost
        outs[ORIGINAL[a]] = original
    return outs


def _label_app(app: AppExpiries) -> str:
    return f"{shown(app.display_name)} (id {app.id})" if app.display_name else f"id {app.id}"


def _label(props: Mapping[str, Any]) -> str:
    name = props.get("appDisplayName") or props.get("appName")
    return f"{shown(name)} (id {props.get('appId')})" if name else f"id {props.get('appId')}"

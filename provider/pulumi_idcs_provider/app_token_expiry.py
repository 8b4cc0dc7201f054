"""`AppTokenExpiry`: adopt an existing IDCS app and manage its two expiries only, through the adoption lifecycle
(adoption.py); this module says what is particular to an IDCS app.

The app's id is the resource's handle once created: names are resolved at create and when the identifier in the
program changes, never again behind the user's back. So the identifier is stored as the program wrote it (names
compare without regard to case, as IDCS compares them), and a refresh never rewrites it: an app renamed in the
console is reported in `renamedTo`, and nothing else changes until the program names it again. An app may live in
another identity domain (a named connection); moving it there is a replace, whose delete restores in the old one.

`AppTokenExpiryProvider`, the dynamic door's adapter, is pickled *by reference* into every resource's state
(`__provider`): never rename or move it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .adoption import Adoption, Target
from .apps import AppExpiries
from .client import IdcsClient
from .context import Context
from .diff import Diff
from .durations import describe
from .dynamic_door import DynamicAdapter
from .errors import AppNotFoundError, ConfigurationError
from .models import EXPIRY_ATTRIBUTES, AppTokenExpiryInputs, check_inputs
from .settings import same_domain_url
from .spelling import shown
from .validation import Failure

#: Where an identifier is kept in the outputs once resolved (appId, appName, appDisplayName), by wire name.
RESOLVED = {"appId": "id", "appName": "name", "appDisplayName": "displayName"}
#: The output that holds an app's live name when the program's identifier no longer names it.
RENAMED = "renamedTo"


class AppTarget(Target):
    """An IDCS app, in the stack's identity domain or a named connection's, named by its id, name or display
    name."""

    inputs = AppTokenExpiryInputs
    noun, vendor, place_output, live_where = "app", "IDCS", "domainUrl", "in the domain"

    def check_inputs(self, news: Mapping[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
        return check_inputs(news)

    def connect(self, ctx: Context, props: Mapping[str, Any]) -> IdcsClient:
        """The client of the resource's domain: the stack's, or the named connection's."""
        return ctx.idcs(props.get("connection") or None)

    def place(self, api: IdcsClient) -> str:
        return api.settings.domain_url

    def resolve(self, api: IdcsClient, inputs: AppTokenExpiryInputs) -> AppExpiries:
        wire, value = inputs.identifier()
        if wire == "appId":
            app = api.get_app(value, f"with id {shown(value)}")
            if app is None:
                raise AppNotFoundError(
                    f"no app with id {shown(value)} in {api.settings.domain_url}: check the id (Apps > the app > its "
                    "URL), or identify the app by appName (its client id) or appDisplayName")
            return app
        return api.find_app(RESOLVED[wire], value, f"{RESOLVED[wire]} {shown(value)}")

    def current(self, api: IdcsClient, id_: str, state: Mapping[str, Any]) -> AppExpiries | None:
        """By the handle: the id, whatever the app is called today."""
        handle = str(state.get("appId") or id_)
        return api.get_app(handle, _label(state) if state.get("appId") else f"id {shown(handle)}")

    def gone(self, api: IdcsClient, state: Mapping[str, Any], inputs: AppTokenExpiryInputs) -> AppNotFoundError:
        wire, value = inputs.identifier()
        return AppNotFoundError(
            f"app {_label(state)} no longer exists in {api.settings.domain_url}, and no app has {wire} "
            f"{shown(value)}: run `pulumi refresh` to drop it from the stack, or point {wire} at another app")

    def identity(self, inputs: AppTokenExpiryInputs, live: AppExpiries) -> dict[str, Any]:
        wire, value = inputs.identifier()
        return {**_identity(live), **_provenance(live), "identifiedBy": wire, **_as_written(wire, value, live)}

    def key(self, identity: Mapping[str, Any]) -> str:
        return str(identity.get("appId"))

    def identity_inputs(self, outputs: Mapping[str, Any]) -> dict[str, Any]:
        wire = str(outputs.get("identifiedBy") or "appId")
        return {wire: outputs.get(wire)}

    def label(self, inputs: AppTokenExpiryInputs, live: AppExpiries) -> str:
        return f"{shown(live.display_name)} (id {live.id})" if live.display_name else f"id {live.id}"

    def live_values(self, live: AppExpiries) -> dict[str, int | None]:
        return {a: live.value(a) for a in EXPIRY_ATTRIBUTES}

    def write(self, api: IdcsClient, inputs: AppTokenExpiryInputs, live: AppExpiries,
              changes: Mapping[str, int]) -> AppExpiries:
        return api.patch_app(live, dict(changes), self.label(inputs, live))

    def id_inputs(self, id_: str) -> dict[str, Any]:
        return {"appId": id_}

    def restore_api(self, ctx: Context, state: Mapping[str, Any]) -> IdcsClient:
        """A client of the domain the app was adopted in: a configured connection to it, or fail with the way
        out."""
        settings, old_url = ctx.settings, state.get("domainUrl")
        for name in dict.fromkeys([state.get("connection") or None, None, *settings.connection_names]):
            try:
                client = ctx.idcs(name)
            except ConfigurationError:
                continue
            if not old_url or same_domain_url(old_url, client.settings.domain_url):
                return client
        raise ConfigurationError(
            f"cannot restore app {_label(state)} in {old_url} (onDelete is restore): no configured connection "
            f"reaches that domain any more. Either add one (`pulumi config set --path idcs:connections.old.domainUrl "
            f"{old_url}`, with .clientId and a secret .clientSecret), or let deletes leave the values as they are: "
            "`pulumi config set idcs:skipRestore true`, run again, then `pulumi config rm idcs:skipRestore`")

    def problem(self, inputs: AppTokenExpiryInputs, live: Mapping[str, int | None]) -> Failure | None:
        """Refresh tokens live at least as long as access tokens, when the program sets one expiry and the other is
        the app's live value (both set by the program: check_inputs says so)."""
        desired = inputs.desired()
        access_wire, refresh_wire = EXPIRY_ATTRIBUTES
        if len(desired) != 1:
            return None
        access = desired.get(access_wire, live.get(access_wire))
        refresh = desired.get(refresh_wire, live.get(refresh_wire))
        if access is None or refresh is None or refresh >= access:
            return None
        given = next(iter(desired))
        kept = refresh_wire if given == access_wire else access_wire
        return Failure(property=given, reason=(
            f"refresh tokens ({describe(refresh)}) would expire before the access tokens they renew "
            f"({describe(access)}; {kept} as the app holds it now): make {refresh_wire} at least {access_wire}, or "
            f"manage {kept} too"))

    def named_by(self, inputs: AppTokenExpiryInputs) -> str:
        return inputs.identifier()[0]

    def moved(self, ctx: Context, api: IdcsClient, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff | None:
        """Another domain: a replace. Its delete must be able to restore, so that is proven now, during preview."""
        if not olds.get("domainUrl") or same_domain_url(olds["domainUrl"], api.settings.domain_url):
            return None
        if olds.get("onDelete") == "restore" and not ctx.settings.skip_restore:
            self.restore_api(ctx, olds)
        moved_by = "connection" if (news.get("connection") or None) != (olds.get("connection") or None) else \
            "domainUrl"
        return Diff(replaces=(moved_by,))

    def retarget(self, api: IdcsClient, inputs: AppTokenExpiryInputs, olds: Mapping[str, Any],
                 live: AppExpiries) -> Diff | None:
        """A replace when the program's identifier now names another app; None when it still names this one."""
        wire, value = inputs.identifier()
        if wire == olds.get("identifiedBy") and _same_identifier(wire, value, olds.get(wire)):
            return None  # unchanged: the id stays the handle, whatever the app is called today
        if _same_identifier(wire, value, _identity(live)[wire]):
            return None  # another name for the same app: an update, nothing restored, originals kept
        try:
            target = self.resolve(api, inputs)
        except AppNotFoundError as e:
            raise AppNotFoundError(f"{wire}: {e}. The app this resource manages (id {live.id}) is called "
                                   f"{shown(live.display_name)} now") from None
        return None if target.id == live.id else Diff(replaces=(wire,))

    def identity_changed(self, inputs: AppTokenExpiryInputs, olds: Mapping[str, Any], live: AppExpiries) -> bool:
        wire, value = inputs.identifier()
        return (wire != olds.get("identifiedBy") or not _same_identifier(wire, value, olds.get(wire))
                or inputs.connection != olds.get("connection"))

    def notes(self, inputs: AppTokenExpiryInputs, live: AppExpiries) -> tuple[str, ...]:
        """What to tell the user when the app was renamed in the console: nothing breaks, but the program is
        stale."""
        wire, value = inputs.identifier()
        live_name = _as_written(wire, value, live).get(RENAMED)
        if live_name is None:
            return ()
        said, now = json.dumps(value, ensure_ascii=False), json.dumps(live_name, ensure_ascii=False)
        return (f"{wire} {said} no longer names an app: the app this resource manages is called {now} in the domain "
                f"now. Nothing changes (the app's id is the handle); write {wire}: {now} in the program, or identify "
                "it by appId",)

    def changed_by(self, live: AppExpiries) -> str:
        return live.changed_by()

    def respelt(self, api: IdcsClient, olds: Mapping[str, Any]) -> bool:
        return olds.get("domainUrl") != api.settings.domain_url

    def refreshed(self, state: Mapping[str, Any], live: AppExpiries) -> dict[str, Any]:
        """The identifier the program used, as it wrote it; the app's live identity and provenance."""
        identified_by = state.get("identifiedBy") or next((w for w in RESOLVED if state.get(w)), "appId")
        outs = {k: v for k, v in state.items() if not k.startswith("__")
                and k not in (*RESOLVED, RENAMED, "lastModifiedBy", "lastModified")}
        outs.update(_identity(live), **_provenance(live), identifiedBy=identified_by)
        outs.update(_as_written(identified_by, state.get(identified_by) or outs[identified_by], live))
        return outs


#: The resource's operations: the adoption lifecycle over an IDCS app (what the catalog registers).
IMPLEMENTATION = Adoption(AppTarget())


class AppTokenExpiryProvider(DynamicAdapter):
    """The dynamic door's CRUD for one adopted app's accessTokenExpiry / refreshTokenExpiry."""


def _same_identifier(wire: str, a: object, b: object) -> bool:
    """appId compares exactly; names and display names without regard to case, as IDCS compares them."""
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    return a == b if wire == "appId" else a.casefold() == b.casefold()


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


def _label(props: Mapping[str, Any]) -> str:
    name = props.get("appDisplayName") or props.get("appName")
    return f"{shown(name)} (id {props.get('appId')})" if name else f"id {props.get('appId')}"

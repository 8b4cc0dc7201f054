"""The dynamic provider behind `pulumi_idcs.AppTokenExpiry`: adopt an app, manage its two expiries only.

The class is pickled *by reference* into every resource's state (`__provider`): never rename or move it, and
keep instances free of attributes. Connection settings come from `configure()` and live at module level.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

from . import stack_config
from .client import IdcsClient, client_for
from .errors import AppNotFoundError, IdcsError
from .models import EXPIRY_ATTRIBUTES, IDENTIFIERS, AppExpiries, AppTokenExpiryInputs, check_inputs
from .settings import from_config

ORIGINAL = {a: "original" + a[0].upper() + a[1:] for a in EXPIRY_ATTRIBUTES}
#: Where an identifier is kept in the outputs once resolved (appId, appName, appDisplayName), by wire name.
RESOLVED = {"appId": "id", "appName": "name", "appDisplayName": "displayName"}


def current_client(props: Mapping[str, Any]) -> IdcsClient:
    """The client of the resource's domain: the stack's, or the named connection's."""
    return client_for(from_config(stack_config.snapshot(), connection=props.get("connection") or None))


class AppTokenExpiryProvider(ResourceProvider):
    """CRUD for one adopted app's accessTokenExpiry / refreshTokenExpiry."""

    # Nothing secret is ever in the instance: keep the blob readable (and small) in state.
    serialize_as_secret_always = False

    def configure(self, req: ConfigureRequest) -> None:
        stack_config.remember(req)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        checked, failures = check_inputs(news, is_unknown=lambda v: isinstance(v, Unknown))
        return CheckResult(checked, [CheckFailure(f.property, f.reason) for f in failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        if any(isinstance(v, Unknown) for k, v in news.items() if not k.startswith("__")):
            return DiffResult(changes=None)  # the engine compares what it can and shows it
        inputs = _inputs(news)
        client = current_client(news)
        if olds.get("domainUrl") and client.settings.domain_url != olds.get("domainUrl"):
            return DiffResult(changes=True, replaces=["domainUrl"])  # another domain: another app
        wire, value = inputs.identifier()
        if olds.get(wire) != value:
            return DiffResult(changes=True, replaces=[wire])  # another app: adopt it, release this one
        if inputs.desired() != _managed(olds) or wire != olds.get("identifiedBy") \
                or inputs.on_delete != olds.get("onDelete", "retain") or inputs.connection != olds.get("connection"):
            # The inputs changed: let the engine diff old and new inputs, which shows each property.
            return DiffResult(changes=None)
        live = client.get_app(str(olds["appId"]), _label(olds))
        drifted = live is None or any(live.value(a) != v for a, v in inputs.desired().items())
        return DiffResult(changes=drifted)

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = _inputs(props)
        client = current_client(props)
        app = _resolve(client, inputs)
        originals = {a: app.value(a) for a in inputs.desired()}
        live = _apply(client, app, inputs.desired())
        return CreateResult(app.id, _outputs(inputs, live, originals, client))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = _inputs(news)
        client = current_client(news)
        app = _resolve(client, inputs)
        originals = {a: olds.get(ORIGINAL[a], app.value(a)) for a in inputs.desired()}
        live = _apply(client, app, inputs.desired())
        return UpdateResult(_outputs(inputs, live, originals, client))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        app = current_client(props).get_app(id_, _label(props) if props.get("appId") else repr(id_))
        if app is None:
            return ReadResult("", {})
        identified_by = props.get("identifiedBy") or next((w for w in IDENTIFIERS if props.get(w)), "appId")
        managed = [a for a in EXPIRY_ATTRIBUTES if props.get(a) is not None]
        outs = {k: v for k, v in props.items() if not k.startswith("__") and k not in IDENTIFIERS}
        outs.update(_identity(app), identifiedBy=identified_by, onDelete=props.get("onDelete", "retain"))
        for a in managed:
            outs[a] = app.value(a)
            outs.setdefault(ORIGINAL[a], app.value(a))
        inputs = {identified_by: outs[identified_by], "onDelete": outs["onDelete"], **{a: outs[a] for a in managed}}
        if props.get("connection"):
            inputs["connection"] = outs["connection"] = props["connection"]
        return ReadResult(app.id, outs, inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        if props.get("onDelete") != "restore":
            return  # "retain": the live values stay as they are
        originals = {a: int(props[ORIGINAL[a]]) for a in EXPIRY_ATTRIBUTES
                     if props.get(a) is not None and props.get(ORIGINAL[a]) is not None}
        client = current_client(props)
        if props.get("domainUrl") and client.settings.domain_url != props["domainUrl"]:
            raise IdcsError(
                f"cannot restore app {_label(props)} in {props['domainUrl']}: the configuration now points at "
                f"{client.settings.domain_url}. Restore with the old idcs:domainUrl, or set onDelete to retain")
        app = client.get_app(id_, _label(props))
        if app is not None:
            _apply(client, app, originals)


def _inputs(props: Mapping[str, Any]) -> AppTokenExpiryInputs:
    return AppTokenExpiryInputs.model_validate({k: v for k, v in props.items() if not k.startswith("__")})


def _managed(props: Mapping[str, Any]) -> dict[str, Any]:
    return {a: props[a] for a in EXPIRY_ATTRIBUTES if props.get(a) is not None}


def _resolve(client: IdcsClient, inputs: AppTokenExpiryInputs) -> AppExpiries:
    wire, value = inputs.identifier()
    if wire == "appId":
        app = client.get_app(value, f"with id {value!r}")
        if app is None:
            raise AppNotFoundError(
                f"no app with id {value!r} in {client.settings.domain_url}: check the id (Apps > the app > its "
                "URL), or identify the app by appName (its client id) or appDisplayName")
        return app
    return client.find_app(RESOLVED[wire], value, f"{RESOLVED[wire]} {value!r}")


def _apply(client: IdcsClient, app: AppExpiries, desired: Mapping[str, int]) -> AppExpiries:
    """PATCH only what differs; an app already right costs nothing."""
    changes = {a: int(v) for a, v in desired.items() if app.value(a) != v}
    return client.patch_app(app, changes, _label_app(app)) if changes else app


def _identity(app: AppExpiries) -> dict[str, Any]:
    return {"appId": app.id, "appName": app.name, "appDisplayName": app.display_name}


def _outputs(inputs: AppTokenExpiryInputs, live: AppExpiries, originals: Mapping[str, Any],
             client: IdcsClient) -> dict[str, Any]:
    outs: dict[str, Any] = {**_identity(live), "identifiedBy": inputs.identifier()[0], "onDelete": inputs.on_delete,
                            "domainUrl": client.settings.domain_url}
    if inputs.connection:
        outs["connection"] = inputs.connection
    for a in inputs.desired():
        outs[a] = live.value(a)
        outs[ORIGINAL[a]] = originals.get(a)
    return outs


def _label_app(app: AppExpiries) -> str:
    return f"{app.display_name!r} (id {app.id})" if app.display_name else f"id {app.id}"


def _label(props: Mapping[str, Any]) -> str:
    name = props.get("appDisplayName") or props.get("appName")
    return f"{name!r} (id {props.get('appId')})" if name else f"id {props.get('appId')}"

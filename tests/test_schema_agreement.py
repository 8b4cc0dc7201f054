"""schema.json is the contract: the SDK, the provider and the settings must say the same thing."""

from __future__ import annotations

import inspect
import json
import re
import typing
from pathlib import Path
from typing import Any

import requests
from conftest import MOBILE
from provider_server import ProviderServer
from pulumi_idcs import AppTokenExpiry, AppTokenExpiryArgs, RefreshGrantCheck
from pulumi_idcs.app_token_expiry import OUTPUTS
from pulumi_idcs.mosaic import OUTPUTS as MOSAIC_OUTPUTS
from pulumi_idcs.refresh_grant_check import _INPUT_NAMES, SECRET_OUTPUTS
from pulumi_idcs.refresh_grant_check import OUTPUTS as CHECK_OUTPUTS
from pulumi_idcs_provider.models import AppTokenExpiryInputs
from pulumi_idcs_provider.mosaic_timeouts import ClientTokenTimeoutsInputs
from pulumi_idcs_provider.refresh_grant_check import RefreshGrantCheckInputs, RefreshGrantCheckProvider
from pulumi_idcs_provider.settings import (
    CONNECTIONS_KEY,
    KEYS,
    MOSAIC_CA_BUNDLE,
    MOSAIC_KEYS,
    SKIP_RESTORE,
    ConnectionSettings,
)

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "schema.json").read_text())
RESOURCE = SCHEMA["resources"]["idcs:index:AppTokenExpiry"]


def snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def test_inputs_agree() -> None:
    wire = set(RESOURCE["inputProperties"])
    assert {f.alias for f in AppTokenExpiryInputs.model_fields.values()} == wire
    args_params = set(inspect.signature(AppTokenExpiryArgs.__init__).parameters) - {"self"}
    assert args_params == {snake(w) for w in wire}
    every = AppTokenExpiryArgs(**{snake(w): f"value-of-{w}" for w in wire})  # each argument reaches the wire,
    assert every.to_wire() == {w: f"value-of-{w}" for w in wire}            # under its schema name
    for w in wire:
        assert getattr(every, snake(w)) == f"value-of-{w}"
    keyword_form = typing.get_overloads(AppTokenExpiry.__init__)[-1]  # AppTokenExpiry("n", app_id=..., ...)
    assert set(inspect.signature(keyword_form).parameters) - {"self", "resource_name", "opts"} == {
        snake(w) for w in wire}


def test_outputs_agree_with_the_sdk_and_what_the_provider_returns(stack_config: dict[str, Any]) -> None:
    props = set(RESOURCE["properties"])
    assert set(OUTPUTS) == props
    for name in props:
        assert isinstance(getattr(AppTokenExpiry, snake(name)), property), name
    with ProviderServer(stack_config) as server:
        _, _, outs = server.up({"appId": MOBILE, "accessTokenExpiry": 900, "refreshTokenExpiry": "1d"})
    assert {k for k in outs if not k.startswith("__")} <= props  # connection, unmanaged expiries: only when used
    assert set(RESOURCE["required"]) <= set(outs)


def test_config_agrees_with_the_settings() -> None:
    variables = SCHEMA["config"]["variables"]
    assert {f"idcs:{k}" for k in variables} == {key for key, _ in (*KEYS.values(), *MOSAIC_KEYS.values())} | {
        CONNECTIONS_KEY, SKIP_RESTORE[0], MOSAIC_CA_BUNDLE[0]}
    assert [k for k, v in variables.items() if v.get("secret")] == ["clientSecret", "mosaicClientSecret"]
    assert variables["maxRequestsPerSecond"]["default"] == ConnectionSettings.model_fields[
        "max_requests_per_second"].default
    for key, var in (*KEYS.values(), *MOSAIC_KEYS.values(), SKIP_RESTORE, MOSAIC_CA_BUNDLE):
        assert var in variables[key.split(":")[1]]["description"]
    assert variables["authMethod"]["default"] == ConnectionSettings.model_fields["auth_method"].default


CHECK = SCHEMA["resources"]["idcs:index:RefreshGrantCheck"]


def test_refresh_grant_check_agrees(stack_config: dict[str, Any], emulator: Any) -> None:
    inputs = set(CHECK["inputProperties"])
    assert set(_INPUT_NAMES.values()) == inputs
    assert {f.alias for f in RefreshGrantCheckInputs.model_fields.values()} == inputs
    assert set(inspect.signature(RefreshGrantCheck.__init__).parameters) - {"self", "resource_name", "opts"} == {
        snake(w) for w in inputs}
    assert set(CHECK_OUTPUTS) == set(CHECK["properties"])
    secret = {k for k, v in {**CHECK["inputProperties"], **CHECK["properties"]}.items() if v.get("secret")}
    assert secret == set(SECRET_OUTPUTS)
    rt = requests.post(emulator.url + "/_emulator/refresh-tokens", timeout=5, json={
        "clientId": "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5",
        "scope": "https://resource-owner.example.com/read offline_access"}).json()["refresh_token"]
    with ProviderServer(stack_config, provider=RefreshGrantCheckProvider()) as server:
        _, _, outs = server.up({"flavor": "idcs", "clientId": "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5",
                                "refreshToken": rt, "scope": "https://resource-owner.example.com/read offline_access",
                                "expectAccessTokenExpiry": 3600, "recheckAfter": 60})
    assert set(outs) - {"__provider"} <= set(CHECK["properties"])
    assert set(CHECK["required"]) <= set(outs)


def test_client_token_timeouts_agree_with_the_sdk_and_the_core() -> None:
    resource = SCHEMA["resources"]["idcs:mosaic:ClientTokenTimeouts"]
    assert set(resource["inputProperties"]) == {f.alias for f in ClientTokenTimeoutsInputs.model_fields.values()}
    assert set(resource["properties"]) == set(MOSAIC_OUTPUTS)
    assert set(resource["requiredInputs"]) == {f.alias for n, f in ClientTokenTimeoutsInputs.model_fields.items()
                                               if f.is_required()}


def test_every_type_token_is_one_of_the_schemas_resources_and_each_adopter_manages_its_lifetimes() -> None:
    from pulumi_idcs_provider import app_token_expiry, mosaic_timeouts, type_tokens
    assert {t.plugin for t in type_tokens.ALL} == set(SCHEMA["resources"])
    for token, module in ((type_tokens.APP, app_token_expiry), (type_tokens.MOSAIC, mosaic_timeouts)):
        outputs = SCHEMA["resources"][token.plugin]["properties"]
        assert all(name in outputs and module.ORIGINAL[name] in outputs for name in module.MANAGED), token.name

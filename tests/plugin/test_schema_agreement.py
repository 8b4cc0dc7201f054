"""schema.json is generated from the definitions; what the provider returns and the settings read agree with it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

import requests
from conftest import MOBILE
from provider_server import ProviderServer
from pulumi import Output
from pulumi_idcs import AppTokenExpiry, AppTokenExpiryArgs
from pulumi_idcs_provider import schema_gen
from pulumi_idcs_provider.definition import snake
from pulumi_idcs_provider.refresh_grant_check import RefreshGrantCheckProvider
from pulumi_idcs_provider.settings import KNOWN_KEYS
from pulumi_idcs_provider.validation import NAME_KEY

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text())
RESOURCE = SCHEMA["resources"]["idcs:index:AppTokenExpiry"]


def test_schema_json_is_what_the_definitions_generate() -> None:
    assert schema_gen.text() == SCHEMA_PATH.read_text(), "schema.json is stale: run scripts/gen-sdks"


def test_inputs_reach_the_wire_under_their_schema_names() -> None:
    wire = set(RESOURCE["inputProperties"])
    every = AppTokenExpiryArgs(**{snake(w): f"value-of-{w}" for w in wire})  # each argument reaches the wire,
    with_args = AppTokenExpiry.__new__(AppTokenExpiry)
    seen: dict[str, Any] = {}
    with patch("pulumi.dynamic.Resource.__init__", lambda _self, _p, _n, props, _o=None: seen.update(props)):
        AppTokenExpiry.__init__(with_args, "n", every)
    assert {w: seen[w] for w in wire} == {w: f"value-of-{w}" for w in wire}  # under its schema name
    assert isinstance(seen[NAME_KEY], Output)  # the owner's name, from the URN (engine tests read it)


def test_outputs_agree_with_the_sdk_and_what_the_provider_returns(stack_config: dict[str, Any]) -> None:
    props = set(RESOURCE["properties"])
    with ProviderServer(stack_config) as server:
        _, _, outs = server.up({"appId": MOBILE, "accessTokenExpiry": 900, "refreshTokenExpiry": "1d"})
    assert {k for k in outs if not k.startswith("__")} <= props  # connection, unmanaged expiries: only when used
    assert set(RESOURCE["required"]) <= set(outs)


def test_every_config_variable_is_one_the_settings_read() -> None:
    variables = SCHEMA["config"]["variables"]
    assert {f"idcs:{k}" for k in variables} == KNOWN_KEYS
    assert [k for k, v in variables.items() if v.get("secret")] == ["clientSecret", "mosaicClientSecret"]


CHECK = SCHEMA["resources"]["idcs:index:RefreshGrantCheck"]


def test_refresh_grant_check_returns_its_declared_outputs(stack_config: dict[str, Any], emulator: Any) -> None:
    rt = requests.post(emulator.url + "/_emulator/refresh-tokens", timeout=5, json={
        "clientId": "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5",
        "scope": "https://resource-owner.example.com/read offline_access"}).json()["refresh_token"]
    with ProviderServer(stack_config, provider=RefreshGrantCheckProvider()) as server:
        _, _, outs = server.up({"flavor": "idcs", "clientId": "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5",
                                "refreshToken": rt, "scope": "https://resource-owner.example.com/read offline_access",
                                "expectAccessTokenExpiry": 3600, "recheckAfter": 60})
    assert set(outs) - {"__provider"} <= set(CHECK["properties"])
    assert set(CHECK["required"]) <= set(outs)


def test_every_type_token_is_one_of_the_schemas_resources_and_each_adopter_manages_its_lifetimes() -> None:
    from pulumi_idcs_provider import type_tokens
    from pulumi_idcs_provider.catalog import DEFINITIONS
    assert {t.plugin for t in type_tokens.ALL} == set(SCHEMA["resources"])
    adopters = [d for d in DEFINITIONS.values() if d.adopts]
    assert len(adopters) == 3
    for d in adopters:
        outputs, impl = SCHEMA["resources"][d.token.plugin]["properties"], d.implementation
        assert impl.MANAGED and all(name in outputs and impl.ORIGINAL[name] in outputs for name in impl.MANAGED), \
            d.token.name

"""schema.json is the contract: the SDK, the provider and the settings must say the same thing."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Any

from conftest import MOBILE
from provider_server import ProviderServer
from pulumi_idcs import AppTokenExpiry, AppTokenExpiryArgs
from pulumi_idcs.app_token_expiry import OUTPUTS
from pulumi_idcs_provider.models import AppTokenExpiryInputs
from pulumi_idcs_provider.settings import KEYS, ConnectionSettings

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "schema.json").read_text())
RESOURCE = SCHEMA["resources"]["idcs:index:AppTokenExpiry"]


def snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def test_inputs_agree() -> None:
    wire = set(RESOURCE["inputProperties"])
    assert {f.alias for f in AppTokenExpiryInputs.model_fields.values()} == wire
    assert set(AppTokenExpiryArgs().to_wire()) <= wire
    args_params = set(inspect.signature(AppTokenExpiryArgs.__init__).parameters) - {"self"}
    assert args_params == {snake(w) for w in wire}
    overloads = inspect.signature(AppTokenExpiry.__init__)  # the implementation takes **kwargs; check overloads
    assert "kwargs" in overloads.parameters
    for w in wire:
        assert isinstance(getattr(AppTokenExpiryArgs, snake(w)), property)


def test_outputs_agree_with_the_sdk_and_what_the_provider_returns(stack_config: dict[str, Any]) -> None:
    props = set(RESOURCE["properties"])
    assert set(OUTPUTS) == props
    for name in props:
        assert isinstance(getattr(AppTokenExpiry, snake(name)), property), name
    with ProviderServer(stack_config) as server:
        _, _, outs = server.up({"appId": MOBILE, "accessTokenExpiry": 900, "refreshTokenExpiry": "1d"})
    assert set(outs) - {"__provider"} == props
    assert set(RESOURCE["required"]) <= set(outs)


def test_config_agrees_with_the_settings() -> None:
    variables = SCHEMA["config"]["variables"]
    assert {f"idcs:{k}" for k in variables} == {key for key, _ in KEYS.values()}
    assert [k for k, v in variables.items() if v.get("secret")] == ["clientSecret"]
    assert variables["maxRequestsPerSecond"]["default"] == ConnectionSettings.model_fields[
        "max_requests_per_second"].default
    for key, var in KEYS.values():
        assert var in variables[key.split(":")[1]]["description"]

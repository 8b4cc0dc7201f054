"""The native plugin `pulumi-resource-idcs` over gRPC: the schema it serves, configuration refused at preview,
previews that write nothing, detailed diffs, import from an id alone, and errors that keep state."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import grpc
import pytest
import requests
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE, demo_secrets
from idcs_emulator import EmulatorServer
from plugin_server import CHECK_URN, PluginServer
from pulumi.runtime.proto import provider_pb2, status_pb2

ROOT = Path(__file__).resolve().parents[2]
MOBILE_CLIENT = "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5"   # a public client of the demo domain
SCOPE = "https://resource-owner.example.com/read offline_access"
KIND = provider_pb2.PropertyDiff.Kind


@pytest.fixture
def config(emulator: EmulatorServer) -> dict[str, Any]:
    return {"domainUrl": emulator.url, "clientId": ADMIN_ID, "clientSecret": ADMIN_SECRET,
            "maxRequestsPerSecond": "1000"}


@pytest.fixture
def plugin(config: dict[str, Any]) -> Any:
    with PluginServer(config) as srv:
        yield srv


def test_the_plugin_serves_schema_json_unchanged(plugin: PluginServer) -> None:
    assert plugin.schema() == (ROOT / "schema.json").read_text()
    assert plugin.info() == "0.1.0"


EMU = "{emulator}"  # stands for the emulator's URL: each bad configuration names a domain that would answer
EMU_WITH_PASSWORD = "{emulator with a password}"


@pytest.mark.parametrize(("given", "key", "words"), [
    ({"domainUrl": EMU_WITH_PASSWORD, "clientId": "x", "clientSecret": "y"}, "domainUrl",
     "carries credentials"),
    ({"clientId": "x", "clientSecret": "y"}, "domainUrl", "idcs:domainUrl"),
    ({"domainUrl": EMU, "clientId": "x"}, "clientSecret", "idcs:clientSecret"),
    ({"connections": {"eu": {"domainUrl": EMU}}}, "connections", "idcs:connections.eu.clientId"),
    ({"domainUrl": EMU, "clientId": "x", "clientSecret": "y", "maxRequestsPerSecond": "0"}, "maxRequestsPerSecond",
     "positive number"),
])
def test_bad_configuration_is_refused_at_check_config_naming_the_key(
        plugin: PluginServer, emulator: EmulatorServer, given: dict[str, Any], key: str, words: str) -> None:
    given = json.loads(json.dumps(given).replace(EMU_WITH_PASSWORD, emulator.url.replace("://", "://u:p@"))
                       .replace(EMU, emulator.url))
    failures = dict(plugin.check_config(given))
    assert key in failures and words in failures[key], failures
    assert emulator.requests_of() == []  # refused before any request to the domain it names
    assert plugin.check_config({"domainUrl": emulator.url, "clientId": ADMIN_ID, "clientSecret": "s"}) == []


def test_a_remote_plain_http_domain_is_refused_at_check_config(plugin: PluginServer) -> None:
    failures = dict(plugin.check_config({"domainUrl": "http://idcs-0123.identity.oraclecloud.com", "clientId": "x",
                                         "clientSecret": "y"}))
    assert "plain http for a non-loopback" in failures["domainUrl"]


def test_rotated_credentials_in_the_current_stack_config_win(emulator: EmulatorServer,
                                                              config: dict[str, Any]) -> None:
    stale = {**config, "clientSecret": "the-old-secret"}
    with PluginServer(stale, current={"idcs:clientSecret": ADMIN_SECRET}) as plugin:
        assert plugin.read(MOBILE).id == MOBILE


def test_preview_create_shows_the_outcome_and_writes_nothing(plugin: PluginServer, emulator: EmulatorServer) -> None:
    inputs, failures = plugin.check({"appDisplayName": "mobileapp", "accessTokenExpiry": "20m"})
    assert failures == [] and inputs["accessTokenExpiry"] == 1200
    id_, outs = plugin.create(inputs, preview=True)
    assert id_ == MOBILE and outs["accessTokenExpiry"] == 1200 and outs["originalAccessTokenExpiry"] == 3600
    assert emulator.requests_of("patch") == []
    assert emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 3600


def test_unknown_app_fails_check_naming_the_property(plugin: PluginServer) -> None:
    _, failures = plugin.check({"appName": "no-such-client", "accessTokenExpiry": 900})
    assert failures and failures[0][0] == "appName" and "no app in" in failures[0][1]


def test_diff_is_detailed_for_program_changes_and_for_drift(plugin: PluginServer, emulator: EmulatorServer) -> None:
    inputs, _ = plugin.check({"appId": MOBILE, "accessTokenExpiry": 1200})
    id_, outs = plugin.create(inputs)
    changed = plugin.diff(id_, outs, {**inputs, "accessTokenExpiry": 2700.0}, inputs)
    assert changed.changes == provider_pb2.DiffResponse.DIFF_SOME and changed.hasDetailedDiff
    assert changed.detailedDiff["accessTokenExpiry"].kind == KIND.UPDATE
    assert changed.detailedDiff["accessTokenExpiry"].inputDiff
    emulator.domain.change_app(MOBILE, {"accessTokenExpiry": 100})
    with PluginServer(plugin.config) as next_run:
        drifted = next_run.diff(id_, outs, inputs, inputs)
    assert drifted.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(drifted.detailedDiff) == ["accessTokenExpiry"]
    assert not drifted.detailedDiff["accessTokenExpiry"].inputDiff
    with PluginServer(plugin.config) as next_run:
        emulator.domain.change_app(MOBILE, {"accessTokenExpiry": 1200})
        assert next_run.diff(id_, outs, inputs, inputs).changes == provider_pb2.DiffResponse.DIFF_NONE


def test_import_reads_an_app_from_its_id_alone(plugin: PluginServer, emulator: EmulatorServer) -> None:
    resp = plugin.read(MOBILE)
    inputs = json.loads(json.dumps(dict(resp.inputs)))
    assert resp.id == MOBILE
    assert inputs == {"appId": MOBILE, "onDelete": "retain", "accessTokenExpiry": 3600.0,
                      "refreshTokenExpiry": 604800.0}
    _, failures = plugin.check(inputs, olds=inputs)
    assert failures == []
    assert plugin.read("0123456789abcdef0123456789abcdef").id == ""
    assert emulator.requests_of("patch") == []


def test_a_failed_expectation_fails_the_step_but_keeps_the_rotated_token(plugin: PluginServer,
                                                                         emulator: EmulatorServer) -> None:
    seed = str(requests.post(emulator.url + "/_emulator/refresh-tokens", timeout=5,
                             json={"clientId": MOBILE_CLIENT, "scope": SCOPE}).json()["refresh_token"])
    inputs = {"flavor": "idcs", "clientId": MOBILE_CLIENT, "refreshToken": seed, "scope": SCOPE,
              "expectAccessTokenExpiry": 60}
    checked, failures = plugin.check(inputs, urn=CHECK_URN)
    assert failures == []
    with pytest.raises(grpc.RpcError) as failed:
        plugin.create({**inputs, **checked}, urn=CHECK_URN)
    rich = dict(failed.value.trailing_metadata())["grpc-status-details-bin"]  # type: ignore[attr-defined]
    status = status_pb2.Status.FromString(rich)
    detail = provider_pb2.ErrorResourceInitFailed()
    status.details[0].Unpack(detail)
    outs = dict(detail.properties)
    assert "longer than the expected 60 s (1m)" in detail.reasons[0]
    rotated = outs["refreshToken"]["value"]  # wrapped as a secret, as schema.json says
    assert rotated != seed
    exchange = {"grant_type": "refresh_token", "client_id": MOBILE_CLIENT}
    again = requests.post(emulator.url + "/oauth2/v1/token", data={**exchange, "refresh_token": rotated}, timeout=5)
    assert again.status_code == 200  # the kept token is the live one; the seed is spent
    assert requests.post(emulator.url + "/oauth2/v1/token", data={**exchange, "refresh_token": seed},
                         timeout=5).status_code == 400
    assert not any(secret in str(failed.value.details()) for secret in demo_secrets())  # type: ignore[attr-defined]


def test_an_owner_is_named_from_its_urn_with_its_parents_type() -> None:
    """Both doors name owners this way: two components' "mobile" children on one app must be told apart."""
    from pulumi_idcs_provider.ownership import owner_of
    assert owner_of("urn:pulumi:dev::proj::idcs:index:AppTokenExpiry::a") == "a"
    assert owner_of("urn:pulumi:dev::proj::acme:index:Team$idcs:index:AppTokenExpiry::mobile") == \
        "acme:index:Team/mobile"
    assert owner_of("urn:pulumi:dev::proj::acme:index:Org$acme:index:Team$idcs:mosaic:ClientTokenTimeouts::m") == \
        "acme:index:Team/m"


def test_a_host_asking_only_for_the_schema_never_loads_the_provider() -> None:
    """Pulumi YAML starts the plugin for its schema on every command: that process answers without loading the
    catalog, the clients or the resources (a second process of the same run does the work)."""
    probe = ("import sys; from pulumi_idcs_provider.plugin.server import Plugin; p = Plugin(); "
             "s = p.GetSchema(None, None).schema; v = p.GetPluginInfo(None, None).version; p.Cancel(None, None); "
             "print(len(s) > 1000, bool(v), sorted(m for m in sys.modules if m.startswith('pulumi_idcs_provider.')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.split(" ", 2)[:2] == ["True", "True"]
    assert "pulumi_idcs_provider.catalog" not in done.stdout and "pulumi_idcs_provider.client" not in done.stdout


def test_the_plugin_forwards_exactly_the_calls_the_provider_answers() -> None:
    from pulumi_idcs_provider.plugin.server import FORWARDED
    from pulumi_idcs_provider.plugin.servicer import IdcsProviderServicer
    answered = {name for name in vars(IdcsProviderServicer) if name[0].isupper()}
    assert set(FORWARDED) == answered

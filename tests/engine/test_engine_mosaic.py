"""examples/mosaic through the real CLI: a Mosaic client's lifetimes and a Mosaic RefreshGrantCheck whose
expectation follows them, proven end to end against the emulator; and the same resource through the plugin."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests
from engine import ROOT, open_stack, yaml_stack
from idcs_emulator import EmulatorServer
from pulumi import automation as auto

CLIENT, CLIENT_SECRET = "mosaic-demo-client", "emulator-mosaic-secret-0006"
PAYMENTS, PAYMENTS_URI = "c2a9e4b1d7f3468e", "https://payments.example.com/api"


def seed(emu: EmulatorServer, resource: str | None = None) -> str:
    """A refresh token as a user login gives one (for `resource` when the login targeted it)."""
    return str(requests.post(emu.url + "/_emulator/mosaic/refresh-tokens", json={"clientId": CLIENT,
                                                                               "resource": resource},
                             timeout=5).json()["refresh_token"])


def config(emu: EmulatorServer) -> dict[str, tuple[str, bool]]:
    return {"idcs:mosaicBaseUrl": (emu.url, False), "idcs:mosaicClientId": ("mosaic-admin-client", False),
            "idcs:mosaicClientSecret": ("emulator-mosaic-admin-secret-0007", True),
            "mosaicClientSecret": (CLIENT_SECRET, True), "mosaicRefreshToken": (seed(emu), True),
            "mosaicResourceRefreshToken": (seed(emu, PAYMENTS_URI), True)}


def expiration(emu: EmulatorServer) -> dict[str, Any]:
    return dict(emu.mosaic.clients[CLIENT]["token_expiration"])


def test_the_mosaic_example_proves_the_managed_lifetime(tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = open_stack(tmp_path, config(emulator), example="mosaic")
    stack.up()
    assert expiration(emulator) == {"access_token_ttl": 900, "refresh_token_ttl": 604800,
                                    "max_refresh_rotate": 2592000}
    outputs = {k: v.value for k, v in stack.outputs().items()}
    assert outputs["expiresIn"] == 900 and outputs["originalAccessTokenTtl"] == 3600
    # the resource's lifetime decides the resource-targeted token's, whatever the client's says
    assert emulator.mosaic.resources[PAYMENTS]["access_token_ttl"] == 600 == outputs["resourceExpiresIn"]
    stack.preview(expect_no_changes=True)

    stack.set_config("accessTokenTtl", auto.ConfigValue("30m"))  # each check reruns with its new expectation
    stack.set_config("resourceAccessTokenTtl", auto.ConfigValue("5m"))
    preview = stack.preview(diff=True)
    assert "accessTokenTtl: 900 => 1800" in preview.stdout and "accessTokenTtl: 600 => 300" in preview.stdout
    stack.up()
    outputs = {k: v.value for k, v in stack.outputs().items()}
    assert outputs["expiresIn"] == 1800 and outputs["resourceExpiresIn"] == 300  # issued from the new TTLs

    emulator.mosaic.change_client(CLIENT, {"token_expiration": {**expiration(emulator), "access_token_ttl": 60}})
    emulator.mosaic.change_resource(PAYMENTS, {"access_token_ttl": 120})
    with pytest.raises(auto.CommandError) as drift:
        stack.preview(refresh=True, expect_no_changes=True, diff=True)
    assert "accessTokenTtl: 60 => 1800" in str(drift.value) and "accessTokenTtl: 120 => 300" in str(drift.value)
    stack.up(refresh=True)
    stack.destroy()
    assert expiration(emulator) == {"access_token_ttl": 3600, "refresh_token_ttl": 1209600,
                                    "max_refresh_rotate": 1209600}  # restored
    assert emulator.mosaic.resources[PAYMENTS]["access_token_ttl"] == 3600


def test_client_token_timeouts_through_the_plugin(tmp_path: Path, emulator: EmulatorServer) -> None:
    program = ("name: idcs-mosaic-yaml\nruntime: yaml\nplugins:\n  providers:\n    - name: idcs\n"
               "      path: ../../.venv/bin\nresources:\n  web:\n    type: idcs:mosaic:ClientTokenTimeouts\n"
               f"    properties:\n      appId: mosaic-demo-app\n      clientId: {CLIENT}\n"
               "      accessTokenTtl: 20m\n      onDelete: restore\n")
    stack = yaml_stack(tmp_path, program, {k: v for k, v in config(emulator).items() if k.startswith("idcs:")})
    stack.up()
    assert expiration(emulator)["access_token_ttl"] == 1200
    stack.preview(expect_no_changes=True)
    project = Path(stack.workspace.work_dir) / "Pulumi.yaml"
    in_place = project.read_text()
    project.write_text(in_place.replace("accessTokenTtl: 20m", "accessTokenTtl: 2d"))
    with pytest.raises(auto.CommandError) as refused:  # the policy pack judges Mosaic lifetimes too
        stack.preview(policy_packs=[str(ROOT / "policy" / "pack")])
    assert "idcs-mosaic-token-lifetime-bounds" in str(refused.value)
    assert "accessTokenTtl is 172800 s (2d); this organisation allows 300 s (5m) to 86400 s (1d)" in str(
        refused.value)
    project.write_text(in_place)
    stack.destroy()
    assert expiration(emulator)["access_token_ttl"] == 3600


def test_client_token_timeouts_preview_drift_and_import_through_the_plugin(tmp_path: Path,
                                                                          emulator: EmulatorServer) -> None:
    header = "name: idcs-mosaic-plugin\nruntime: yaml\nplugins:\n  providers:\n    - name: idcs\n" \
             "      path: ../../.venv/bin\n"
    web = ("resources:\n  web:\n    type: idcs:mosaic:ClientTokenTimeouts\n    properties:\n"
           f"      appId: mosaic-demo-app\n      clientId: {CLIENT}\n      accessTokenTtl: 20m\n")
    provider_config = {k: v for k, v in config(emulator).items() if k.startswith("idcs:")}
    stack = yaml_stack(tmp_path / "one", header + web, provider_config)
    planned: list[dict[str, Any]] = []
    stack.preview(on_event=lambda e: e.res_outputs_event and e.res_outputs_event.metadata.new and planned.append(
        dict(e.res_outputs_event.metadata.new.outputs or {})))
    web_plan = next(p for p in planned if p.get("clientId") == CLIENT)
    assert web_plan["originalAccessTokenTtl"] == 3600 and web_plan["accessTokenTtl"] == 1200  # read, not written
    assert expiration(emulator)["access_token_ttl"] == 3600
    stack.up()
    emulator.mosaic.change_client(CLIENT, {"token_expiration": {**expiration(emulator), "access_token_ttl": 60}})
    drift = stack.preview(diff=True)  # no --refresh: the plugin's diff reads the live client
    assert drift.change_summary.get("update") == 1
    assert "warning: accessTokenTtl is 60 in Mosaic, the program wants 1200" in drift.stdout + drift.stderr

    ws = stack.workspace
    assert isinstance(ws, auto.LocalWorkspace)
    second = subprocess.run(["pulumi", "import", "idcs:mosaic:ClientTokenTimeouts", "again",
                             f"mosaic-demo-app/{CLIENT}", "--yes", "--generate-code=false", "--stack", "test"],
                            cwd=ws.work_dir,
                            env={**os.environ, **ws.env_vars}, capture_output=True, text=True, timeout=300)
    assert second.returncode != 0 and 'is already managed by "web" in this stack' in second.stdout + second.stderr

    fresh = yaml_stack(tmp_path / "two", header + "resources: {}\n", provider_config)
    fws = fresh.workspace
    assert isinstance(fws, auto.LocalWorkspace)
    emulator.clear_requests()
    subprocess.run(["pulumi", "import", "idcs:mosaic:ClientTokenTimeouts", "web", f"mosaic-demo-app/{CLIENT}",
                    "--yes", "--generate-code=false", "--stack", "test"], cwd=fws.work_dir,
                   env={**os.environ, **fws.env_vars}, check=True, capture_output=True, text=True, timeout=300)
    imported = next(r for r in fresh.export_stack().deployment["resources"] if r["urn"].endswith("::web"))
    assert imported["id"] == f"mosaic-demo-app/{CLIENT}" and imported["inputs"]["accessTokenTtl"] == 60
    assert imported["inputs"]["onDelete"] == "retain" and not [r for r in emulator.requests_of()
                                                               if r["method"] == "PUT"]


def test_resource_token_timeouts_through_the_plugin(tmp_path: Path, emulator: EmulatorServer) -> None:
    """Adopt, change, drift, restore through the plugin, and import by id into another stack."""
    header = "name: idcs-mosaic-resource\nruntime: yaml\nplugins:\n  providers:\n    - name: idcs\n" \
             "      path: ../../.venv/bin\n"
    payments = ("resources:\n  payments:\n    type: idcs:mosaic:ResourceTokenTimeouts\n    properties:\n"
                f"      resourceUri: {PAYMENTS_URI}\n      accessTokenTtl: 20m\n      onDelete: restore\n")
    provider_config = {k: v for k, v in config(emulator).items() if k.startswith("idcs:")}
    stack = yaml_stack(tmp_path / "one", header + payments, provider_config)
    stack.up()
    assert emulator.mosaic.resources[PAYMENTS]["access_token_ttl"] == 1200
    assert [r["body"] for r in emulator.requests_of("mosaic-resource-put")] == [{"access_token_ttl": 1200}]
    stack.preview(expect_no_changes=True)
    project = Path(stack.workspace.work_dir) / "Pulumi.yaml"
    in_place = project.read_text()
    project.write_text(in_place.replace("accessTokenTtl: 20m", "accessTokenTtl: 2d"))
    with pytest.raises(auto.CommandError) as refused:  # the policy pack bounds a resource's lifetimes too
        stack.preview(policy_packs=[str(ROOT / "policy" / "pack")])
    assert "idcs-mosaic-token-lifetime-bounds" in str(refused.value) and "accessTokenTtl is 172800 s" in str(
        refused.value)
    project.write_text(in_place.replace("accessTokenTtl: 20m", "accessTokenTtl: 30m"))
    assert "accessTokenTtl: 1200 => 1800" in stack.preview(diff=True).stdout
    stack.up()
    assert emulator.mosaic.resources[PAYMENTS]["access_token_ttl"] == 1800
    emulator.mosaic.change_resource(PAYMENTS, {"access_token_ttl": 60})
    drift = stack.preview(diff=True)  # the plugin's diff reads the live resource
    assert drift.change_summary.get("update") == 1
    assert "accessTokenTtl is 60 in Mosaic, the program wants 1800" in drift.stdout + drift.stderr

    fresh = yaml_stack(tmp_path / "two", header + "resources: {}\n", provider_config)
    fws = fresh.workspace
    assert isinstance(fws, auto.LocalWorkspace)
    subprocess.run(["pulumi", "import", "idcs:mosaic:ResourceTokenTimeouts", "reports", "5e81f0c3a6b94d27",
                    "--yes", "--generate-code=false", "--stack", "test"], cwd=fws.work_dir,
                   env={**os.environ, **fws.env_vars}, check=True, capture_output=True, text=True, timeout=300)
    imported = next(r for r in fresh.export_stack().deployment["resources"] if r["urn"].endswith("::reports"))
    assert imported["inputs"] == {"resourceId": "5e81f0c3a6b94d27", "onDelete": "retain", "accessTokenTtl": 900,
                                  "refreshTokenTtl": 86400, "maxRefreshRotate": 604800}

    stack.destroy()
    assert emulator.mosaic.resources[PAYMENTS]["access_token_ttl"] == 3600  # restored: the value at adoption


def test_mosaic_functions_read_a_client_and_a_resource_and_write_nothing(tmp_path: Path,
                                                                         emulator: EmulatorServer) -> None:
    emulator.mosaic.clients[CLIENT]["token_expiration"]["access_token_ttl"] = 900
    emulator.mosaic.resources[PAYMENTS]["access_token_ttl"] = 1800
    program = ("name: mosaic-fn\nruntime: yaml\nplugins:\n  providers:\n    - name: idcs\n      path: ../../.venv/bin\n"
               "variables:\n  client:\n    fn::invoke:\n      function: idcs:mosaic:getClient\n"
               f"      arguments: {{appId: mosaic-demo-app, clientId: {CLIENT}}}\n"
               "  payments:\n    fn::invoke:\n      function: idcs:mosaic:getResource\n"
               f"      arguments: {{resourceUri: \"{PAYMENTS_URI}\"}}\n"
               "outputs:\n  clientTtl: ${client.accessTokenTtl}\n  paymentsTtl: ${payments.accessTokenTtl}\n"
               "  paymentsId: ${payments.resourceId}\n")
    stack = yaml_stack(tmp_path, program, config(emulator))
    outputs = stack.up().outputs
    assert (outputs["clientTtl"].value, outputs["paymentsTtl"].value) == (900, 1800)
    assert outputs["paymentsId"].value == PAYMENTS
    assert not [r for r in emulator.requests_of() if r["method"] in ("PUT", "PATCH", "POST")
                and "token" not in r["path"]]


def test_mosaic_functions_on_the_dynamic_door(tmp_path: Path, emulator: EmulatorServer) -> None:
    from engine import program_stack
    emulator.mosaic.clients[CLIENT]["token_expiration"]["access_token_ttl"] = 900
    source = (f'c = idcs.mosaic.get_client(app_id="mosaic-demo-app", client_id="{CLIENT}")\n'
              f'r = idcs.mosaic.get_resource(resource_id="{PAYMENTS}")\n'
              'pulumi.export("clientTtl", c.access_token_ttl)\npulumi.export("uri", r.resource_uri)\n')
    outputs = program_stack(tmp_path, source, config(emulator)).up().outputs
    assert (outputs["clientTtl"].value, outputs["uri"].value) == (900, PAYMENTS_URI)

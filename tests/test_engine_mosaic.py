"""examples/mosaic through the real CLI: a Mosaic client's lifetimes and a Mosaic RefreshGrantCheck whose
expectation follows them, proven end to end against the emulator; and the same resource through the plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from engine import ROOT, open_stack, yaml_stack
from idcs_emulator import EmulatorServer
from pulumi import automation as auto

pytestmark = pytest.mark.engine

CLIENT, CLIENT_SECRET = "mosaic-demo-client", "emulator-mosaic-secret-0006"


def config(emu: EmulatorServer) -> dict[str, tuple[str, bool]]:
    seed = requests.post(emu.url + "/_emulator/mosaic/refresh-tokens", json={"clientId": CLIENT},
                         timeout=5).json()["refresh_token"]
    return {"idcs:mosaicBaseUrl": (emu.url, False), "idcs:mosaicClientId": ("mosaic-admin-client", False),
            "idcs:mosaicClientSecret": ("emulator-mosaic-admin-secret-0007", True),
            "mosaicClientSecret": (CLIENT_SECRET, True), "mosaicRefreshToken": (seed, True)}


def expiration(emu: EmulatorServer) -> dict[str, Any]:
    return dict(emu.mosaic.clients[CLIENT]["token_expiration"])


def test_the_mosaic_example_proves_the_managed_lifetime(tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = open_stack(tmp_path, config(emulator), example="mosaic")
    stack.up()
    assert expiration(emulator) == {"access_token_ttl": 900, "refresh_token_ttl": 604800,
                                    "max_refresh_rotate": 2592000}
    outputs = {k: v.value for k, v in stack.outputs().items()}
    assert outputs["expiresIn"] == 900 and outputs["originalAccessTokenTtl"] == 3600
    stack.preview(expect_no_changes=True)

    stack.set_config("accessTokenTtl", auto.ConfigValue("30m"))  # the check reruns with the new expectation
    preview = stack.preview(diff=True)
    assert "accessTokenTtl: 900 => 1800" in preview.stdout
    stack.up()
    assert stack.outputs()["expiresIn"].value == 1800  # issued by the refresh endpoint from the new TTL

    emulator.mosaic.change_client(CLIENT, {"token_expiration": {**expiration(emulator), "access_token_ttl": 60}})
    with pytest.raises(auto.CommandError) as drift:
        stack.preview(refresh=True, expect_no_changes=True, diff=True)
    assert "accessTokenTtl: 60 => 1800" in str(drift.value)
    stack.up(refresh=True)
    stack.destroy()
    assert expiration(emulator) == {"access_token_ttl": 3600, "refresh_token_ttl": 1209600,
                                    "max_refresh_rotate": 1209600}  # restored


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

"""A user's mistakes through the real CLI on the dynamic door: one clear line naming the resource, the property as
written and the fix, and never a Python traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from conftest import ADMIN_ID, ADMIN_SECRET, RESOURCE_OWNER
from engine import program_stack
from idcs_emulator import EmulatorServer
from pulumi import automation as auto

CLIENT = "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5"
SCOPE = "https://resource-owner.example.com/read offline_access"
PAYMENTS = "c2a9e4b1d7f3468e"


def connection(emu: EmulatorServer) -> dict[str, tuple[str, bool]]:
    return {"idcs:domainUrl": (emu.url, False), "idcs:clientId": (ADMIN_ID, False),
            "idcs:clientSecret": (ADMIN_SECRET, True)}


def refused(stack: auto.Stack, up: bool = False) -> str:
    with pytest.raises(auto.CommandError) as failed:
        stack.up() if up else stack.preview()
    text = str(failed.value)
    assert "Traceback" not in text, text
    return text


def test_a_misspelt_keyword_says_which_one_was_meant(tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = program_stack(tmp_path, f'idcs.AppTokenExpiry("owner", app_id="{RESOURCE_OWNER}", '
                                    'acces_token_expiry="1h")\n', connection(emulator))
    assert "AppTokenExpiry 'owner': no input acces_token_expiry; did you mean access_token_expiry?" in refused(stack)


def test_a_timedelta_is_whole_seconds(tmp_path: Path, emulator: EmulatorServer) -> None:
    source = ("from datetime import timedelta\n"
              f'idcs.AppTokenExpiry("owner", app_id="{RESOURCE_OWNER}", access_token_expiry=timedelta(minutes=20))\n')
    program_stack(tmp_path, source, connection(emulator)).up()
    assert emulator.domain.apps[RESOURCE_OWNER]["accessTokenExpiry"] == 1200


def test_a_failed_expectation_names_the_check_not_the_stack(tmp_path: Path, emulator: EmulatorServer) -> None:
    seeds = [requests.post(emulator.url + "/_emulator/refresh-tokens", json={"clientId": CLIENT, "scope": SCOPE},
                           timeout=5).json()["refresh_token"] for _ in range(2)]
    source = (f'idcs.RefreshGrantCheck("lenient", flavor="idcs", client_id="{CLIENT}", scope="{SCOPE}",\n'
              f'    refresh_token=pulumi.Output.secret("{seeds[0]}"), expect_access_token_expiry="1d")\n'
              f'idcs.RefreshGrantCheck("strict", flavor="idcs", client_id="{CLIENT}", scope="{SCOPE}",\n'
              f'    refresh_token=pulumi.Output.secret("{seeds[1]}"), expect_access_token_expiry="10m")\n')
    text = refused(program_stack(tmp_path, source, connection(emulator)), up=True)
    assert "refresh grant check 'strict' failed" in text and "'lenient' failed" not in text


def test_mosaic_drift_names_the_property_and_a_resource_deleted_in_the_portal_says_to_refresh(
        tmp_path: Path, emulator: EmulatorServer) -> None:
    config = {"idcs:mosaicBaseUrl": (emulator.url, False), "idcs:mosaicClientId": ("mosaic-admin-client", False),
              "idcs:mosaicClientSecret": ("emulator-mosaic-admin-secret-0007", True)}
    stack = program_stack(tmp_path, f'idcs.mosaic.ResourceTokenTimeouts("payments", resource_id="{PAYMENTS}", '
                                    'access_token_ttl="20m")\n', config)
    stack.up()
    emulator.mosaic.change_resource(PAYMENTS, {"access_token_ttl": 60})  # a portal edit: the drifted property named
    drift = stack.preview(diff=True)
    assert "payments: accessTokenTtl is 60 in Mosaic, the program wants 1200" in drift.stdout + drift.stderr
    assert requests.delete(f"{emulator.url}/_emulator/mosaic/resources/{PAYMENTS}", timeout=5).status_code == 204
    text = refused(stack)
    assert "pulumi refresh" in text, text


def test_a_rule_on_a_pair_holds_when_one_value_is_live(tmp_path: Path, emulator: EmulatorServer) -> None:
    """refreshTokenTtl 30d alone, against a live maxRefreshRotate of 14 days: refused at preview, before anything
    is written; and the same for an IDCS access lifetime past the app's live refresh lifetime."""
    from engine import yaml_stack
    mosaic = {"idcs:mosaicBaseUrl": (emulator.url, False), "idcs:mosaicClientId": ("mosaic-admin-client", False),
              "idcs:mosaicClientSecret": ("emulator-mosaic-admin-secret-0007", True)}
    header = "name: pairs\nruntime: yaml\nplugins:\n  providers:\n    - name: idcs\n      path: ../../.venv/bin\n"
    mosaic_program = header + ("resources:\n  payments:\n    type: idcs:mosaic:ResourceTokenTimeouts\n"
                               f"    properties:\n      resourceId: {PAYMENTS}\n      refreshTokenTtl: 30d\n")
    text = refused(yaml_stack(tmp_path / "mosaic", mosaic_program, mosaic))
    assert "refreshTokenTtl" in text and "maxRefreshRotate as Mosaic holds it now" in text
    idcs_program = header + ("resources:\n  owner:\n    type: idcs:index:AppTokenExpiry\n    properties:\n"
                             f"      appId: {RESOURCE_OWNER}\n      accessTokenExpiry: 30d\n")
    text = refused(yaml_stack(tmp_path / "idcs", idcs_program, connection(emulator)))
    assert "accessTokenExpiry" in text and "refreshTokenExpiry as the app holds it now" in text
    assert [r for r in emulator.requests_of() if r["method"] in ("PUT", "PATCH")] == []

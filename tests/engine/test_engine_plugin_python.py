"""A Python program on the plugin (the generated pulumi_idcs_native SDK): moving a stack made with the dynamic
AppTokenExpiry onto the plugin changes no app, and `opts.import_` adopts an app as it is."""

from __future__ import annotations

from pathlib import Path

from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE, RESOURCE_OWNER
from engine import program_stack, write_program
from idcs_emulator import EmulatorServer

DYNAMIC = (f'idcs.AppTokenExpiry("owner", app_id="{RESOURCE_OWNER}", access_token_expiry="2h", on_delete="restore")\n'
           f'idcs.AppTokenExpiry("mobile", app_name="7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5", access_token_expiry="15m")\n')
NATIVE = ("import pulumi_idcs_native as native\n"
          "moved = pulumi.ResourceOptions(aliases=[pulumi.Alias(type_='pulumi-python:dynamic/idcs:AppTokenExpiry')])\n"
          f'native.AppTokenExpiry("owner", app_id="{RESOURCE_OWNER}", access_token_expiry="2h", on_delete="restore",\n'
          "                      opts=moved)\n"
          'native.AppTokenExpiry("mobile", app_name="7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5", access_token_expiry="15m",\n'
          "                      opts=moved)\n")


def config_for(emu: EmulatorServer) -> dict[str, tuple[str, bool]]:
    return {"idcs:domainUrl": (emu.url, False), "idcs:clientId": (ADMIN_ID, False),
            "idcs:clientSecret": (ADMIN_SECRET, True)}


def test_moving_a_dynamic_stack_onto_the_plugin_changes_no_app(tmp_path: Path, emulator: EmulatorServer) -> None:
    stack = program_stack(tmp_path, DYNAMIC, config_for(emulator), plugin=True)
    stack.up()
    emulator.clear_requests()
    write_program(stack.workspace.work_dir, NATIVE)
    preview = stack.preview()
    assert set(preview.change_summary) <= {"same"}, preview.change_summary
    result = stack.up()
    assert set(result.summary.resource_changes or {}) <= {"same"}
    assert emulator.requests_of("patch") == []
    types = {r["urn"].rsplit("::", 1)[-1]: r["type"] for r in stack.export_stack().deployment["resources"]}
    assert types["owner"] == types["mobile"] == "idcs:index:AppTokenExpiry"
    stack.destroy()
    assert emulator.domain.apps[RESOURCE_OWNER]["accessTokenExpiry"] == 3600  # originals survived the move


def test_import_option_in_a_python_program(tmp_path: Path, emulator: EmulatorServer) -> None:
    program = ("import pulumi_idcs_native as native\n"
               f'native.AppTokenExpiry("mobile", app_id="{MOBILE}", access_token_expiry=3600,\n'
               '                      refresh_token_expiry=604800, on_delete="retain",\n'
               f'                      opts=pulumi.ResourceOptions(import_="{MOBILE}"))\n')
    stack = program_stack(tmp_path, program, config_for(emulator), plugin=True)
    assert stack.up().summary.resource_changes.get("import") == 1
    assert emulator.requests_of("patch") == []
    stack.preview(expect_no_changes=True)

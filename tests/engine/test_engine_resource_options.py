"""Resource options as Pulumi users write them, through the real CLI and both doors: `ignoreChanges` leaves an
ignored lifetime to whoever else writes it (no drift correction, no restore), and says so at preview."""

from __future__ import annotations

from pathlib import Path

from conftest import ADMIN_ID, ADMIN_SECRET, RESOURCE_OWNER
from engine import program_stack, yaml_stack
from idcs_emulator import EmulatorServer

HEADER = ("name: idcs-options-test\nruntime: yaml\nplugins:\n  providers:\n    - name: idcs\n"
          "      path: ../../.venv/bin\n")


def connection(emu: EmulatorServer) -> dict[str, tuple[str, bool]]:
    return {"idcs:domainUrl": (emu.url, False), "idcs:clientId": (ADMIN_ID, False),
            "idcs:clientSecret": (ADMIN_SECRET, True)}


def live(emu: EmulatorServer, attribute: str = "accessTokenExpiry") -> int:
    return int(emu.domain.apps[RESOURCE_OWNER][attribute])


def patches(emu: EmulatorServer) -> list[dict[str, object]]:
    return emu.requests_of("patch")


def _ignored_edit_is_left_alone(stack: object, emulator: EmulatorServer, ignored_in_output: str) -> None:
    """The scenario both doors share: up, a console edit of the ignored lifetime, preview, up, destroy."""
    from pulumi import automation as auto
    assert isinstance(stack, auto.Stack)
    stack.up()
    assert (live(emulator), live(emulator, "refreshTokenExpiry")) == (1200, 86400)
    emulator.domain.change_app(RESOURCE_OWNER, {"accessTokenExpiry": 600})  # someone else's edit
    emulator.clear_requests()

    preview = stack.preview(diff=True)
    said = preview.stdout + preview.stderr
    assert preview.change_summary.get("update", 0) == 0, said
    assert f"{ignored_in_output} is 600 in the domain, the program has 1200: ignored (ignoreChanges)" in said
    stack.up()
    assert live(emulator) == 600 and patches(emulator) == []  # never corrected

    stack.destroy()  # onDelete restore: the refresh lifetime goes back, the ignored one stays the other writer's
    assert (live(emulator), live(emulator, "refreshTokenExpiry")) == (600, 604800)


def test_ignore_changes_through_the_plugin(tmp_path: Path, emulator: EmulatorServer) -> None:
    program = HEADER + (
        "resources:\n  owner:\n    type: idcs:index:AppTokenExpiry\n    properties:\n"
        f"      appId: {RESOURCE_OWNER}\n      accessTokenExpiry: 20m\n      refreshTokenExpiry: 1d\n"
        "      onDelete: restore\n    options:\n      ignoreChanges: [accessTokenExpiry]\n")
    _ignored_edit_is_left_alone(yaml_stack(tmp_path, program, connection(emulator)), emulator, "accessTokenExpiry")


def test_ignore_changes_through_the_dynamic_provider(tmp_path: Path, emulator: EmulatorServer) -> None:
    source = (f'idcs.AppTokenExpiry("owner", app_id="{RESOURCE_OWNER}", access_token_expiry="20m",\n'
              '    refresh_token_expiry="1d", on_delete="restore",\n'
              '    opts=pulumi.ResourceOptions(ignore_changes=["access_token_expiry"]))\n')
    _ignored_edit_is_left_alone(program_stack(tmp_path, source, connection(emulator)), emulator, "accessTokenExpiry")


def test_ignore_changes_added_later_is_kept_for_the_destroy(tmp_path: Path, emulator: EmulatorServer) -> None:
    """ignoreChanges added to a resource whose values are right: the state learns it (an update that writes
    nothing), so the destroy leaves the ignored lifetime alone."""
    body = ("resources:\n  owner:\n    type: idcs:index:AppTokenExpiry\n    properties:\n"
            f"      appId: {RESOURCE_OWNER}\n      accessTokenExpiry: 20m\n      onDelete: restore\n")
    stack = yaml_stack(tmp_path, HEADER + body, connection(emulator))
    stack.up()
    from engine import write_yaml
    write_yaml(stack.workspace.work_dir, HEADER + body + "    options:\n      ignoreChanges: [accessTokenExpiry]\n")
    emulator.clear_requests()
    stack.up()
    assert patches(emulator) == []
    emulator.domain.change_app(RESOURCE_OWNER, {"accessTokenExpiry": 600})
    stack.destroy()
    assert live(emulator) == 600


def test_get_of_a_managed_app_reads_it_and_claims_nothing(tmp_path: Path, emulator: EmulatorServer) -> None:
    """A `get` is a read-only reference: it works on an app the stack manages, in either order, and writes
    nothing; the app keeps one owner."""
    managed = ("  owner:\n    type: idcs:index:AppTokenExpiry\n    properties:\n"
               f"      appId: {RESOURCE_OWNER}\n      accessTokenExpiry: 20m\n")
    read = f"  seen:\n    type: idcs:index:AppTokenExpiry\n    get:\n      id: {RESOURCE_OWNER}\n"
    stack = yaml_stack(tmp_path, HEADER + "resources:\n" + managed + read +
                       "outputs:\n  seenExpiry: ${seen.accessTokenExpiry}\n", connection(emulator))
    stack.up()
    assert stack.outputs()["seenExpiry"].value in (1200, 3600)  # read before or after the PATCH: no dependency
    emulator.clear_requests()
    stack.up()  # the get again, beside its owner
    assert stack.outputs()["seenExpiry"].value == 1200 and patches(emulator) == []


def test_retain_on_delete_beside_restore_is_told_at_preview(tmp_path: Path, emulator: EmulatorServer) -> None:
    """The engine never calls delete for a retained resource, so a restore cannot run: the preview says so, and
    the destroy indeed leaves the live value."""
    program = HEADER + ("resources:\n  owner:\n    type: idcs:index:AppTokenExpiry\n    properties:\n"
                        f"      appId: {RESOURCE_OWNER}\n      accessTokenExpiry: 20m\n      onDelete: restore\n"
                        "    options:\n      retainOnDelete: true\n")
    stack = yaml_stack(tmp_path, program, connection(emulator))
    stack.up()
    preview = stack.preview()
    assert "retainOnDelete is set" in preview.stdout + preview.stderr
    stack.destroy()
    assert live(emulator) == 1200


def test_get_app_on_the_dynamic_door_and_drift_names_who_changed_the_app(tmp_path: Path,
                                                                         emulator: EmulatorServer) -> None:
    source = (f'seen = idcs.get_app(app_id="{RESOURCE_OWNER}")\n'
              'pulumi.export("expiry", seen.access_token_expiry)\npulumi.export("by", seen.last_modified_by)\n')
    emulator.domain.change_app(RESOURCE_OWNER, {"accessTokenExpiry": 900}, by="alice@example.com")
    stack = program_stack(tmp_path, source, connection(emulator))
    outputs = stack.up().outputs
    assert (outputs["expiry"].value, outputs["by"].value) == (900, "alice@example.com")
    assert patches(emulator) == []


def test_drift_names_who_last_changed_the_app(tmp_path: Path, emulator: EmulatorServer) -> None:
    program = HEADER + ("resources:\n  owner:\n    type: idcs:index:AppTokenExpiry\n    properties:\n"
                        f"      appId: {RESOURCE_OWNER}\n      accessTokenExpiry: 20m\n")
    stack = yaml_stack(tmp_path, program, connection(emulator))
    stack.up()
    emulator.domain.change_app(RESOURCE_OWNER, {"accessTokenExpiry": 600}, by="bob@example.com")
    preview = stack.preview()
    assert "accessTokenExpiry is 600 in the domain, the program wants 1200 (last changed by bob@example.com at 20" \
        in preview.stdout + preview.stderr

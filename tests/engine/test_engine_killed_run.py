"""A `pulumi up` killed with SIGKILL while it creates: the README's recovery leaves tenant and state consistent."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE
from engine import open_stack
from idcs_emulator import EmulatorServer
from pulumi import automation as auto


def pending(stack: auto.Stack) -> list[dict[str, Any]]:
    return list(stack.export_stack().deployment.get("pending_operations") or [])


def descendants(pid: int) -> list[int]:
    """Every process `pid` started, and theirs (from /proc): the engine starts each plugin in a process group of its
    own, which killing the CLI's group does not reach."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        started = children.get(todo.pop(), [])
        found += started
        todo += started
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def kill_up_after_first_patch(stack: auto.Stack, emulator: EmulatorServer) -> None:
    """`pulumi up` killed with SIGKILL, the CLI and every process it started (as a crash of the machine would), once
    IDCS has applied a PATCH: no plugin is left running after the test."""
    ws = stack.workspace
    assert isinstance(ws, auto.LocalWorkspace)
    env = {**os.environ, **ws.env_vars}
    up = subprocess.Popen(["pulumi", "up", "--yes", "--skip-preview", "--stack", stack.name], cwd=ws.work_dir,
                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(600):  # bounded: 60 s at most
        if emulator.requests_of("patch") or up.poll() is not None:
            break
        time.sleep(0.1)
    assert up.poll() is None, "the run ended before it could be killed"
    started = descendants(up.pid)
    assert any("pulumi.dynamic" in command_line(p) for p in started), "no provider to kill: the run was not under way"
    os.killpg(up.pid, signal.SIGKILL)
    for pid in started:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    up.wait()


def test_the_documented_recovery_after_a_killed_up(tmp_path: Path, emulator: EmulatorServer) -> None:
    config = {"idcs:domainUrl": (emulator.url, False), "idcs:clientId": (ADMIN_ID, False),
              "idcs:clientSecret": (ADMIN_SECRET, True)}
    stack = open_stack(tmp_path, config)
    emulator.set_faults({"latencyMs": 1500})  # slow enough that the kill lands mid-run
    kill_up_after_first_patch(stack, emulator)
    emulator.set_faults({})
    with pytest.raises(auto.CommandError) as locked:
        stack.up()  # the dead run's lock is still there
    assert "pulumi cancel" in str(locked.value)
    assert pending(stack), "a killed create leaves a pending operation"
    # README, "After a killed run": cancel, refresh --clear-pending-creates, up
    stack.cancel()
    stack.refresh(clear_pending_creates=True)
    stack.up()
    assert pending(stack) == []
    assert emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 900
    stack.preview(expect_no_changes=True)

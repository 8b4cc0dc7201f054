"""pulumi-idcs doctor against the emulator, in-process: one line a check, the fix on a failure, exit 0 or 1, and
nothing written to the domain."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET
from idcs_emulator import EmulatorServer
from pulumi_idcs_cli import doctor
from pulumi_idcs_cli.__main__ import main
from pulumi_idcs_provider.context import Context

MOSAIC = {"MOSAIC_BASE_URL": "", "MOSAIC_CLIENT_ID": "mosaic-admin-client",
          "MOSAIC_CLIENT_SECRET": "emulator-mosaic-admin-secret-0007"}


def environment(monkeypatch: pytest.MonkeyPatch, emu: EmulatorServer, secret: str = ADMIN_SECRET,
                mosaic: dict[str, str] | None = None) -> None:
    for key, value in {"IDCS_DOMAIN_URL": emu.url, "IDCS_CLIENT_ID": ADMIN_ID, "IDCS_CLIENT_SECRET": secret,
                       **({k: v or emu.url for k, v in mosaic.items()} if mosaic else {})}.items():
        monkeypatch.setenv(key, value)


def run(tmp_path: Path, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--cwd", str(tmp_path), "doctor", *extra], out, io.StringIO())
    return code, out.getvalue()


def test_a_usable_domain_and_tenant_pass_every_check_with_reads_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: EmulatorServer) -> None:
    environment(monkeypatch, emulator, mosaic=MOSAIC)
    code, text = run(tmp_path, "--json", str(tmp_path / "doctor.json"))
    assert code == 0, text
    checks = [line.split()[2].rstrip(":") for line in text.splitlines()[:-1]]
    assert checks == ["reachable", "token", "apps", "attributes", "etag", "rate", "clock", "token", "applications",
                      "resources"]
    assert all(line.startswith("ok") for line in text.splitlines()[:-1]), text
    assert "client 'idcs-admin-client', client_credentials grant" in text and "attributes: honoured" in text
    assert text.splitlines()[-1] == "10 ok, 0 to note, 0 failed"
    assert json.loads((tmp_path / "doctor.json").read_text())["exitCode"] == 0
    assert {r["method"] for r in emulator.requests_of()} <= {"GET", "POST"}  # POST: the tokens alone
    assert [r for r in emulator.requests_of() if r["method"] == "POST" and "token" not in r["path"]] == []


def test_a_refused_secret_fails_the_token_check_with_the_fix(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: EmulatorServer) -> None:
    environment(monkeypatch, emulator, secret="not-the-secret")
    code, text = run(tmp_path)
    assert code == 1
    failed = [line for line in text.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1 and "token:" in failed[0] and "Check idcs:clientId and idcs:clientSecret" in failed[0]
    assert "not-the-secret" not in text


def test_https_to_a_plain_http_server_fails_reachable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      emulator: EmulatorServer) -> None:
    environment(monkeypatch, emulator)
    monkeypatch.setenv("IDCS_DOMAIN_URL", emulator.url.replace("http://", "https://"))
    code, text = run(tmp_path)
    assert code == 1 and text.startswith("FAIL") and "does not speak TLS" in text.splitlines()[0]


def test_a_missing_permission_fails_its_check_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   emulator: EmulatorServer) -> None:
    environment(monkeypatch, emulator, mosaic={**MOSAIC, "MOSAIC_CLIENT_ID": "mosaic-apps-only-client",
                                               "MOSAIC_CLIENT_SECRET": "emulator-mosaic-apps-only-secret-0008"})
    code, text = run(tmp_path)
    failed = [line for line in text.splitlines() if line.startswith("FAIL")]
    assert code == 1 and len(failed) == 1 and "resources:" in failed[0] and "resources:read" in failed[0]


def test_a_domain_without_etags_is_noted(emulator: EmulatorServer, stack_config: dict[str, object]) -> None:
    emulator.set_faults({"etags": False})
    findings = list(doctor.idcs_findings(Context(stack_config, {}).idcs()))
    etag = next(f for f in findings if f.check == "etag")
    assert etag.status == doctor.WARN and "without If-Match" in etag.detail


def test_a_skewed_clock_fails_with_the_fix(emulator: EmulatorServer, stack_config: dict[str, object]) -> None:
    later = time.time() + 3600  # this machine an hour ahead: an injected clock, no wall-clock assertion
    findings = list(doctor.idcs_findings(Context(stack_config, {}).idcs(), now=lambda: later))
    clock = next(f for f in findings if f.check == "clock")
    assert clock.status == doctor.FAIL and "ahead of the domain's" in clock.detail and "NTP" in clock.detail


def test_an_odd_answer_is_noted_never_a_traceback() -> None:
    """A proxy's page where JSON was expected, a Date that is no HTTP date: a line each, no exception."""
    import requests
    odd = requests.Response()
    odd.status_code, odd._content, odd.headers["Date"] = 200, b"<html>maintenance</html>", "yesterday"
    assert doctor.json_object(odd) == {}
    clock = doctor._clock(lambda check, status, detail: doctor.Finding("d", check, status, detail), odd, time.time())
    assert clock.status == doctor.WARN and "'yesterday' is not an HTTP date" in clock.detail

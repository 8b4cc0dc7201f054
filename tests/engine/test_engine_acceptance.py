"""The acceptance lane (`make acceptance`, scripts/acceptance) run against an emulator started as if it were a real
domain, so that the lane a maintainer runs against a tenant cannot rot: every scenario passes, the app ends as it
began, even after a failure, and without the domain's variables it says what to set."""

from __future__ import annotations

import os
import subprocess

import requests
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE
from engine import ROOT, cli_path, need
from idcs_emulator import EmulatorServer

REFRESH_CLIENT, SCOPE = "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5", "https://resource-owner.example.com/read offline_access"
MOSAIC_CLIENT = "mosaic-demo-client"


def lane(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    need("yaml")  # set up before the lane runs, as scripts/acceptance asks for it
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("IDCS_", "MOSAIC_"))}
    return subprocess.run([str(ROOT / "scripts" / "acceptance")], env={**clean, "PATH": cli_path(), **env},
                          capture_output=True, text=True, timeout=900)


def domain(emu: EmulatorServer) -> dict[str, str]:
    return {"IDCS_DOMAIN_URL": emu.url, "IDCS_CLIENT_ID": ADMIN_ID, "IDCS_CLIENT_SECRET": ADMIN_SECRET,
            "IDCS_ACCEPTANCE_APP": "MobileApp"}


def lifetimes(emu: EmulatorServer) -> tuple[int, int]:
    app = emu.domain.apps[MOBILE]
    return app["accessTokenExpiry"], app["refreshTokenExpiry"]


def test_every_scenario_passes_and_the_app_ends_as_it_began(emulator: EmulatorServer) -> None:
    before = lifetimes(emulator)
    seed = requests.post(emulator.url + "/_emulator/refresh-tokens", json={"clientId": REFRESH_CLIENT,
                                                                           "scope": SCOPE}, timeout=5).json()
    mosaic_before = dict(emulator.mosaic.clients[MOSAIC_CLIENT]["token_expiration"])
    done = lane({**domain(emulator), "IDCS_ACCEPTANCE_REFRESH_CLIENT": REFRESH_CLIENT,
                 "IDCS_ACCEPTANCE_REFRESH_TOKEN": seed["refresh_token"], "IDCS_ACCEPTANCE_REFRESH_SCOPE": SCOPE,
                 "MOSAIC_BASE_URL": emulator.url, "MOSAIC_CLIENT_ID": "mosaic-admin-client",
                 "MOSAIC_CLIENT_SECRET": "emulator-mosaic-admin-secret-0007",
                 "MOSAIC_ACCEPTANCE_CLIENT": f"mosaic-demo-app/{MOSAIC_CLIENT}"})
    assert done.returncode == 0, done.stdout + done.stderr
    ran = [line.split(None, 1)[1] for line in done.stdout.splitlines() if line.startswith("ok ")]
    assert ran == ["adopt", "change", "drift", "refresh", "un-manage with restore", "import", "refresh-grant check",
                   "Mosaic adopt", "Mosaic change", "Mosaic drift", "Mosaic un-manage with restore"]
    assert seed["refresh_token"] not in done.stdout + done.stderr
    assert lifetimes(emulator) == before
    assert emulator.mosaic.clients[MOSAIC_CLIENT]["token_expiration"] == mosaic_before


def test_a_failed_scenario_fails_the_lane_and_still_puts_the_app_back(emulator: EmulatorServer) -> None:
    before = lifetimes(emulator)
    emulator.set_faults({"clamp": {"accessTokenExpiry": before[0] + 30}})  # the domain keeps less than was sent
    done = lane(domain(emulator))
    assert done.returncode == 1
    assert "FAIL  adopt:" in done.stdout and "did not store the values sent" in done.stdout, done.stdout
    assert "skip  Mosaic scenarios: need MOSAIC_BASE_URL" in done.stdout  # named, and no failure of its own
    assert lifetimes(emulator) == before  # the clamped value the failed up left was put back


def test_without_the_domain_it_says_what_to_set() -> None:
    done = lane({})
    assert done.returncode == 2
    assert done.stderr.startswith("acceptance: set IDCS_DOMAIN_URL, IDCS_CLIENT_ID, IDCS_CLIENT_SECRET, "
                                  "IDCS_ACCEPTANCE_APP")

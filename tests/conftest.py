"""Shared fixtures: a fresh emulator per test and the connection settings that reach it; and the tiers.

Each directory is a tier, and marks its tests with its name (`pytest -m unit`, `-m "not engine"`):
  unit/     in-process: the emulator, the clients, the lifecycles, the tools and rules (`make check`)
  plugin/   the provider servers the engine starts (the dynamic provider's and pulumi-resource-idcs), over gRPC
  engine/   the real `pulumi` CLI: programs in every language against the emulator
  release/  what a release publishes, the generated SDKs, the install step and the pipelines, with the toolchains
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from idcs_emulator import EmulatorServer

# Every pulumi command (the Automation API's `pulumi version` too) writes logs under PULUMI_HOME, ~/.pulumi by
# default: tests run directly with pytest keep them in the project, as scripts/test does.
os.environ.setdefault("PULUMI_HOME", str(Path(__file__).resolve().parents[1] / ".state" / "pulumi-home"))

TIERS = ("unit", "plugin", "engine", "release")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its directory's tier."""
    for item in items:
        tier = item.path.parent.name
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))


ADMIN_ID = "idcs-admin-client"
ADMIN_SECRET = "emulator-admin-secret-0004"
RESOURCE_OWNER = "9fc12da9eecd4927a9ef88512ce5612e"
RESOURCE_OWNER_NAME = "3fd7476a48a94381bd5e1bc88cc92021"
MOBILE = "5b0c1b7e6a2d4f8e9c3a1d2e4f6a8b0c"
PARTNER = "c2e4a6b8d0f24e6a8c0e2a4c6e8a0c2e"
PARTNER_DISPLAY = 'Partner "Beta" Portal'


def demo_secrets() -> list[str]:
    """Every secret the demo domain holds: none may ever show up in state, logs or errors."""
    seed = json.loads(resources.files("idcs_emulator").joinpath("demo_domain.json").read_text())
    found = [c["clientSecret"] for c in seed["adminClients"]]
    found += [a["clientSecret"] for a in seed["apps"] if a.get("clientSecret")]
    found += [c["client_secret"] for c in (*seed["mosaicClients"], *seed["mosaicManagementApps"])]
    return found


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory every parallel worker of this run shares (pytest's own, pruned with it): for what is made once a
    run rather than once a worker."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session", autouse=True)
def _shared_stack_seeds(run_dir: Path) -> None:
    """New stacks of a project are copies of the run's first one (tests/engine.py `Seeds`), whichever worker made it."""
    import engine  # tests/engine.py, the Automation API harness (not the tests/engine tier)

    engine.SEEDS.share(run_dir / "stack-seeds")


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer() as emu:
        yield emu


@pytest.fixture
def stack_config(emulator: EmulatorServer) -> dict[str, Any]:
    """What the engine passes to configure(): the whole stack config, secrets unwrapped."""
    return {"idcs:domainUrl": emulator.url, "idcs:clientId": ADMIN_ID, "idcs:clientSecret": ADMIN_SECRET,
            "idcs:maxRequestsPerSecond": "1000"}

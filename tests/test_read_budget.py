"""Request counts per operation: one GET for a lone app, a listing instead of hundreds of GETs for many."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from idcs_emulator import Domain, EmulatorServer
from idcs_emulator.generate import demo_seed, generated_app_id, with_generated_apps
from provider_server import DIFF_NONE, ProviderServer


def config(emu: EmulatorServer) -> dict[str, Any]:
    return {"idcs:domainUrl": emu.url, "idcs:clientId": "idcs-admin-client",
            "idcs:clientSecret": "emulator-admin-secret-0004", "idcs:maxRequestsPerSecond": "1000"}


def test_preview_of_many_unchanged_apps_costs_a_handful_of_requests() -> None:
    """120 managed apps in a domain of 150: the preview's diffs, run on the server's 4 threads as the engine does."""
    with EmulatorServer(Domain(with_generated_apps(demo_seed(), 146))) as emu:
        inputs = [{"appId": generated_app_id(i), "accessTokenExpiry": 3600, "onDelete": "retain"} for i in range(120)]
        with ProviderServer(config(emu)) as server:
            created = [server.create(server.check(i).inputs) for i in inputs]
        emu.clear_requests()
        with ProviderServer(config(emu)) as server, ThreadPoolExecutor(4) as pool:  # a new run, a new process
            results = list(pool.map(lambda c: server.diff(c[0][0], c[0][1], c[1]).changes,
                                    zip(created, inputs, strict=True)))
        assert results == [DIFF_NONE] * 120
        counts = Counter(r["kind"] for r in emu.requests_of())
        assert counts["token"] == 1 and counts["list"] == 1 and counts["patch"] == 0
        assert sum(counts.values()) <= 10, counts
        assert all(r["query"].get("attributes") for r in emu.requests_of() if r["kind"] in ("get", "list"))


def test_a_stack_of_one_app_costs_one_get() -> None:
    with EmulatorServer() as emu:
        inputs = {"appId": "5b0c1b7e6a2d4f8e9c3a1d2e4f6a8b0c", "accessTokenExpiry": 3600, "onDelete": "retain"}
        with ProviderServer(config(emu)) as server:
            id_, outs = server.create(server.check(inputs).inputs)
        emu.clear_requests()
        with ProviderServer(config(emu)) as server:
            assert server.diff(id_, outs, inputs).changes == DIFF_NONE
        assert [r["kind"] for r in emu.requests_of()] == ["token", "get"]


def test_listing_sees_drift_and_patches_land_in_it() -> None:
    with EmulatorServer(Domain(with_generated_apps(demo_seed(), 10))) as emu:
        ids = [generated_app_id(i) for i in range(10)]
        with ProviderServer(config(emu)) as server:
            for app_id in ids:  # after two single reads the rest come from the listing
                server.create(server.check({"appId": app_id, "accessTokenExpiry": 1800}).inputs)
            assert all(emu.domain.apps[a]["accessTokenExpiry"] == 1800 for a in ids)
            counts = Counter(r["kind"] for r in emu.requests_of())
            assert counts["patch"] == 10 and counts["get"] == 2 and counts["list"] == 1

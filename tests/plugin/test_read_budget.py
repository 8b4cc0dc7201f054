"""Request counts per operation: one GET for a lone app, a listing instead of hundreds of GETs for many, and reads
bounded by the stack, never by the domain: at most twice the fewest requests (min(N, ceil(M / 1000)) reads and a
token) plus two, for N apps of a domain of M."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from idcs_emulator import Domain, EmulatorServer
from idcs_emulator.generate import demo_seed, generated_app_id, with_generated_apps
from provider_server import DIFF_NONE, DIFF_SOME, ProviderServer


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
        assert counts["token"] == 1 and counts["get"] == 2 and counts["list"] == 2  # two reads, a probe, one page
        assert counts["patch"] == 0
        assert sum(counts.values()) <= 10, counts
        assert all(r["query"].get("attributes") for r in emu.requests_of() if r["kind"] in ("get", "list"))


def test_a_stack_of_one_app_costs_one_get_that_sees_drift() -> None:
    with EmulatorServer() as emu:
        inputs = {"appId": "5b0c1b7e6a2d4f8e9c3a1d2e4f6a8b0c", "accessTokenExpiry": 3600, "onDelete": "retain"}
        with ProviderServer(config(emu)) as server:
            id_, outs = server.create(server.check(inputs).inputs)
        emu.clear_requests()
        with ProviderServer(config(emu)) as server:
            assert server.diff(id_, outs, inputs).changes == DIFF_NONE
        assert [r["kind"] for r in emu.requests_of()] == ["token", "get"]
        emu.domain.change_app(inputs["appId"], {"accessTokenExpiry": 60})
        emu.clear_requests()
        with ProviderServer(config(emu)) as server:  # the one GET is what the diff is judged on
            assert server.diff(id_, outs, inputs).changes == DIFF_SOME
        assert [r["kind"] for r in emu.requests_of()] == ["token", "get"]


def test_listing_sees_drift_and_patches_land_in_it() -> None:
    with EmulatorServer(Domain(with_generated_apps(demo_seed(), 10))) as emu:
        ids = [generated_app_id(i) for i in range(10)]
        with ProviderServer(config(emu)) as server:
            for app_id in ids:  # after two single reads the rest come from the listing
                server.create(server.check({"appId": app_id, "accessTokenExpiry": 1800}).inputs)
            assert all(emu.domain.apps[a]["accessTokenExpiry"] == 1800 for a in ids)
            counts = Counter(r["kind"] for r in emu.requests_of())
            assert counts["patch"] == 10 and counts["get"] == 2 and counts["list"] == 2  # two reads, a probe, a page
            listed = [r for r in emu.requests_of("list") if r["query"].get("count") == "1000"]
            assert "meta.version" in listed[0]["query"]["attributes"]
            assert all(r["headers"].get("If-Match") for r in emu.requests_of("patch")[1:])  # versions from the listing


@pytest.mark.parametrize(("apps", "domain"), [(1, 600), (3, 9_500), (3, 100_000), (12, 12_000), (200, 2_500),
                                             (200, 20_000), (60, 50_000)])
def test_a_preview_costs_at_most_twice_the_cheapest_reads_plus_two(apps: int, domain: int) -> None:
    pages = -(-(domain + 4) // 1000)  # the demo domain's 4 apps and the generated ones
    with EmulatorServer(Domain(with_generated_apps(demo_seed(), domain))) as emu:
        ids = [generated_app_id(i) for i in range(apps)]
        news = [{"appId": a, "accessTokenExpiry": 3600, "onDelete": "retain"} for a in ids]
        outs = [{**n, "identifiedBy": "appId", "domainUrl": emu.url, "originalAccessTokenExpiry": 3600} for n in news]
        with ProviderServer(config(emu)) as server, ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda c: server.diff(c[0]["appId"], c[0], c[1]).changes,
                                    zip(outs, news, strict=True)))
    assert results == [DIFF_NONE] * apps
    fewest = min(apps, pages) + 1  # reads, and the token
    assert len(emu.requests_of()) <= 2 * fewest + 2, Counter(r["kind"] for r in emu.requests_of())
    assert len(emu.requests_of("token")) == 1

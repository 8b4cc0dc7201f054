"""Benchmark: request counts, bytes and wall time per operation, at several stack sizes, side by side with the
whole-app approach (full GET and full PUT of every app) on the same emulator, latency and rate limit.

    .venv/bin/python bench/run.py --sizes 1,10,100,500 --latency-ms 50 --domain-rate 20

Four views of each size N (a domain of max(N, 600) apps):
  engine    the real `pulumi` CLI with the dynamic provider: up (adopt + change), preview of the unchanged stack,
            up changing every app, refresh; the stack's state size and one `__provider` blob.
  plugin    the same program through the plugin pulumi-resource-idcs (the generated pulumi_idcs_native SDK).
  provider  the same preview/update/refresh through the dynamic-provider gRPC server alone (4 threads, as the
            engine drives it), so engine overhead and ours are told apart.
  whole-app a client doing what whole-app providers do: preview = full GET of each app; update = full GET + PUT.
Results go to stdout as a Markdown table and to bench/results.json. `--domain-axis` measures instead the preview's
cost by domain size (M = 2,000, 10,000, 100,000) and stack size (N = 1, 100, 1,000): the dynamic door (which cannot
know the stack's apps: the read rule lists the domain), the plugin (which reads its checkpoint: the stack's apps
in batched searches), the N apps read alone (one GET each: the byte bound's yardstick), and the whole-app approach.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from engine import isolated_env, pulumi_command  # noqa: E402
from idcs_emulator import Domain, EmulatorServer  # noqa: E402
from idcs_emulator.generate import demo_seed, generated_app_id, with_generated_apps  # noqa: E402
from provider_server import ProviderServer  # noqa: E402
from pulumi import automation as auto  # noqa: E402
from pulumi_idcs_provider import app_token_expiry  # noqa: E402
from pulumi_idcs_provider.apps import APP_ATTRIBUTES  # noqa: E402
from pulumi_idcs_provider.context import Context  # noqa: E402
from pulumi_idcs_provider.pacing import RateLimiter  # noqa: E402

ADMIN = ("idcs-admin-client", "emulator-admin-secret-0004")
PROGRAM = '''
import pulumi
import pulumi_idcs as idcs
from idcs_emulator.generate import generated_app_id

cfg = pulumi.Config()
for i in range(int(cfg.require("count"))):
    idcs.AppTokenExpiry(f"app-{i}", app_id=generated_app_id(i), access_token_expiry=cfg.require("access"))
'''
PLUGIN_PROGRAM = PROGRAM.replace("import pulumi_idcs as idcs", "import pulumi_idcs_native as idcs")
PLUGIN = f"plugins:\n  providers:\n    - name: idcs\n      path: {ROOT / '.venv' / 'bin'}\n"


def measure(emu: EmulatorServer, action: Callable[[], Any]) -> dict[str, Any]:
    emu.clear_requests()
    started = time.monotonic()
    action()
    wall = time.monotonic() - started
    log = emu.requests_of()
    kinds = Counter(r["kind"] for r in log)
    return {"wall_s": round(wall, 2), "requests": len(log), "by_kind": dict(kinds),
            "bytes": sum(r["bytesIn"] + r["bytesOut"] for r in log),
            "read_bytes": sum(r["bytesIn"] + r["bytesOut"] for r in log if r["kind"] != "token"),
            "largest_read_bytes": max((r["bytesOut"] for r in log if r["kind"] == "get"), default=0),
            "status_429": sum(1 for r in log if r.get("status") == 429)}


def config(emu: EmulatorServer, rate: float) -> dict[str, str]:
    return {"idcs:domainUrl": emu.url, "idcs:clientId": ADMIN[0], "idcs:clientSecret": ADMIN[1],
            "idcs:maxRequestsPerSecond": str(rate)}


def engine_view(emu: EmulatorServer, n: int, rate: float, tmp: Path, plugin: bool = False) -> dict[str, Any]:
    work = tmp / "program"
    work.mkdir()
    (work / "__main__.py").write_text(PLUGIN_PROGRAM if plugin else PROGRAM)
    (work / "Pulumi.yaml").write_text(
        f"name: bench\nruntime:\n  name: python\n  options:\n    virtualenv: {ROOT / '.venv'}\n"
        + (PLUGIN if plugin else ""))
    ws = auto.LocalWorkspace(work_dir=str(work), pulumi_command=pulumi_command(), env_vars=isolated_env(tmp))
    stack = auto.Stack.create("bench", ws)
    stack.set_all_config({**{k: auto.ConfigValue(v) for k, v in config(emu, rate).items()},
                          "count": auto.ConfigValue(str(n)), "access": auto.ConfigValue("1800")})
    out = {"up_adopt": measure(emu, lambda: stack.up(parallel=10)),
           "preview_unchanged": measure(emu, lambda: stack.preview(expect_no_changes=True, parallel=10))}
    stack.set_config("access", auto.ConfigValue("2700"))
    out["up_change_all"] = measure(emu, lambda: stack.up(parallel=10))
    out["refresh"] = measure(emu, lambda: stack.refresh(parallel=10))
    deployment = stack.export_stack().deployment
    resource = next(r for r in deployment["resources"] if r["type"].endswith("AppTokenExpiry"))
    out["state_bytes"] = len(json.dumps(deployment))
    if not plugin:
        out["provider_blob_bytes"] = len(resource["inputs"]["__provider"])
    return out


def plugin_view(emu: EmulatorServer, n: int, rate: float, tmp: Path) -> dict[str, Any]:
    return engine_view(emu, n, rate, tmp, plugin=True)


def provider_view(emu: EmulatorServer, n: int, rate: float) -> dict[str, Any]:
    ids = [generated_app_id(i) for i in range(n)]
    conf = config(emu, rate)
    with ProviderServer(conf) as server:
        created = [server.create(server.check({"appId": a, "accessTokenExpiry": 1800}).inputs) for a in ids]
    news = [{"appId": a, "accessTokenExpiry": 1800, "onDelete": "retain"} for a in ids]
    changed = [{**x, "accessTokenExpiry": 2700} for x in news]
    out: dict[str, Any] = {}
    with ProviderServer(conf) as server, ThreadPoolExecutor(4) as pool:
        out["preview_unchanged"] = measure(emu, lambda: list(pool.map(
            lambda c: server.diff(c[0][0], c[0][1], c[1]), zip(created, news, strict=True))))
    with ProviderServer(conf) as server, ThreadPoolExecutor(4) as pool:
        out["update_all"] = measure(emu, lambda: list(pool.map(
            lambda c: server.update(c[0][0], c[0][1], c[1]), zip(created, changed, strict=True))))
    with ProviderServer(conf) as server, ThreadPoolExecutor(4) as pool:
        out["refresh"] = measure(emu, lambda: list(pool.map(lambda c: server.read(c[0], c[1]), created)))
    return out


def whole_app_view(emu: EmulatorServer, n: int, rate: float) -> dict[str, Any]:
    session, limiter = requests.Session(), RateLimiter(rate)
    ids = [generated_app_id(i) for i in range(n)]

    def call(method: str, url: str, **kw: Any) -> requests.Response:
        limiter.acquire()
        return session.request(method, url, timeout=30, **kw)

    token = call("POST", emu.url + "/oauth2/v1/token", auth=ADMIN,
                 data={"grant_type": "client_credentials", "scope": "urn:opc:idm:__myscopes__"}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    def read(app_id: str) -> dict[str, Any]:
        return dict(call("GET", f"{emu.url}/admin/v1/Apps/{app_id}", headers=headers).json())

    def update(app_id: str) -> None:
        app = read(app_id)
        app["accessTokenExpiry"] = 2700
        call("PUT", f"{emu.url}/admin/v1/Apps/{app_id}", headers=headers, json=app)

    with ThreadPoolExecutor(4) as pool:
        preview = measure(emu, lambda: list(pool.map(read, ids)))
        emu.clear_requests()
        for app_id in ids:  # what reading just these apps costs, the provider's way: GET with attributes=
            call("GET", f"{emu.url}/admin/v1/Apps/{app_id}", headers=headers, params={"attributes": APP_ATTRIBUTES})
        preview["alone_bytes"] = sum(r["bytesIn"] + r["bytesOut"] for r in emu.requests_of())
        return {"preview_unchanged": preview, "update_all": measure(emu, lambda: list(pool.map(update, ids)))}


def domain_axis(latency_ms: int, rate: float, out: Path) -> None:
    """Preview cost by domain size M and stack size N: both doors, the apps read alone, the whole-app approach,
    in one run."""
    table: dict[str, Any] = {"latency_ms": latency_ms, "domain_rate": rate, "cells": []}
    for m in (2_000, 10_000, 100_000):
        seed = with_generated_apps(demo_seed(), m - len(demo_seed()["apps"]))
        for n in (1, 100, 1_000):
            cell: dict[str, Any] = {"M": m, "N": n, "fewest": min(n, -(-m // 1000)) + 1}
            with EmulatorServer(Domain(seed)) as emu:
                emu.set_faults({"latencyMs": latency_ms, "rateLimit": {"perSecond": int(rate)}})
                cell["dynamic"] = preview_of_existing(emu, n, rate)
                cell["plugin"] = preview_of_existing(emu, n, rate, stack_known=True)
                cell["whole_app"] = whole_app_view(emu, n, rate)["preview_unchanged"]
            cell["alone_bytes"] = cell["whole_app"]["alone_bytes"]
            table["cells"].append(cell)
            print(f"M={m} N={n}: " + ", ".join(f"{k} {cell[k]['requests']} requests {cell[k]['bytes']} B" for k in (
                "dynamic", "plugin", "whole_app")) + f"; alone {cell['alone_bytes']} B", flush=True)
    out.write_text(json.dumps(table, indent=1) + "\n")


def preview_of_existing(emu: EmulatorServer, n: int, rate: float, stack_known: bool = False) -> dict[str, Any]:
    """The diffs of a preview of N unchanged apps (state made up, nothing created), on 4 threads: through the
    dynamic door's server, or (`stack_known`) as the plugin's servicer runs them, its context knowing the stack's
    apps as the plugin learns them from the checkpoint."""
    news = [{"appId": generated_app_id(i), "accessTokenExpiry": 3600, "onDelete": "retain"} for i in range(n)]
    outs = [{**x, "identifiedBy": "appId", "domainUrl": emu.url, "originalAccessTokenExpiry": 3600} for x in news]
    if stack_known:
        ctx = Context(config(emu, rate), {})
        ctx.stack_apps = lambda _url: [x["appId"] for x in news]
        with ThreadPoolExecutor(4) as pool:
            return measure(emu, lambda: list(pool.map(lambda c: app_token_expiry.diff(ctx, c[0]["appId"], *c),
                                                      zip(outs, news, strict=True))))
    with ProviderServer(config(emu, rate)) as server, ThreadPoolExecutor(4) as pool:
        return measure(emu, lambda: list(pool.map(lambda c: server.diff(c[0]["appId"], c[0], c[1]),
                                                  zip(outs, news, strict=True))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,100,500")
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--domain-rate", type=float, default=20.0, help="domain limit, requests per second")
    parser.add_argument("--domain-apps", type=int, default=600)
    parser.add_argument("--views", default="provider,whole_app,engine,plugin",
                        help="which views to run, comma-separated")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--domain-axis", action="store_true",
                        help="preview cost for M = 2,000, 10,000, 100,000 and N = 1, 100, 1,000 (to --out)")
    args = parser.parse_args()
    if args.domain_axis:
        domain_axis(args.latency_ms, args.domain_rate, Path(args.out))
        return
    results: dict[str, Any] = {"latency_ms": args.latency_ms, "domain_rate": args.domain_rate, "sizes": {}}
    for n in (int(x) for x in args.sizes.split(",")):
        row: dict[str, Any] = {}
        views = {"provider": provider_view, "whole_app": whole_app_view, "engine": engine_view,
                 "plugin": plugin_view}
        for view, run in ((v, views[v]) for v in args.views.split(",")):
            seed = with_generated_apps(demo_seed(), max(n, args.domain_apps) - len(demo_seed()["apps"]))
            with EmulatorServer(Domain(seed)) as emu, tempfile.TemporaryDirectory() as tmp:
                emu.set_faults({"latencyMs": args.latency_ms, "rateLimit": {"perSecond": int(args.domain_rate)}})
                row[view] = (run(emu, n, args.domain_rate, Path(tmp)) if view in ("engine", "plugin")  # type: ignore[operator]
                             else run(emu, n, args.domain_rate))  # type: ignore[operator]
            print(f"N={n} {view}: {json.dumps(row[view])}", flush=True)
        results["sizes"][str(n)] = row
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()

"""Throttled domains, measured through the real `pulumi` CLI with default settings (idcs:maxRequestsPerSecond 10):

  per-second  N resources, `pulumi up --parallel 32`, a domain that allows 5 requests a second
  per-minute  three back-to-back runs (adopt, change every app, change again) against a domain that allows 150 a
              minute, as a free identity domain does

    .venv/bin/python bench/throttle.py [--resources 60] [--out bench/throttle.json]

Each run reports its outcome (ok, or the CLI's last error line), wall time, requests and the 429s the domain answered.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from engine import isolated_env, pulumi_command  # noqa: E402
from idcs_emulator import Domain, EmulatorServer  # noqa: E402
from idcs_emulator.generate import demo_seed, with_generated_apps  # noqa: E402
from pulumi import automation as auto  # noqa: E402
from run import ADMIN, PROGRAM  # noqa: E402


def stack_of(emu: EmulatorServer, n: int, tmp: Path) -> auto.Stack:
    work = tmp / "program"
    work.mkdir()
    (work / "__main__.py").write_text(PROGRAM)
    (work / "Pulumi.yaml").write_text(
        f"name: throttle\nruntime:\n  name: python\n  options:\n    virtualenv: {ROOT / '.venv'}\n")
    ws = auto.LocalWorkspace(work_dir=str(work), pulumi_command=pulumi_command(), env_vars=isolated_env(tmp))
    stack = auto.Stack.create("throttle", ws)
    stack.set_all_config({"idcs:domainUrl": auto.ConfigValue(emu.url), "idcs:clientId": auto.ConfigValue(ADMIN[0]),
                          "idcs:clientSecret": auto.ConfigValue(ADMIN[1], secret=True),
                          "count": auto.ConfigValue(str(n)), "access": auto.ConfigValue("1800")})
    return stack


def run(emu: EmulatorServer, stack: auto.Stack, access: str) -> dict[str, Any]:
    stack.set_config("access", auto.ConfigValue(access))
    emu.clear_requests()
    started = time.monotonic()
    try:
        result = stack.up(parallel=32)
        outcome = "ok: " + json.dumps(result.summary.resource_changes)
    except auto.CommandError as e:
        lines = [line.strip() for line in str(e).splitlines() if "error" in line.lower()]
        outcome = "FAILED: " + (lines[-1] if lines else "unknown")
    log = emu.requests_of()
    return {"outcome": outcome, "wall_s": round(time.monotonic() - started, 1), "requests": len(log),
            "status_429": sum(1 for r in log if r.get("status") == 429)}


def scenario(n: int, limit: dict[str, int], changes: list[str]) -> list[dict[str, Any]]:
    seed = with_generated_apps(demo_seed(), n)
    with EmulatorServer(Domain(seed)) as emu, tempfile.TemporaryDirectory() as tmp:
        emu.set_faults({"rateLimit": limit})
        stack = stack_of(emu, n, Path(tmp))
        return [run(emu, stack, access) for access in changes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resources", type=int, default=60)
    parser.add_argument("--out", default=str(ROOT / "bench" / "throttle.json"))
    args = parser.parse_args()
    results = {
        "per_second_5": scenario(args.resources, {"perSecond": 5}, ["1800"]),
        "per_minute_150": scenario(args.resources, {"perMinute": 150}, ["1800", "2700", "3600"]),
    }
    Path(args.out).write_text(json.dumps({"resources": args.resources, **results}, indent=1) + "\n")
    print("| scenario | run | outcome | wall (s) | requests | 429s |\n|---|---|---|---|---|---|")
    for name, runs in results.items():
        for i, r in enumerate(runs, 1):
            print(f"| {name} | {i} | {r['outcome']} | {r['wall_s']} | {r['requests']} | {r['status_429']} |")


if __name__ == "__main__":
    main()

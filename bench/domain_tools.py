"""Benchmark of the whole-domain tools: `pulumi-idcs discover` and `audit` on domains of 600, 10,000 and 50,000 apps
(requests, bytes, wall time), and `pulumi import --file` of 500 discovered apps through the real CLI and the plugin,
in one run, against the emulator with added latency and a domain rate limit.

    .venv/bin/python bench/domain_tools.py --latency-ms 50 --domain-rate 20

Results: a Markdown table on stdout and bench/domain-tools.json; docs/performance.md shows them.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from engine import new_stack
from idcs_emulator import Domain, EmulatorServer
from idcs_emulator.generate import demo_seed, with_generated_apps, with_mixed_apps
from pulumi_idcs_cli.__main__ import main as cli
from run import ADMIN, PLUGIN, ROOT, measure


def domain(apps: int) -> dict[str, Any]:
    """A domain of about `apps` apps: generated OAuth apps, and a mixed tail of every kind (SAML apps too)."""
    return with_mixed_apps(with_generated_apps(demo_seed(), apps - 40), 36)


def tool_run(emu: EmulatorServer, rate: float, argv: list[str]) -> dict[str, Any]:
    env = {"IDCS_DOMAIN_URL": emu.url, "IDCS_CLIENT_ID": ADMIN[0], "IDCS_CLIENT_SECRET": ADMIN[1],
           "IDCS_MAX_REQUESTS_PER_SECOND": str(rate)}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        codes: list[int] = []
        result = measure(emu, lambda: codes.append(cli(argv, io.StringIO(), io.StringIO())))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return {**result, "exit": codes[0]}


def tools_axis(latency_ms: int, rate: float, sizes: list[int], tmp: Path) -> list[dict[str, Any]]:
    rows = []
    for apps in sizes:
        with EmulatorServer(Domain(domain(apps))) as emu:
            emu.set_faults({"latencyMs": latency_ms, "rateLimit": {"perSecond": int(rate)}})
            oauth = sum(1 for a in emu.domain.apps.values() if a.get("isOAuthClient") or a.get("isOAuthResource"))
            for command in ("discover", "audit"):
                argv = [command, "-o", str(tmp / "import.json")] if command == "discover" else [command]
                row = {"apps": len(emu.domain.apps), "oauth_apps": oauth, "command": command,
                       **tool_run(emu, rate, argv), "budget": math.ceil(oauth / 1000) + 2}
                rows.append(row)
                print(json.dumps(row), file=sys.stderr)
    return rows


def import_run(latency_ms: int, rate: float, tmp: Path, count: int = 500) -> dict[str, Any]:
    """discover, then `pulumi import --file` of `count` apps into a YAML program on the plugin."""
    with EmulatorServer(Domain(with_generated_apps(demo_seed(), count))) as emu:
        emu.set_faults({"latencyMs": latency_ms, "rateLimit": {"perSecond": int(rate)}})
        tool_run(emu, rate, ["discover", "--filter", 'displayName sw "bench-app-"', "-o", str(tmp / "imp.json")])
        work = tmp / "import"
        work.mkdir()
        (work / "Pulumi.yaml").write_text(f"name: bench-import\nruntime: yaml\n{PLUGIN}")
        stack = new_stack(tmp, work, {"idcs:domainUrl": (emu.url, False), "idcs:clientId": (ADMIN[0], False),
                                      "idcs:clientSecret": (ADMIN[1], True),
                                      "idcs:maxRequestsPerSecond": (str(rate), False)})
        done: list[subprocess.CompletedProcess[str]] = []
        result = measure(emu, lambda: done.append(subprocess.run(
            ["pulumi", "import", "--file", str(tmp / "imp.json"), "--yes", "--non-interactive",
             "--out", str(tmp / "code.yaml"), "--stack", "test"], cwd=work, capture_output=True, text=True,
            env={**os.environ, **stack.workspace.env_vars}, timeout=3600)))
        imported = sum(1 for r in stack.export_stack().deployment["resources"]
                       if r["type"] == "idcs:index:AppTokenExpiry")
        return {**result, "apps": count, "imported": imported, "exit": done[0].returncode}


def markdown(rows: list[dict[str, Any]], imported: dict[str, Any]) -> str:
    lines = ["| domain apps (OAuth) | command | requests (budget) | bytes | wall (s) | exit |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {r['apps']:,} ({r['oauth_apps']:,}) | {r['command']} | {r['requests']} ({r['budget']}) | "
              f"{r['bytes'] / 1e6:.2f} MB | {r['wall_s']} | {r['exit']} |" for r in rows]
    lines += ["", "| operation | requests | bytes | wall (s) | imported |", "|---|---|---|---|---|",
              f"| `pulumi import --file` of {imported['apps']} discovered apps (plugin, YAML) | {imported['requests']} "
              f"| {imported['bytes'] / 1e6:.2f} MB | {imported['wall_s']} | {imported['imported']} |"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--domain-rate", type=float, default=20.0)
    parser.add_argument("--sizes", default="600,10000,50000")
    parser.add_argument("--out", default=str(ROOT / "bench" / "domain-tools.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = tools_axis(args.latency_ms, args.domain_rate, [int(s) for s in args.sizes.split(",")], Path(tmp))
        imported = import_run(args.latency_ms, args.domain_rate, Path(tmp))
    Path(args.out).write_text(json.dumps({"latency_ms": args.latency_ms, "domain_rate": args.domain_rate,
                                          "tools": rows, "import": imported}, indent=2) + "\n")
    print(markdown(rows, imported))


if __name__ == "__main__":
    main()

"""pulumi-idcs: the whole identity domain at a glance.

  pulumi-idcs discover [-o FILE] [--filter SCIM] [--exclude PATTERN]...
      a `pulumi import --file` document adopting every OAuth app, and every Mosaic custom resource when Mosaic is
      configured (then: pulumi import --file FILE)
  pulumi-idcs audit [--policy-config FILE] [--stack-state FILE]... [--json FILE] [--all-connections]
      every lifetime of those against the policy pack's bounds, worst first (exit 0 clean, 1 a violation, 3 an
      error)
  pulumi-idcs doctor [--json FILE]
      a read-only preflight of every configured connection: reachable, TLS, a token, the roles reads can tell,
      attributes= honoured, ETags, rate-limit headers, the clock (exit 0 all usable, 1 a check failed)
  pulumi-idcs gate ...
      the pipeline gate (pulumi-idcs-gate: policies, then drift)

Configuration: in a Pulumi project with a selected stack, that stack's config (idcs:domainUrl, idcs:clientId,
idcs:clientSecret, idcs:connections, idcs:mosaic*, ...); else, or for what the stack leaves unset, the environment
(IDCS_DOMAIN_URL, IDCS_CLIENT_ID, IDCS_CLIENT_SECRET, IDCS_AUTH_METHOD, MOSAIC_BASE_URL, ...), as in
docs/installation-configuration.md. Progress goes to stderr; the result to stdout (or the file given).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TextIO

from pulumi import automation as auto
from pulumi_idcs_provider.context import Context
from pulumi_idcs_provider.errors import IdcsError
from pulumi_idcs_provider.settings import MOSAIC_KEYS, connection_names

from . import audit, discover, doctor
from .scan import Found, scan, scan_mosaic

CLEAN, VIOLATION, ERROR = 0, 1, 3


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pulumi-idcs", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="{discover,audit,doctor,gate}")
    found = commands.add_parser("discover", help="a pulumi import --file document for every OAuth app")
    found.add_argument("-o", "--output", help="write it to this file (default: stdout)")
    for sub in (found, judged := commands.add_parser("audit", help="every OAuth app's lifetimes against the bounds")):
        sub.add_argument("--filter", help='a SCIM filter the domain applies, e.g. \'displayName sw "payments"\'')
        sub.add_argument("--exclude", action="append", default=[],
                         help="leave out apps whose display name, name or id matches (shell-style, repeatable)")
    judged.add_argument("--policy-config", help="the policy pack config file the pipeline uses (its bounds)")
    judged.add_argument("--stack-state", action="append", default=[],
                        help="a `pulumi stack export` file: its apps count as managed (repeatable)")
    judged.add_argument("--json", help="also write the rows as JSON to this file")
    judged.add_argument("--all-connections", action="store_true",
                        help="also every domain of idcs:connections, concurrently (each within its own rate limit)")
    checked = commands.add_parser("doctor", help="a read-only preflight of every configured connection")
    checked.add_argument("--json", help="also write the findings as JSON to this file")
    parser.add_argument("--cwd", default=".", help="the Pulumi project whose selected stack configures the domain")
    commands.add_parser("gate", help="the pipeline gate: pulumi-idcs gate --help", add_help=False)
    return parser.parse_args(argv)


def progress(stream: TextIO, label: str, clock: Callable[[], float] = time.monotonic) -> Callable[[int, int], None]:
    """A progress line on `stream` (a terminal only), drawn once an operation has taken a second."""
    started = clock()

    def show(done: int, total: int) -> None:
        if stream.isatty() and clock() - started >= 1:
            stream.write(f"\r{label}: {done}/{total}" + ("\n" if done >= total else ""))
            stream.flush()
    return show


def project_config(cwd: str) -> dict[str, Any]:
    """The selected stack's config of the Pulumi project in `cwd` ({} outside a project or without a stack)."""
    if not (Path(cwd) / "Pulumi.yaml").is_file():
        return {}
    workspace = auto.LocalWorkspace(work_dir=cwd)
    stack = workspace.stack()
    return {} if stack is None else {k: v.value for k, v in workspace.get_all_config(stack.name).items()}


def mosaic_configured(config: dict[str, Any]) -> bool:
    """Whether a Mosaic tenant is configured at all (a half-configured one is an error, not a skip)."""
    return any(config.get(key) or os.environ.get(var) for key, var in MOSAIC_KEYS.values())


def found(ctx: Context, args: argparse.Namespace, config: dict[str, Any], stderr: TextIO) -> list[tuple[str, Found]]:
    """(domain, object) of the stack's domain (and each connection's with --all-connections, concurrently), then of
    the Mosaic tenant; --exclude applied."""
    names: list[str | None] = [None, *(connection_names(config) if getattr(args, "all_connections", False) else [])]
    clients = [ctx.idcs(name) for name in names]
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        scans = list(pool.map(lambda c: scan(c, args.filter, progress(stderr, f"reading {c.settings.domain_url}")),
                              clients))
    pairs = [(c.settings.domain_url, a) for c, apps in zip(clients, scans, strict=True) for a in apps]
    if mosaic_configured(config):
        mosaic = ctx.mosaic()
        pairs += [(mosaic.settings.base_url, r) for r in scan_mosaic(mosaic)]
    return [(d, a) for d, a in pairs if not discover.excluded(a, args.exclude)]


def main(argv: list[str] | None = None, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["gate"]:
        from pulumi_idcs_gate.__main__ import main as gate
        return gate(argv[1:])
    args = parse(argv)
    if args.command == "doctor":
        return run_doctor(args, stdout, stderr)
    try:
        config = project_config(args.cwd)
        pairs = found(Context(config, os.environ), args, config, stderr)
        if args.command == "discover":
            def left_out(app: Found, why: str) -> None:
                stderr.write(f"pulumi-idcs discover: left out {app.display_name or app.name} ({app.id}): "
                             f"{' '.join(why.split())}\n")
            text = json.dumps(discover.import_document((a for _, a in pairs), left_out=left_out), indent=2) + "\n"
            if args.output:
                Path(args.output).write_text(text)
            else:
                stdout.write(text)
            return CLEAN
        policy = json.loads(Path(args.policy_config).read_text()) if args.policy_config else {}
        exports = [json.loads(Path(f).read_text()) for f in args.stack_state]
        rows = audit.judge(pairs, policy, audit.managed_apps(exports))
    except (IdcsError, OSError, ValueError, auto.errors.CommandError) as e:
        stderr.write(f"pulumi-idcs {args.command}: {str(e).strip()}\n")
        return ERROR
    code = VIOLATION if any(r.bound for r in rows) else CLEAN
    domains = list(dict.fromkeys(d for d, _ in pairs))
    report = audit.markdown(rows, domains)
    stdout.write(report)
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(report)
    if args.json:
        audit.write_json(rows, Path(args.json), domains, code)
    return code


def run_doctor(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Every connection the stack (or the environment) configures, checked with reads only."""
    try:
        config = project_config(args.cwd)
    except (OSError, auto.errors.CommandError) as e:
        stderr.write(f"pulumi-idcs doctor: {str(e).strip()}\n")
        return ERROR
    findings = doctor.run(Context(config, os.environ), [None, *connection_names(config)], mosaic_configured(config))
    stdout.writelines(f.line() + "\n" for f in findings)
    counts = doctor.summary(findings)
    stdout.write(f"{counts['ok']} ok, {counts['warn']} to note, {counts['fail']} failed\n")
    code = doctor.exit_code(findings)
    if args.json:
        Path(args.json).write_text(json.dumps({"exitCode": code, **counts, "findings": doctor.as_json(findings)},
                                              indent=2) + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())

"""pulumi-idcs: the whole identity domain at a glance.

  pulumi-idcs discover [-o FILE] [--filter SCIM] [--exclude PATTERN]...
      a `pulumi import --file` document adopting every OAuth app (then: pulumi import --file FILE)
  pulumi-idcs audit [--policy-config FILE] [--stack-state FILE]... [--json FILE]
      every OAuth app's lifetimes against the policy pack's bounds, worst first (exit 0 clean, 1 a violation,
      3 an error)
  pulumi-idcs gate ...
      the pipeline gate (pulumi-idcs-gate: policies, then drift)

The domain: IDCS_DOMAIN_URL, IDCS_CLIENT_ID, IDCS_CLIENT_SECRET (or IDCS_AUTH_METHOD and what it needs), as in the
README's configuration table. Progress goes to stderr; the result to stdout (or the file given).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from pulumi_idcs_provider.client import IdcsClient
from pulumi_idcs_provider.errors import IdcsError
from pulumi_idcs_provider.settings import from_config

from . import audit, discover
from .scan import scan

CLEAN, VIOLATION, ERROR = 0, 1, 3


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pulumi-idcs", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="{discover,audit,gate}")
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


def main(argv: list[str] | None = None, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["gate"]:
        from pulumi_idcs_gate.__main__ import main as gate
        return gate(argv[1:])
    args = parse(argv)
    try:
        settings = from_config({}, os.environ)
        apps = scan(IdcsClient(settings), args.filter, progress(stderr, "reading the domain's apps"))
        apps = [a for a in apps if not discover.excluded(a, args.exclude)]
        if args.command == "discover":
            text = json.dumps(discover.import_document(apps), indent=2) + "\n"
            if args.output:
                Path(args.output).write_text(text)
            else:
                stdout.write(text)
            return CLEAN
        policy = json.loads(Path(args.policy_config).read_text()) if args.policy_config else {}
        exports = [json.loads(Path(f).read_text()) for f in args.stack_state]
        rows = audit.judge(apps, audit.bounds_of(policy), audit.managed_apps(exports))
    except (IdcsError, OSError, ValueError) as e:
        stderr.write(f"pulumi-idcs {args.command}: {e}\n")
        return ERROR
    code = VIOLATION if any(r.bound for r in rows) else CLEAN
    report = audit.markdown(rows, settings.domain_url)
    stdout.write(report)
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(report)
    if args.json:
        audit.write_json(rows, Path(args.json), settings.domain_url, code)
    return code


if __name__ == "__main__":
    sys.exit(main())

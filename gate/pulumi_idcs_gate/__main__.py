"""`pulumi-idcs-gate` (and scripts/gate): run it in the program's directory with the stack selected (or PULUMI_STACK
set), as a pipeline job does.

Exit codes: 0 policies pass and the domain matches the program; 1 drift or pending changes; 2 a mandatory policy
was violated; 3 anything else (the CLI, credentials, the network, a bad program).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pulumi import automation as auto

from .collect import collect
from .report import as_json, build, exit_code, markdown

#: The policy pack of this repository, when the gate runs from a checkout.
REPO_PACK = Path(__file__).resolve().parents[2] / "policy" / "pack"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pulumi-idcs-gate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--policy-pack", default=os.environ.get("PULUMI_IDCS_POLICY_PACK") or str(REPO_PACK))
    parser.add_argument("--policy-config", action="append", default=[], help="a policy pack config file")
    parser.add_argument("--stack", default=os.environ.get("PULUMI_STACK"), help="default: the selected stack")
    parser.add_argument("--cwd", default=".", help="the program's directory")
    parser.add_argument("--report", help="also write the Markdown report to this file")
    parser.add_argument("--json", help="write the report as JSON to this file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    workspace = auto.LocalWorkspace(work_dir=args.cwd)
    name = args.stack or (workspace.stack() or {}).name  # type: ignore[union-attr]
    stack = auto.Stack.select(str(name), workspace)
    found = collect(stack, [args.policy_pack], args.policy_config)
    rows, checks = build(found)
    code = exit_code(found, rows)
    text = markdown(str(name), code, rows, checks, found.error)
    print(text)
    for target in filter(None, (args.report, os.environ.get("GITHUB_STEP_SUMMARY"))):
        with open(target, "a", encoding="utf-8") as out:
            out.write(text + "\n")
    if args.json:
        Path(args.json).write_text(as_json(str(name), code, rows, checks, found.error) + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())

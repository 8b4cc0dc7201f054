"""`pulumi-idcs-gate` (and scripts/gate): run it in the program's directory with the stack selected (or PULUMI_STACK
set), as a pipeline job does.

Exit codes: 0 policies pass and the domain matches the program; 1 drift or pending changes; 2 a mandatory policy
was violated; 3 anything else (the CLI, credentials, the network, a bad program, a stack that cannot be found). Every
exit writes its report (and its JSON with --json), a failure with its reason on one line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from pulumi import automation as auto
from pulumi_idcs_policy.rules import config_problems
from pulumi_idcs_provider import spelling

from .collect import Findings, collect, one_line
from .pack import policy_pack
from .report import as_json, build, exit_code, markdown


class GateError(Exception):
    """What keeps the gate from running, in one line a pipeline log shows."""


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pulumi-idcs-gate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--policy-pack", default=os.environ.get("PULUMI_IDCS_POLICY_PACK"),
                        help="a policy pack directory (default: the pack of this pulumi-idcs)")
    parser.add_argument("--policy-config", action="append", default=[], help="a policy pack config file")
    parser.add_argument("--stack", default=os.environ.get("PULUMI_STACK"), help="default: the selected stack")
    parser.add_argument("--cwd", default=".", help="the program's directory")
    parser.add_argument("--report", help="also write the Markdown report to this file (replaced if it exists)")
    parser.add_argument("--json", help="write the report as JSON to this file")
    return parser.parse_args(argv)


def select(args: argparse.Namespace) -> auto.Stack:
    """The stack to judge, or a GateError saying why there is none."""
    if not Path(args.cwd).is_dir():
        raise GateError(f"--cwd {args.cwd}: no such directory (give the program's directory)")
    workspace = auto.LocalWorkspace(work_dir=args.cwd)
    name = args.stack
    if not name:
        summary = workspace.stack()
        if summary is None:
            raise GateError("no stack selected: pass --stack NAME, set PULUMI_STACK, or run `pulumi stack select`")
        name = summary.name
    try:
        return auto.Stack.select(str(name), workspace)
    except auto.StackNotFoundError:
        raise GateError(f"no stack {name} in this project's backend: check --stack / PULUMI_STACK and "
                        "PULUMI_BACKEND_URL (or `pulumi login`)") from None


def check_policy_configs(files: list[str]) -> None:
    """Each --policy-config file, judged before anything runs: the engine ignores an unknown key (and so would
    leave its bound unenforced), and a minimum above its maximum would make every app "violate"."""
    for name in files:
        try:
            document = json.loads(Path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise GateError(f"--policy-config {name}: {one_line(str(e))}") from None
        with spelling.json_spelling():  # the files are JSON: quote values as JSON does
            problems = config_problems(document) if isinstance(document, dict) else ["not a JSON object"]
        if problems:
            raise GateError(f"--policy-config {name}: {'; '.join(problems)}")


def judge(args: argparse.Namespace) -> tuple[str, Findings]:
    """(the stack's name, what the engine said); any failure becomes the findings' one-line error."""
    name = args.stack or "(none selected)"
    try:
        check_policy_configs(args.policy_config)
        stack = select(args)
        name = stack.name
        with policy_pack(args.policy_pack) as pack:
            return name, collect(stack, [pack], args.policy_config)
    except GateError as e:
        return name, Findings(error=str(e))
    except Exception as e:  # exit 3 is the contract for anything else, with the reason
        return name, Findings(error=one_line(f"{type(e).__name__}: {e}"))


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    name, found = judge(args)
    rows, checks = build(found)
    code = exit_code(found, rows)
    text = markdown(name, code, rows, checks, found)
    print(text)
    if args.report:
        Path(args.report).write_text(text + "\n", encoding="utf-8")
    if os.environ.get("GITHUB_STEP_SUMMARY"):  # a job summary collects every step's output: append
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as out:
            out.write(text + "\n")
    if args.json:
        Path(args.json).write_text(as_json(name, code, rows, checks, found.error) + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())

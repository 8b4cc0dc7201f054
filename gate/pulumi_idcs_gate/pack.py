"""The policy pack the gate runs: written at run time next to nothing of the checkout, so that an installed gate
(`pip install pulumi-idcs`, then `pulumi-idcs-gate`) carries its pack as a checkout does."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

#: The pack's program: the rules live in the installed package pulumi_idcs_policy.
MAIN = "from pulumi_idcs_policy.pack import serve\n\nserve()\n"


def runtime() -> str:
    """PulumiPolicy.yaml's runtime: this interpreter's virtualenv, which has pulumi_idcs_policy installed."""
    if sys.prefix != sys.base_prefix:
        return f"runtime:\n  name: python\n  options:\n    virtualenv: {sys.prefix}\n"
    return "runtime: python\n"


@contextmanager
def policy_pack(given: str | None) -> Iterator[str]:
    """The pack's directory: `given` when the user named one, else this package's own, written for this run."""
    if given:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="pulumi-idcs-policy-") as directory:
        pack = Path(directory)
        version = metadata.version("pulumi-idcs")
        (pack / "PulumiPolicy.yaml").write_text(
            f"{runtime()}version: {version}\ndescription: Token-lifetime rules of pulumi-idcs {version}\n")
        (pack / "__main__.py").write_text(MAIN)
        yield str(pack)

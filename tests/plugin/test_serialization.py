"""The `__provider` blob: small, free of state, identical across runs and hash seeds, loadable elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys

SNIPPET = ("from pulumi.dynamic.dynamic import serialize_provider;"
           "from pulumi_idcs_provider.app_token_expiry import AppTokenExpiryProvider as P;"
           "print(serialize_provider(P()))")


def blob(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run([sys.executable, "-c", SNIPPET], env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def test_blob_is_byte_identical_across_hash_seeds_and_small() -> None:
    blobs = {blob(seed) for seed in ("0", "1", "4242", "random")}
    assert len(blobs) == 1
    assert len(blobs.pop()) < 1024


def test_blob_loads_in_a_fresh_process_by_reference() -> None:
    code = ("import base64, dill, sys; p = dill.loads(base64.b64decode(sys.argv[1]));"
            "print(type(p).__module__, type(p).__name__, p.__dict__)")
    out = subprocess.run([sys.executable, "-c", code, blob("0")], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "pulumi_idcs_provider.app_token_expiry AppTokenExpiryProvider {}"

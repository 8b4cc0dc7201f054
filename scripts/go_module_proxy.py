"""Write the Go SDK module as the Go module proxy serves it for the release's tag `sdk/v<version>`
(`<out>/<module>/@v/{list,v<version>.info,.mod,.zip}`, the GOPROXY protocol), so that a test can `go get` it with
`GOPROXY=file://<out>` exactly as a user gets it from proxy.golang.org. The zip holds what the tag holds: the
module directory's files tracked by git, each under `<module>@v<version>/`.

Usage: go_module_proxy.py MODULE_DIR VERSION OUT
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

EPOCH = (2026, 1, 1, 0, 0, 0)  # a fixed time in the zip: the same sources give the same bytes


def module_path(module_dir: Path) -> str:
    match = re.search(r"^module\s+(\S+)", (module_dir / "go.mod").read_text(), re.MULTILINE)
    if match is None:
        raise SystemExit(f"{module_dir / 'go.mod'} names no module")
    return match.group(1)


def tracked_files(module_dir: Path) -> list[str]:
    listing = subprocess.run(["git", "ls-files", "-z", "--", "."], cwd=module_dir, check=True,
                             capture_output=True).stdout.decode()
    return sorted(name for name in listing.split("\0") if name)


def write(module_dir: Path, version: str, out: Path) -> Path:
    module = module_path(module_dir)
    tag = f"v{version}"
    versions = out / module / "@v"
    versions.mkdir(parents=True, exist_ok=True)
    (versions / "list").write_text(f"{tag}\n")
    (versions / f"{tag}.info").write_text(json.dumps({"Version": tag, "Time": "2026-01-01T00:00:00Z"}))
    (versions / f"{tag}.mod").write_text((module_dir / "go.mod").read_text())
    archive = versions / f"{tag}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in tracked_files(module_dir):
            entry = zipfile.ZipInfo(f"{module}@{tag}/{name}", EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(entry, (module_dir / name).read_bytes())
    return archive


if __name__ == "__main__":
    print(write(Path(sys.argv[1]).resolve(), sys.argv[2], Path(sys.argv[3]).resolve()))

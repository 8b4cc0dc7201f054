"""What a release publishes installs and runs from the artifacts alone (dist/, built by `make dist`), outside the
checkout: a throw-away HOME and project directories, nothing of the repository on PATH or PYTHONPATH but the
Pulumi CLI (the user's own), dist/ served on loopback as the release server, and the engine downloading the
plugin archive itself (PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES, as a user's engine downloads it from the GitHub
release)."""

from __future__ import annotations

import fcntl
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine import PASSPHRASE, ROOT, need

DIST = ROOT / "dist"
VERSION = json.loads((ROOT / "schema.json").read_text())["version"]
SERVER = json.loads((ROOT / "schema.json").read_text())["pluginDownloadURL"]
GO_MODULE = "github.com/pulumi-idcs/pulumi-idcs/sdk"
GO_MODULE_CACHE = ROOT / ".state" / "artifacts-go-modules"


def artifact(name: str) -> Path:
    path = DIST / name
    if not path.exists():
        raise RuntimeError(f"{path} is missing: run `make dist` (scripts/test does) before this test")
    return path


@pytest.fixture(scope="module")
def release_server() -> Iterator[str]:
    """dist/ over HTTP on loopback: what the GitHub release of tag v<version> serves."""
    artifact(f"pulumi-resource-idcs-v{VERSION}-linux-amd64.tar.gz")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(DIST))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def user(tmp_path_factory: pytest.TempPathFactory, release_server: str) -> dict[str, str]:
    """A user's environment: a HOME of its own, the Pulumi CLI and its language hosts on PATH (links to the
    CLI scripts/setup chose, as a user's own install), and the plugin download pointed at the release server."""
    cli_bin = need("nodejs", "go", "yaml")
    home = tmp_path_factory.mktemp("home")
    bin_dir = home / "bin"
    bin_dir.mkdir()
    (home / "backend").mkdir()
    for tool in cli_bin.iterdir():
        if tool.name.startswith("pulumi") and not tool.name.startswith("pulumi-resource-"):
            (bin_dir / tool.name).symlink_to(tool)
    return {"HOME": str(home), "PATH": f"{bin_dir}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
            "PULUMI_HOME": str(home / ".pulumi"), "PULUMI_BACKEND_URL": f"file://{home / 'backend'}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE, "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DIY_BACKEND_NO_LEGACY_WARNING": "true",
            "PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES": f"^{SERVER}={release_server}"}


@pytest.fixture(scope="session")
def wheel_venv(run_dir: Path) -> Path:
    """A virtualenv with only the two wheels installed (and what they depend on, from the package index), built
    once a run: by the first of the parallel workers to need it, in the run's directory they share, while the
    others wait on its lock (it never outlives the run)."""
    venv = run_dir / "wheel-venv" / "venv"
    venv.parent.mkdir(exist_ok=True)
    with open(venv.parent / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / "complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
            subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                            str(artifact(f"pulumi_idcs-{VERSION}-py3-none-any.whl")),
                            str(artifact(f"pulumi_idcs_native-{VERSION}-py3-none-any.whl"))],
                           check=True, timeout=900, env={**os.environ, "HOME": str(venv.parent)})
            (venv / "complete").touch()
    return venv


@pytest.fixture()
def emulator_url(wheel_venv: Path) -> Iterator[str]:
    """The emulator, as installed from the wheel (`idcs-emulator`)."""
    proc = subprocess.Popen([str(wheel_venv / "bin" / "idcs-emulator"), "--port", "0"], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    url = line.split(" listening on ")[1].split(" ")[0]
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def pulumi(env: dict[str, str], cwd: Path, *args: str) -> str:
    result = subprocess.run(["pulumi", "--non-interactive", *args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, f"pulumi {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def lifecycle(env: dict[str, str], project: Path, emulator_url: str) -> None:
    """up, a clean preview, destroy: against the emulator, with its demo admin client."""
    pulumi(env, project, "stack", "init", "dev")
    pulumi(env, project, "config", "set", "idcs:domainUrl", emulator_url)
    pulumi(env, project, "config", "set", "idcs:clientId", "idcs-admin-client")
    pulumi(env, project, "config", "set", "--secret", "idcs:clientSecret", "emulator-admin-secret-0004")
    assert "created" in pulumi(env, project, "up", "--yes", "--skip-preview")
    pulumi(env, project, "preview", "--expect-no-changes")
    pulumi(env, project, "destroy", "--yes", "--skip-preview")


def yaml_project(project: Path) -> Path:
    """A YAML program with no `plugins:` section: the engine downloads the plugin the resource's options name."""
    project.mkdir()
    (project / "Pulumi.yaml").write_text(f"""name: artifacts-{project.name}
runtime: yaml
resources:
  mobile:
    type: idcs:index:AppTokenExpiry
    properties:
      appDisplayName: MobileApp
      accessTokenExpiry: 20m
    options:
      version: {VERSION}
      pluginDownloadURL: {SERVER}
""")
    return project


def test_a_yaml_program_gets_the_plugin_from_the_release(user: dict[str, str], emulator_url: str,
                                                          tmp_path: Path) -> None:
    project = yaml_project(tmp_path / "yaml")
    lifecycle(user, project, emulator_url)
    installed = Path(user["PULUMI_HOME"]) / "plugins" / f"resource-idcs-v{VERSION}"
    assert (installed / "pulumi-resource-idcs").exists(), "the engine did not install the plugin from the release"


def test_a_python_program_with_only_the_wheels(user: dict[str, str], wheel_venv: Path, emulator_url: str,
                                               tmp_path: Path) -> None:
    project = tmp_path / "python"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(
        f"name: artifacts-python\nruntime:\n  name: python\n  options:\n    virtualenv: {wheel_venv}\n")
    (project / "__main__.py").write_text(
        "import pulumi_idcs as idcs\nimport pulumi_idcs_native as native\n\n"
        'idcs.AppTokenExpiry("resource-owner", app_id="9fc12da9eecd4927a9ef88512ce5612e", access_token_expiry="2h")\n'
        'native.AppTokenExpiry("mobile", app_display_name="MobileApp", access_token_expiry=1200)\n')
    lifecycle(user, project, emulator_url)


def test_a_node_program_with_only_the_npm_tarball(user: dict[str, str], emulator_url: str, tmp_path: Path) -> None:
    """`npm install <tarball> @pulumi/pulumi`: nothing of the checkout but the tarball (no --install-links)."""
    project = tmp_path / "node"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: artifacts-node\nruntime: nodejs\n")
    (project / "package.json").write_text(json.dumps({"name": "artifacts-node", "private": True,
                                                      "main": "index.js"}))
    (project / "index.js").write_text(
        'const idcs = require("@pulumi-idcs/idcs");\n'
        'new idcs.AppTokenExpiry("mobile", {appDisplayName: "MobileApp", accessTokenExpiry: "20m"});\n')
    node_dir = Path(shutil.which("npm") or "/usr/bin/npm").parent  # the machine's node and npm, nothing else
    npm = {**user, "PATH": f"{user['PATH']}{os.pathsep}{node_dir}",
           "npm_config_cache": str(Path.home() / ".npm")}  # and npm's download cache
    subprocess.run(["npm", "install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error",
                    str(artifact(f"pulumi-idcs-idcs-{VERSION}.tgz")), "@pulumi/pulumi@^3"],
                   cwd=project, env=npm, check=True, timeout=900, capture_output=True)
    lifecycle(npm, project, emulator_url)


def go_user(user: dict[str, str]) -> dict[str, str]:
    """The machine's Go, resolving modules as a user's does: our SDK from dist/goproxy (what the Go module proxy
    serves once tag sdk/v<version> exists), everything else from the machine's module download cache when it has
    it (offline, quick), else from the Go module proxy the machine's Go is set up with (`go env GOPROXY`), as a
    user's `go get` does. Nothing depends on what an earlier run left: a fresh machine downloads what it lacks.
    The module cache is the project's own and keeps its path, so Go's build cache stays warm; our module is
    emptied from it first, so what builds is this dist/'s SDK."""
    for stale in (GO_MODULE_CACHE / "github.com" / "pulumi-idcs",
                  GO_MODULE_CACHE / "cache" / "download" / "github.com" / "pulumi-idcs"):
        if stale.exists():
            subprocess.run(["chmod", "-R", "u+w", str(stale)], check=True)
            shutil.rmtree(stale)
    go_dir = Path(shutil.which("go") or "/usr/local/go/bin/go").parent

    def go_env(name: str) -> str:
        return subprocess.run(["go", "env", name], capture_output=True, text=True, check=True).stdout.strip()

    downloads = Path(go_env("GOMODCACHE")) / "cache" / "download"
    proxies = [f"file://{DIST / 'goproxy'}", *([f"file://{downloads}"] if downloads.is_dir() else []),
               *(p for p in go_env("GOPROXY").split(",") if p not in ("", "off"))]
    return {**user, "PATH": f"{user['PATH']}{os.pathsep}{go_dir}", "GOMODCACHE": str(GO_MODULE_CACHE),
            "GOCACHE": str(Path.home() / ".cache" / "go-build"), "GOTOOLCHAIN": "local", "CGO_ENABLED": "0",
            "GOPROXY": ",".join(proxies), "GONOSUMDB": GO_MODULE, "GOFLAGS": "-mod=mod -trimpath"}


def test_a_go_program_with_the_module_from_the_proxy(user: dict[str, str], emulator_url: str,
                                                      tmp_path: Path) -> None:
    """examples/go with no `replace`: `go mod tidy` fetches github.com/pulumi-idcs/pulumi-idcs/sdk v<version> as a
    user's does from the Go proxy; its go.sum keeps the other modules' checksums (no checksum database offline)."""
    artifact(f"goproxy/{GO_MODULE}/@v/v{VERSION}.zip")
    project = tmp_path / "go"
    project.mkdir()
    shutil.copy(ROOT / "examples" / "go" / "main.go", project)
    shutil.copy(ROOT / "examples" / "go" / "go.sum", project)
    mod = (ROOT / "examples" / "go" / "go.mod").read_text()
    (project / "go.mod").write_text("\n".join(line for line in mod.splitlines() if not line.startswith("replace")))
    (project / "Pulumi.yaml").write_text("name: artifacts-go\nruntime: go\n")
    env = go_user(user)
    tidy = subprocess.run(["go", "mod", "tidy"], cwd=project, env=env, timeout=900, capture_output=True, text=True)
    assert tidy.returncode == 0, tidy.stderr
    assert f"{GO_MODULE} v{VERSION} h1:" in (project / "go.sum").read_text()
    lifecycle(env, project, emulator_url)


def test_the_whole_domain_tool_from_the_wheel(user: dict[str, str], wheel_venv: Path, emulator_url: str) -> None:
    """`pulumi-idcs` installed from the wheel audits the domain (configured by the environment alone)."""
    done = subprocess.run([str(wheel_venv / "bin" / "pulumi-idcs"), "audit"], capture_output=True, text=True,
                          timeout=120, cwd=user["HOME"], env={**user, "IDCS_DOMAIN_URL": emulator_url,
                                                              "IDCS_CLIENT_ID": "idcs-admin-client",
                                                              "IDCS_CLIENT_SECRET": "emulator-admin-secret-0004"})
    assert done.returncode == 0, done.stderr
    assert "| MobileApp (" in done.stdout and "emulator-admin-secret-0004" not in done.stdout + done.stderr


def test_the_downloaded_plugin_refuses_an_oci_method_with_the_way_out(user: dict[str, str], emulator_url: str,
                                                                      tmp_path: Path) -> None:
    """The archive does not bundle the OCI SDK: an OCI sign-in method is refused at preview, saying how to get it."""
    project = yaml_project(tmp_path / "oci")
    pulumi(user, project, "stack", "init", "dev")
    pulumi(user, project, "config", "set", "idcs:domainUrl", emulator_url)
    pulumi(user, project, "config", "set", "idcs:authMethod", "oci-session-token")
    refused = subprocess.run(["pulumi", "--non-interactive", "preview"], cwd=project, env=user, capture_output=True,
                             text=True, timeout=600)
    assert refused.returncode != 0
    assert 'does not bundle it (500 MB): install the plugin with `pip install "pulumi-idcs[oci]"`' in (
        refused.stdout + refused.stderr)


def members(path: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every file an archive holds: a wheel or zip, or a tarball."""
    if path.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                yield info.filename, zf.read(info)
        return
    with tarfile.open(path) as tf:
        for member in tf.getmembers():
            handle = tf.extractfile(member) if member.isfile() else None
            if handle is not None:
                yield member.name, handle.read()


@pytest.mark.parametrize("name", [f"pulumi-resource-idcs-v{VERSION}-linux-amd64.tar.gz",
                                  f"pulumi_idcs-{VERSION}-py3-none-any.whl", f"pulumi_idcs-{VERSION}.tar.gz",
                                  f"pulumi_idcs_native-{VERSION}-py3-none-any.whl", f"pulumi-idcs-idcs-{VERSION}.tgz",
                                  f"goproxy/{GO_MODULE}/@v/v{VERSION}.zip"])
def test_an_artifact_carries_nothing_of_the_machine_that_built_it(name: str) -> None:
    """No file of a published artifact names the checkout it was built in (pip's direct_url.json did)."""
    here = str(ROOT).encode()
    assert [member for member, data in members(artifact(name)) if here in data] == []

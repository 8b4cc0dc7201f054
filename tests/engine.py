"""Run programs through the real `pulumi` CLI (Automation API) against an emulator, isolated per test.

Runs the CLI that `scripts/setup` chose (your own when new enough, else the project's .pulumi/bin; scripts/test
passes its directory in $PULUMI_IDCS_CLI_BIN). A language host, the Node.js set-up and the compatibility lane's CLI
are set up when a test first needs them (`need`). When set-up fails the tests FAIL with the reason: a skipped
engine test would hide the one path our users take.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pulumi import automation as auto
from pulumi.automation._stack import ImportResult, StackInitMode

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[1]
CLI_BIN = Path(os.environ.get("PULUMI_IDCS_CLI_BIN") or ROOT / ".pulumi" / "bin")
PASSPHRASE = "test-passphrase"
MIN_VERSION = re.search(r"^MIN_VERSION=(\S+)", (ROOT / "scripts" / "install-pulumi-cli").read_text(), re.M)[1]  # type: ignore[index]
COMPAT_BIN = ROOT / ".pulumi" / f"compat-v{MIN_VERSION}" / "bin"
#: What each runtime needs set up beyond the CLI and its Python host (scripts/setup's parts).
PARTS = {"python": (), "yaml": ("yaml",), "nodejs": ("nodejs",), "go": ("go",)}
#: How a Go program is built in the tests: the module's go.sum as it is, no cgo, and -trimpath, whose build cache
#: entries do not depend on where the module cache is (the artifacts test's own one reuses what these compiled).
GO_ENV = {"GOFLAGS": "-mod=readonly -trimpath", "CGO_ENABLED": "0"}


@functools.cache
def need(*parts: str) -> Path:
    """Set up `parts` (nodejs, go, yaml, compat) when a test first needs them, once per worker process; parallel
    workers wait for each other (scripts/setup takes a lock). Returns the chosen CLI's directory."""
    done = subprocess.run([str(ROOT / "scripts" / "setup"), *parts], capture_output=True, text=True, timeout=1800)
    if done.returncode:
        raise RuntimeError(f"scripts/setup {' '.join(parts)} failed:\n{done.stderr[-4000:]}")
    return Path(done.stdout.strip().splitlines()[-1])


def runtime_of(work: Path) -> str:
    runtime = yaml.safe_load((work / "Pulumi.yaml").read_text())["runtime"]
    return str(runtime["name"] if isinstance(runtime, dict) else runtime)


@functools.cache
def pulumi_command(cli_bin: Path = CLI_BIN) -> auto.PulumiCommand:
    """One per CLI and worker: making one runs `pulumi version` (even with the check skipped)."""
    if not ((cli_bin / "pulumi").exists() and (cli_bin / "pulumi-language-python").exists()):
        raise RuntimeError(f"no Pulumi CLI in {cli_bin}: run scripts/setup (or `make test`, which sets "
                           "PULUMI_IDCS_CLI_BIN); engine tests cannot run without it")
    # scripts/setup chose this CLI for its version
    return auto.PulumiCommand(root=str(cli_bin.parent), skip_version_check=True)


def cli_path(cli_bin: Path = CLI_BIN) -> str:
    """PATH with the chosen CLI first, so the engine finds its own language host and helpers."""
    return f"{cli_bin}{os.pathsep}{os.environ.get('PATH', '')}"


def example_copy(tmp: Path, name: str = "basic") -> Path:
    """A copy of an example whose paths into this repository (`../../`: the virtualenv, the plugin's directory, the
    Go SDK's replace) point back at it; a Node.js example shares the example's node_modules."""
    source, dest = ROOT / "examples" / name, tmp / name
    need(*PARTS[runtime_of(source)])  # a Node.js example's node_modules come with its set-up
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("node_modules", "Pulumi.*.yaml"))
    for file in (dest / "Pulumi.yaml", dest / "go.mod"):
        if file.exists():
            file.write_text(file.read_text().replace("../../", f"{ROOT}/"))
    if (source / "node_modules").is_dir():
        (dest / "node_modules").symlink_to(source / "node_modules")
    return dest


def isolated_env(tmp: Path, cli_bin: Path = CLI_BIN) -> dict[str, str]:
    """A file backend and a PULUMI_HOME of the test's own under tmp, and the chosen CLI first on PATH."""
    (tmp / "backend").mkdir(exist_ok=True)
    (tmp / "home").mkdir(exist_ok=True)
    return {"PULUMI_BACKEND_URL": f"file://{tmp / 'backend'}", "PULUMI_HOME": str(tmp / "home"),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE, "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DIY_BACKEND_NO_LEGACY_WARNING": "true", "PATH": cli_path(cli_bin)}


def new_stack(tmp: Path, work: Path, config: dict[str, tuple[str, bool]],
              env: dict[str, str] | None = None, cli_bin: Path = CLI_BIN) -> auto.Stack:
    """Stack "test" of the project in `work`, with its configuration set (value, secret), run by the CLI in
    `cli_bin` (the newest unless a test says otherwise), the program's language host set up first."""
    need(*PARTS[runtime_of(work)], *(("compat",) if cli_bin == COMPAT_BIN else ()))
    ws = auto.LocalWorkspace(work_dir=str(work), pulumi_command=pulumi_command(cli_bin),
                             env_vars={**isolated_env(tmp, cli_bin), **(env or {})})
    project = str(yaml.safe_load((work / "Pulumi.yaml").read_text())["name"])
    seed = _SEEDS.get((project, cli_bin))
    if seed is None:
        stack = Stack("test", ws, StackInitMode.CREATE)
        seed = _SEEDS[(project, cli_bin)] = _Seed(tmp / "backend" / ".pulumi", work / "Pulumi.test.yaml")
    else:
        shutil.copytree(seed.backend, tmp / "backend" / ".pulumi", dirs_exist_ok=True)
        stack = Stack.copied("test", ws)
    seed.configure(stack, work / "Pulumi.test.yaml", project, config)
    return stack


class _Seed:
    """A just-created stack of one project, kept for the rest of this worker's tests: a new stack of the project is
    a copy of its backend and its Pulumi.test.yaml (its encryption salt), and each secret value is encrypted once
    under that salt. A stack created and configured by the CLI costs two more runs, each deriving the passphrase's
    key; a copy costs no run at all."""

    def __init__(self, backend: Path, stack_file: Path) -> None:
        self.backend = Path(tempfile.mkdtemp(prefix="pulumi-idcs-seed-"))
        atexit.register(shutil.rmtree, self.backend, True)
        shutil.copytree(backend, self.backend, dirs_exist_ok=True)
        self.salt = str(yaml.safe_load(stack_file.read_text())["encryptionsalt"])
        self.secure: dict[str, str] = {}  # secret value -> its ciphertext under the salt

    def configure(self, stack: auto.Stack, stack_file: Path, project: str,
                  config: dict[str, tuple[str, bool]]) -> None:
        """Pulumi.test.yaml as `pulumi config set-all` writes it; the CLI encrypts only the secrets not seen yet."""
        def key(name: str) -> str:
            return name if ":" in name else f"{project}:{name}"
        new = {k: auto.ConfigValue(value=v, secret=True) for k, (v, secret) in config.items()
               if secret and v not in self.secure}
        if new:
            stack_file.write_text(yaml.safe_dump({"encryptionsalt": self.salt}))  # the secrets under the seed's salt
            stack.set_all_config(new)
            stored = yaml.safe_load(stack_file.read_text())["config"]
            self.secure.update({new[k].value: stored[key(k)]["secure"] for k in new})
        values = {key(k): {"secure": self.secure[v]} if secret else str(v) for k, (v, secret) in config.items()}
        stack_file.write_text(yaml.safe_dump({"encryptionsalt": self.salt, "config": values}, sort_keys=False))


_SEEDS: dict[tuple[str, Path], _Seed] = {}


class Deferred:
    """A value an operation's result carries, read from the CLI when a test first looks at it. It must be the value
    of that operation: read after the stack's next operation, it fails rather than answer for the wrong one."""

    def __init__(self, stack: Stack, read: Callable[[], Any]) -> None:
        self._stack, self._operation, self._read = stack, stack.operations, read

    @functools.cached_property
    def value(self) -> Any:
        if self._stack.operations != self._operation:
            raise AssertionError("an operation's outputs or summary read after the stack's next operation: "
                                 "read them before running another")
        return self._read()


class DeferredSummary(Deferred):
    """The operation's UpdateSummary (`pulumi stack history`), attribute by attribute."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.value, name)


class DeferredOutputs(Deferred, Mapping[str, auto.OutputValue]):
    """The stack's outputs after the operation (`pulumi stack output`, twice)."""

    def __getitem__(self, key: str) -> auto.OutputValue:
        return self.value[key]  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[str]:
        return iter(self.value)

    def __len__(self) -> int:
        return len(self.value)


class Stack(auto.Stack):
    """auto.Stack, except that up, refresh, destroy and import read the stack's outputs and summary only when a test
    looks at them: the Automation API reads both after every operation, three more CLI runs that each derive the
    passphrase's key (about 0.7 s an up), which most tests never look at."""

    operations = 0
    _deferring = False

    @classmethod
    def copied(cls, name: str, workspace: auto.Workspace) -> Stack:
        """A stack whose backend was copied in: nothing to create, and nothing to select, since the Automation API
        names the stack in every command it runs (`pulumi stack select` would cost a run of the CLI)."""
        stack = cls.__new__(cls)
        stack.name, stack.workspace, stack._mode = name, workspace, StackInitMode.SELECT
        return stack

    def _operation(self, run: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self.operations += 1
        self._deferring = True
        try:
            return run(*args, **kwargs)
        finally:
            self._deferring = False

    def up(self, *args: Any, **kwargs: Any) -> auto.UpResult:
        return self._operation(super().up, *args, **kwargs)

    def refresh(self, *args: Any, **kwargs: Any) -> auto.RefreshResult:
        return self._operation(super().refresh, *args, **kwargs)

    def destroy(self, *args: Any, **kwargs: Any) -> auto.DestroyResult:
        return self._operation(super().destroy, *args, **kwargs)

    def import_resources(self, *args: Any, **kwargs: Any) -> ImportResult:
        return self._operation(super().import_resources, *args, **kwargs)

    def outputs(self) -> auto.OutputMap:
        if self._deferring:
            return DeferredOutputs(self, super().outputs)  # type: ignore[return-value]
        return super().outputs()

    def info(self, show_secrets: bool = True) -> auto.UpdateSummary | None:
        if self._deferring:
            return DeferredSummary(self, lambda: super(Stack, self).info(show_secrets))  # type: ignore[return-value]
        return super().info(show_secrets)


def open_stack(tmp: Path, config: dict[str, tuple[str, bool]], env: dict[str, str] | None = None,
               example: str = "basic") -> auto.Stack:
    """A new stack of a copied example."""
    return new_stack(tmp, example_copy(tmp, example), config, env)


def program_stack(tmp: Path, source: str, config: dict[str, tuple[str, bool]], plugin: bool = False) -> auto.Stack:
    """A new stack of a one-file Python program (`source`); `write_program` changes it between runs. With
    `plugin`, Pulumi.yaml points the engine at this repository's pulumi-resource-idcs."""
    work = tmp / "program"
    work.mkdir(parents=True)
    providers = f"plugins:\n  providers:\n    - name: idcs\n      path: {ROOT / '.venv' / 'bin'}\n" if plugin else ""
    (work / "Pulumi.yaml").write_text(
        f"name: idcs-test\nruntime:\n  name: python\n  options:\n    virtualenv: {ROOT / '.venv'}\n{providers}")
    write_program(work, source)
    return new_stack(tmp, work, config)


def yaml_stack(tmp: Path, project: str, config: dict[str, tuple[str, bool]]) -> auto.Stack:
    """A new stack of a Pulumi YAML program (the whole Pulumi.yaml); the plugin comes from this repository's
    virtualenv, as `plugins.providers` in examples/yaml points at it."""
    work = tmp / "yaml"
    work.mkdir(parents=True)
    write_yaml(work, project)
    return new_stack(tmp, work, config)


def write_yaml(work: Path | str, project: str) -> None:
    """The YAML program's Pulumi.yaml, its plugin path pointed at this repository's virtualenv."""
    Path(work, "Pulumi.yaml").write_text(project.replace("path: ../../.venv/bin", f"path: {ROOT / '.venv' / 'bin'}"))


def write_program(work: Path | str, source: str) -> None:
    """The program's __main__.py: `import pulumi_idcs as idcs` and `import pulumi` come first."""
    Path(work, "__main__.py").write_text("import pulumi\nimport pulumi_idcs as idcs\n\n" + source)


def outputs(stack: auto.Stack) -> dict[str, Any]:
    return {k: v.value for k, v in stack.outputs().items()}


def exported_text(stack: auto.Stack) -> str:
    """`pulumi stack export` as a user runs it, without --show-secrets (the Automation API's export_stack shows
    them): the text a secret must never be found in."""
    ws = stack.workspace
    assert isinstance(ws, auto.LocalWorkspace)
    done = subprocess.run(["pulumi", "stack", "export", "--stack", stack.name], cwd=ws.work_dir,
                          env={**os.environ, **ws.env_vars}, check=True, capture_output=True, text=True, timeout=120)
    return done.stdout


def run_gate(stack: auto.Stack, *extra: str, selected: bool = True) -> subprocess.CompletedProcess[str]:
    """scripts/gate in the stack's program directory, as a pipeline job runs it (with PULUMI_STACK set unless
    not `selected`)."""
    env = {**os.environ, "PATH": cli_path(), **stack.workspace.env_vars}
    if selected:
        env["PULUMI_STACK"] = stack.name
    else:
        env.pop("PULUMI_STACK", None)
    env.pop("GITHUB_STEP_SUMMARY", None)
    return subprocess.run([str(ROOT / "scripts" / "gate"), *extra], cwd=stack.workspace.work_dir, env=env,
                          capture_output=True, text=True, timeout=300)

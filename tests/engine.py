"""Run programs through the real `pulumi` CLI (Automation API) against an emulator, isolated per test.

Runs the CLI that `scripts/setup` chose (your own when new enough, else the project's .pulumi/bin; scripts/test
passes its directory in $PULUMI_IDCS_CLI_BIN). A language host, the Node.js set-up and the compatibility lane's CLI
are set up when a test first needs them (`need`). When set-up fails the tests FAIL with the reason: a skipped
engine test would hide the one path our users take.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import vault_transit
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
    """A file backend and a PULUMI_HOME of the test's own under tmp, the chosen CLI first on PATH, and the way to
    this process's Vault transit stand-in (tests/vault_transit.py) for stacks that use it. GOGC=400:
    the CLI and the Go hosts are short-lived processes that collect garbage while they start (`pulumi version`: 0.117
    -> 0.099 s of a core, measured over 20 runs), about a thousand times a run; no behaviour depends on it."""
    (tmp / "backend").mkdir(exist_ok=True)
    (tmp / "home").mkdir(exist_ok=True)
    return {"PULUMI_BACKEND_URL": f"file://{tmp / 'backend'}", "PULUMI_HOME": str(tmp / "home"),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE, "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DIY_BACKEND_NO_LEGACY_WARNING": "true", "PATH": cli_path(cli_bin), "GOGC": "400",
            **vault_transit.environment()}


def new_stack(tmp: Path, work: Path, config: dict[str, tuple[str, bool]], env: dict[str, str] | None = None,
              cli_bin: Path = CLI_BIN, secrets_provider: str = vault_transit.PROVIDER) -> auto.Stack:
    """Stack "test" of the project in `work`, with its configuration set (value, secret), run by the CLI in
    `cli_bin` (the newest unless a test says otherwise), the program's language host set up first. Its secrets
    are encrypted by `secrets_provider`: the Vault transit stand-in unless a test asks for "passphrase"."""
    need(*PARTS[runtime_of(work)], *(("compat",) if cli_bin == COMPAT_BIN else ()))
    ws = auto.LocalWorkspace(work_dir=str(work), pulumi_command=pulumi_command(cli_bin),
                             env_vars={**isolated_env(tmp, cli_bin), **(env or {})}, secrets_provider=secrets_provider)
    project = str(yaml.safe_load((work / "Pulumi.yaml").read_text())["name"])
    stack = SEEDS.stack(project, cli_bin, ws, tmp / "backend" / ".pulumi")
    stack.config_file = ConfigFile(work / "Pulumi.test.yaml", project)
    stack.config_file.write(stack, {k: auto.ConfigValue(value=v, secret=secret) for k, (v, secret) in config.items()})
    return stack


class Seeds:
    """What the parallel workers of a run share, so that a new stack costs no run of the CLI once its project has
    one: the first stack of each project (its backend, copied for the next), the secrets lines of its stack file
    (one data key or salt for every stack of a secrets provider), and each secret value encrypted once under them.
    Creating a stack and encrypting its config with the CLI would cost two runs."""

    def __init__(self) -> None:
        self.directory: Path | None = None

    def share(self, directory: Path) -> None:
        """Keep them in `directory`, which every worker of the run shares (tests/conftest.py `run_dir`)."""
        directory.mkdir(exist_ok=True)
        self.directory = directory

    @contextlib.contextmanager
    def _locked(self) -> Iterator[Path]:
        if self.directory is None:  # not under pytest's fixtures: this process alone
            self.share(Path(tempfile.mkdtemp(prefix="pulumi-idcs-seeds-")))
            atexit.register(shutil.rmtree, self.directory, True)
        assert self.directory is not None
        with open(self.directory / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield self.directory

    def stack(self, project: str, cli_bin: Path, ws: auto.LocalWorkspace, backend: Path) -> Stack:
        """Stack "test" of `project` in `backend`: a copy of the run's first one (created by the CLI, under the
        run's secrets lines for the workspace's secrets provider)."""
        stack_file = Path(ws.work_dir) / "Pulumi.test.yaml"
        with self._locked() as shared:
            seed = shared / _digest(f"{project}\0{cli_bin}\0{ws.secrets_provider}")[:16]
            if (seed / "complete").exists():
                shutil.copytree(seed, backend, dirs_exist_ok=True, ignore=shutil.ignore_patterns("complete"))
                return Stack.copied("test", ws)
            lines = self._lines(shared, ws.secrets_provider)
            if lines.exists():
                stack_file.write_text(lines.read_text())
            stack = Stack("test", ws, StackInitMode.CREATE)
            if not lines.exists():
                written = yaml.safe_load(stack_file.read_text())
                lines.write_text(yaml.safe_dump({k: v for k, v in written.items() if k in SECRETS_LINES}))
            shutil.copytree(backend, seed)
            (seed / "complete").touch()
            return stack

    @staticmethod
    def _lines(shared: Path, provider: str | None) -> Path:
        return Seeds._of(shared, provider) / "secrets.yaml"

    @staticmethod
    def _of(shared: Path, provider: str | None) -> Path:
        """The shared directory of one secrets provider's stacks: their secrets lines and ciphertexts."""
        directory = shared / f"secrets-{_digest(str(provider))[:16]}"
        directory.mkdir(exist_ok=True)
        return directory

    def secrets_lines(self, provider: str | None) -> dict[str, str]:
        """The stack file's lines that say how its secrets are encrypted (`secretsprovider`, `encryptedkey`,
        `encryptionsalt`), as the run's first stack of `provider` got them."""
        with self._locked() as shared:
            return dict(yaml.safe_load(self._lines(shared, provider).read_text()))

    def secure(self, stack: Stack, values: list[str]) -> dict[str, str]:
        """Each value's ciphertext under the run's secrets lines; the CLI encrypts those not seen yet in this run.
        The file shared between workers names a value by its digest: no secret is written to disk in the clear."""
        provider = stack.workspace.secrets_provider
        with self._locked() as shared:
            cache = self._of(shared, provider) / "secure.json"
            known = json.loads(cache.read_text()) if cache.exists() else {}
            new = [v for v in dict.fromkeys(values) if _digest(v) not in known]
            if new:
                assert stack.config_file is not None
                stack.config_file.path.write_text(self._lines(shared, provider).read_text())
                names = {f"s{i}": v for i, v in enumerate(new)}
                auto.Stack.set_all_config(stack, {k: auto.ConfigValue(value=v, secret=True) for k, v in names.items()})
                stored = yaml.safe_load(stack.config_file.path.read_text())["config"]
                known.update({_digest(v): stored[stack.config_file.key(k)]["secure"] for k, v in names.items()})
                cache.write_text(json.dumps(known))
            return {v: known[_digest(v)] for v in values}


#: A stack file's keys that say how its secrets are encrypted.
SECRETS_LINES = ("secretsprovider", "encryptedkey", "encryptionsalt")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


SEEDS = Seeds()


class ConfigFile:
    """A stack's Pulumi.test.yaml, written as `pulumi config set` writes it, without running the CLI but to
    encrypt a secret value not seen yet in the run (`Seeds.secure`)."""

    def __init__(self, path: Path, project: str) -> None:
        self.path, self.project = path, project

    def key(self, name: str) -> str:
        return name if ":" in name else f"{self.project}:{name}"

    def write(self, stack: Stack, values: Mapping[str, auto.ConfigValue | None], replace: bool = True) -> None:
        """Set each value (remove it where None), on top of what the file holds unless `replace`."""
        held = {} if replace or not self.path.exists() else dict(yaml.safe_load(self.path.read_text()).get("config")
                                                                 or {})
        secure = SEEDS.secure(stack, [v.value for v in values.values() if v is not None and v.secret])
        for name, value in values.items():
            if value is None:
                held.pop(self.key(name), None)
            else:
                held[self.key(name)] = {"secure": secure[value.value]} if value.secret else str(value.value)
        lines = SEEDS.secrets_lines(stack.workspace.secrets_provider)
        self.path.write_text(yaml.safe_dump({**lines, "config": held}, sort_keys=False))


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
    config_file: ConfigFile | None = None  # when set, config is written without the CLI (but for path keys)

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

    def set_config(self, key: str, value: auto.ConfigValue, *, path: bool = False) -> None:
        self.set_all_config({key: value}, path=path)

    def set_all_config(self, config: auto.ConfigMap, *, path: bool = False) -> None:
        if self.config_file is None or path:
            return super().set_all_config(config, path=path)
        return self.config_file.write(self, config, replace=False)

    def remove_config(self, key: str, *, path: bool = False) -> None:
        if self.config_file is None or path:
            return super().remove_config(key, path=path)
        return self.config_file.write(self, {key: None}, replace=False)

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


def program_stack(tmp: Path, source: str, config: dict[str, tuple[str, bool]], plugin: bool = False,
                  secrets_provider: str = vault_transit.PROVIDER) -> auto.Stack:
    """A new stack of a one-file Python program (`source`); `write_program` changes it between runs. With
    `plugin`, Pulumi.yaml points the engine at this repository's pulumi-resource-idcs."""
    work = tmp / "program"
    work.mkdir(parents=True)
    providers = f"plugins:\n  providers:\n    - name: idcs\n      path: {ROOT / '.venv' / 'bin'}\n" if plugin else ""
    (work / "Pulumi.yaml").write_text(
        f"name: idcs-test\nruntime:\n  name: python\n  options:\n    virtualenv: {ROOT / '.venv'}\n{providers}")
    write_program(work, source)
    return new_stack(tmp, work, config, secrets_provider=secrets_provider)


def yaml_stack(tmp: Path, project: str, config: dict[str, tuple[str, bool]],
               secrets_provider: str = vault_transit.PROVIDER) -> auto.Stack:
    """A new stack of a Pulumi YAML program (the whole Pulumi.yaml); the plugin comes from this repository's
    virtualenv, as `plugins.providers` in examples/yaml points at it."""
    work = tmp / "yaml"
    work.mkdir(parents=True)
    write_yaml(work, project)
    return new_stack(tmp, work, config, secrets_provider=secrets_provider)


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

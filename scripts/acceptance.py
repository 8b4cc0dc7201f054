"""The acceptance lane (`make acceptance`): the project's scenarios through the real CLI and the plugin, against the
domain the environment names, as Terraform's TF_ACC=1 tests run against the real service.

  IDCS_DOMAIN_URL, IDCS_CLIENT_ID, IDCS_CLIENT_SECRET   the domain and an admin client (required)
  IDCS_ACCEPTANCE_APP                                    the app the lane may change: its id, name or display name
  IDCS_ACCEPTANCE_REFRESH_CLIENT, IDCS_ACCEPTANCE_REFRESH_TOKEN, IDCS_ACCEPTANCE_REFRESH_SCOPE
                                                         a client and one seed refresh token (the check spends it)
  MOSAIC_BASE_URL, MOSAIC_CLIENT_ID, MOSAIC_CLIENT_SECRET, MOSAIC_ACCEPTANCE_CLIENT (<appId>/<clientId>)
                                                         a Mosaic tenant and the OIDC client the lane may change
                                                         (adopt, change, drift, un-manage with restore)

What it writes: the two lifetimes of IDCS_ACCEPTANCE_APP (and of the Mosaic client), always put back to what they
were at the start, even after a failure; the seed refresh token is spent. Nothing else. Exit 0 every scenario run
passed, 1 one failed, 2 the domain's variables are missing (scripts/acceptance says which). A scenario without
its variables is named, skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from pulumi_idcs_provider import mosaic_timeouts
from pulumi_idcs_provider.apps import AppExpiries
from pulumi_idcs_provider.client import IdcsClient
from pulumi_idcs_provider.context import Context
from pulumi_idcs_provider.errors import AppNotFoundError, IdcsError
from pulumi_idcs_provider.mosaic_client import MosaicClient

ROOT = Path(__file__).resolve().parents[1]
REFRESH = ("IDCS_ACCEPTANCE_REFRESH_CLIENT", "IDCS_ACCEPTANCE_REFRESH_TOKEN", "IDCS_ACCEPTANCE_REFRESH_SCOPE")
MOSAIC = ("MOSAIC_BASE_URL", "MOSAIC_CLIENT_ID", "MOSAIC_CLIENT_SECRET", "MOSAIC_ACCEPTANCE_CLIENT")
HEADER = ("name: idcs-acceptance\nruntime: yaml\nplugins:\n  providers:\n    - name: idcs\n"
          f"      path: {ROOT}/.venv/bin\n")


class Stack:
    """One throw-away stack in a temporary directory (its own backend and PULUMI_HOME), run with the real CLI."""

    def __init__(self, work: Path) -> None:
        self.work = work
        (work / "backend").mkdir()
        self.env = {**os.environ, "PULUMI_BACKEND_URL": f"file://{work / 'backend'}",
                    "PULUMI_HOME": str(work / "home"), "PULUMI_CONFIG_PASSPHRASE": "acceptance",
                    "PULUMI_SKIP_UPDATE_CHECK": "true", "PULUMI_DIY_BACKEND_NO_LEGACY_WARNING": "true"}

    def program(self, resources: str) -> None:
        (self.work / "Pulumi.yaml").write_text(HEADER + "resources:\n" + resources)

    def run(self, *args: str, stdin: str | None = None) -> str:
        """A pulumi command (`stdin`: a secret, never on a command line another user's `ps` shows)."""
        done = subprocess.run(["pulumi", *args, "--non-interactive"], cwd=self.work, env=self.env, input=stdin,
                              capture_output=True, text=True, timeout=600)
        if done.returncode:
            raise AssertionError(f"pulumi {' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        return done.stdout


def app_resource(app_id: str, lines: str) -> str:
    return f"  app:\n    type: idcs:index:AppTokenExpiry\n    properties:\n      appId: {app_id}\n{lines}"


def find(client: IdcsClient, named: str) -> AppExpiries:
    """The app by id, else by name, else by display name."""
    app = client.get_app(named, named)
    if app is not None:
        return app
    for attribute in ("name", "displayName"):
        try:
            return client.find_app(attribute, named, named)
        except AppNotFoundError:
            continue
    raise AppNotFoundError(f"IDCS_ACCEPTANCE_APP {named!r} names no app in {client.settings.domain_url}")


def live(client: IdcsClient, app_id: str) -> tuple[int | None, int | None]:
    client.reads.forget(app_id)
    app = client.get_app(app_id, app_id)
    assert app is not None, f"app {app_id} is gone"
    return app.access_token_expiry, app.refresh_token_expiry


def idcs_scenarios(stack: Stack, client: IdcsClient, app: AppExpiries) -> list[tuple[str, Callable[[], None]]]:
    """adopt, change, drift, refresh, un-manage with restore, import: each a step through the real CLI."""
    access, refresh = app.access_token_expiry or 3600, app.refresh_token_expiry or 604800
    first, second = (access + 60, access + 120) if access + 120 <= refresh else (access - 60, access - 120)

    def adopt() -> None:
        stack.program(app_resource(app.id, f"      accessTokenExpiry: {first}\n      onDelete: restore\n"))
        stack.run("up", "--yes", "--skip-preview")
        assert live(client, app.id) == (first, refresh)
        stack.run("preview", "--expect-no-changes")

    def change() -> None:
        stack.program(app_resource(app.id, f"      accessTokenExpiry: {second}\n      onDelete: restore\n"))
        stack.run("up", "--yes", "--skip-preview")
        assert live(client, app.id) == (second, refresh)

    def drift() -> None:
        client.patch_app(find(client, app.id), {"accessTokenExpiry": first}, "(another writer)")
        shown = stack.run("preview", "--diff")
        assert "accessTokenExpiry" in shown, shown
        stack.run("up", "--yes", "--skip-preview")
        assert live(client, app.id) == (second, refresh)

    def refreshed() -> None:
        client.patch_app(find(client, app.id), {"accessTokenExpiry": first}, "(another writer)")
        stack.run("refresh", "--yes")
        stack.run("up", "--yes", "--skip-preview")
        assert live(client, app.id) == (second, refresh)

    def unmanage() -> None:
        stack.program(app_resource(app.id, f"      refreshTokenExpiry: {refresh}\n      onDelete: restore\n"))
        stack.run("up", "--yes", "--skip-preview")
        assert live(client, app.id) == (access, refresh), "the original accessTokenExpiry was not put back"
        stack.run("destroy", "--yes", "--skip-preview")

    def imported() -> None:
        stack.run("import", "idcs:index:AppTokenExpiry", "app", app.id, "--yes", "--generate-code=false",
                  "--protect=false")
        values = live(client, app.id)
        stack.program(app_resource(app.id, "".join(f"      {k}: {v}\n" for k, v in zip(
            ("accessTokenExpiry", "refreshTokenExpiry"), values, strict=True) if v is not None)))
        stack.run("preview", "--expect-no-changes")
        stack.run("destroy", "--yes", "--skip-preview")  # onDelete retain: nothing written
        assert live(client, app.id) == values

    return [("adopt", adopt), ("change", change), ("drift", drift), ("refresh", refreshed),
            ("un-manage with restore", unmanage), ("import", imported)]


def refresh_check(stack: Stack) -> None:
    client, token, scope = (os.environ[k] for k in REFRESH)
    stack.run("config", "set", "--secret", "seed", stdin=token)
    stack.program(f"  check:\n    type: idcs:index:RefreshGrantCheck\n    properties:\n      flavor: idcs\n"
                  f"      clientId: {client}\n      scope: {scope}\n      refreshToken: ${{seed}}\n")
    (stack.work / "Pulumi.yaml").write_text((stack.work / "Pulumi.yaml").read_text().replace(
        "resources:\n", "config:\n  seed:\n    type: string\n    secret: true\nresources:\n"))
    shown = stack.run("up", "--yes", "--skip-preview")
    assert token not in shown and token not in stack.run("stack", "export")
    stack.run("destroy", "--yes", "--skip-preview")


def mosaic_scenarios(stack: Stack, api: MosaicClient, app_id: str, client_id: str,
                     original: int) -> list[tuple[str, Callable[[], None]]]:
    """adopt, change, drift (a portal edit), un-manage with restore: a ClientTokenTimeouts on the client."""
    first, second = original + 60, original + 120

    def program(ttl: int) -> None:
        stack.program(f"  client:\n    type: idcs:mosaic:ClientTokenTimeouts\n    properties:\n      appId: {app_id}\n"
                      f"      clientId: {client_id}\n      accessTokenTtl: {ttl}\n      onDelete: restore\n")

    def ttl() -> int | None:
        return mosaic_timeouts.live_values(api.get_client(app_id, client_id) or {})["accessTokenTtl"]

    def adopt() -> None:
        program(first)
        stack.run("up", "--yes", "--skip-preview")
        assert ttl() == first
        stack.run("preview", "--expect-no-changes")

    def change() -> None:
        program(second)
        stack.run("up", "--yes", "--skip-preview")
        assert ttl() == second

    def drift() -> None:
        live = api.get_client(app_id, client_id) or {}
        api.put_client(app_id, client_id, {"token_expiration": {**(live.get("token_expiration") or {}),
                                                                "access_token_ttl": first}})
        shown = stack.run("preview", "--diff")
        assert "accessTokenTtl" in shown, shown
        stack.run("up", "--yes", "--skip-preview")
        assert ttl() == second

    def unmanage() -> None:
        stack.run("destroy", "--yes", "--skip-preview")
        assert ttl() == original, "the original accessTokenTtl was not put back"

    return [("Mosaic adopt", adopt), ("Mosaic change", change), ("Mosaic drift", drift),
            ("Mosaic un-manage with restore", unmanage)]


def run(scenarios: list[tuple[str, Callable[[], None]]]) -> int:
    """Each scenario in order, one line each; the first failure ends the list (later ones build on its state)."""
    for name, scenario in scenarios:
        try:
            scenario()
            print(f"ok    {name}")
        except (AssertionError, IdcsError) as e:
            print(f"FAIL  {name}: {e}")
            return 1
    return 0


def mosaic_lane(ctx: Context) -> int:
    """The Mosaic scenarios in a stack of their own; the client's lifetimes put back whatever happens."""
    api = ctx.mosaic()
    app_id, _, client_id = os.environ["MOSAIC_ACCEPTANCE_CLIENT"].partition("/")
    live = api.get_client(app_id, client_id)
    if live is None:
        print(f"FAIL  Mosaic: MOSAIC_ACCEPTANCE_CLIENT names no client ({app_id}/{client_id}): write "
              "<appId>/<clientId>")
        return 1
    before = dict(live.get("token_expiration") or {})
    print(f"acceptance: {api.settings.base_url}, client {client_id} of {app_id}: {before}")
    with tempfile.TemporaryDirectory(prefix="idcs-acceptance-mosaic-") as tmp:
        stack = Stack(Path(tmp))
        stack.program("")
        stack.run("stack", "init", "acceptance")
        try:
            return run(mosaic_scenarios(stack, api, app_id, client_id, int(before.get("access_token_ttl") or 3600)))
        finally:
            stack.run("stack", "rm", "--force", "--yes")
            now = api.get_client(app_id, client_id) or {}
            if (now.get("token_expiration") or {}) != before:
                api.put_client(app_id, client_id, {"token_expiration": before})
            print(f"acceptance: client {client_id} put back to {before}")


def main() -> int:
    """Run by scripts/acceptance, which has checked that the domain's variables are set."""
    ctx = Context({}, os.environ)
    client = ctx.idcs()
    app = find(client, os.environ["IDCS_ACCEPTANCE_APP"])
    before = {"accessTokenExpiry": app.access_token_expiry, "refreshTokenExpiry": app.refresh_token_expiry}
    print(f"acceptance: {client.settings.domain_url}, app {app.display_name or app.name} ({app.id}): {before}")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="idcs-acceptance-") as tmp:
        stack = Stack(Path(tmp))
        stack.program("")
        stack.run("stack", "init", "acceptance")
        scenarios = idcs_scenarios(stack, client, app)
        if all(os.environ.get(v) for v in REFRESH):
            scenarios.append(("refresh-grant check", lambda: refresh_check(stack)))
        else:
            print(f"skip  refresh-grant check: needs {', '.join(REFRESH)}")
        try:
            failed += run(scenarios)
        finally:
            stack.run("stack", "rm", "--force", "--yes")
            client.reads.forget(app.id)
            now = client.get_app(app.id, app.id)
            put_back = {k: v for k, v in before.items() if v is not None and now is not None and now.value(k) != v}
            if now is not None and put_back:
                client.patch_app(now, put_back, "(putting back the acceptance app)")
            print(f"acceptance: app {app.id} put back to {before}")
    if all(os.environ.get(v) for v in MOSAIC):
        failed += mosaic_lane(ctx)
    else:
        print(f"skip  Mosaic scenarios: need {', '.join(MOSAIC)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

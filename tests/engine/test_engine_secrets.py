"""Every secret stays secret in state and in the CLI's output, through both front doors.

Each property schema.json marks secret (the provider's clientSecret, mosaicClientSecret and a connection's
clientSecret; RefreshGrantCheck's clientSecret and refreshToken, the seed and every rotated one) gets a value of its
own, given the way a careless user would give it: plain config and plain literals, no `--secret`. Then
`pulumi stack export` (without --show-secrets) and everything the CLI printed are searched for each value. The
stacks use the passphrase secrets provider, the default of a file backend (the other engine tests use a Vault
transit stand-in, tests/vault_transit.py).
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import requests
from conftest import ADMIN_ID, MOBILE, RESOURCE_OWNER
from engine import exported_text, program_stack, yaml_stack
from idcs_emulator import EmulatorServer
from pulumi import automation as auto

MOBILE_CLIENT = "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5"
SCOPE = "https://resource-owner.example.com/read offline_access"
MOSAIC_CLIENT, MOSAIC_ADMIN = "mosaic-demo-client", "mosaic-admin-client"


class Secrets:
    """Unique credentials, installed in the emulator, and every token the run is given or issued."""

    def __init__(self, emu: EmulatorServer) -> None:
        self.emu = emu
        self.admin, self.connection, self.mosaic_admin, self.mosaic_client = (
            f"{what}-{secrets.token_hex(8)}" for what in ("admin", "conn", "mosaicadmin", "mosaicclient"))
        emu.domain.admin_clients[ADMIN_ID] = self.admin
        emu.domain.admin_clients["conn-admin"] = self.connection
        emu.mosaic.management[MOSAIC_ADMIN] = self.mosaic_admin
        emu.mosaic.clients[MOSAIC_CLIENT]["client_secret"] = self.mosaic_client

    def seeds(self) -> tuple[str, str]:
        idcs = requests.post(self.emu.url + "/_emulator/refresh-tokens", timeout=5,
                             json={"clientId": MOBILE_CLIENT, "scope": SCOPE}).json()["refresh_token"]
        mosaic = requests.post(self.emu.url + "/_emulator/mosaic/refresh-tokens", timeout=5,
                               json={"clientId": MOSAIC_CLIENT}).json()["refresh_token"]
        return str(idcs), str(mosaic)

    def config(self) -> dict[str, tuple[str, bool]]:
        """The provider's configuration, every secret of it in plain text (as `pulumi config set` without --secret)."""
        url = self.emu.url
        return {"idcs:domainUrl": (url, False), "idcs:clientId": (ADMIN_ID, False),
                "idcs:clientSecret": (self.admin, False), "idcs:mosaicBaseUrl": (url, False),
                "idcs:mosaicClientId": (MOSAIC_ADMIN, False), "idcs:mosaicClientSecret": (self.mosaic_admin, False)}

    def connect(self, stack: auto.Stack, secret: bool = False) -> None:
        stack.set_all_config({"idcs:connections.second.domainUrl": auto.ConfigValue(self.emu.url),
                              "idcs:connections.second.clientId": auto.ConfigValue("conn-admin"),
                              "idcs:connections.second.clientSecret": auto.ConfigValue(self.connection, secret)},
                             path=True)

    def values(self) -> dict[str, str]:
        """Every secret value, by what it is: the credentials, and each refresh token the emulator knows of."""
        found = {"idcs:clientSecret": self.admin, "connections.second.clientSecret": self.connection,
                 "idcs:mosaicClientSecret": self.mosaic_admin, "RefreshGrantCheck clientSecret": self.mosaic_client}
        tokens = [*self.emu.grants.refresh, *self.emu.mosaic.refresh]
        found.update({f"refresh token {i}": token for i, token in enumerate(tokens)})
        return found


def leaks(where: str, values: dict[str, str]) -> list[str]:
    return sorted(name for name, value in values.items() if value in where)


YAML = f"""name: idcs-secrets
runtime: yaml
plugins:
  providers:
    - name: idcs
      path: ../../.venv/bin
config:
  seed:
    type: string
  mosaicSeed:
    type: string
  mosaicClientSecret:
    type: string
resources:
  owner:
    type: idcs:index:AppTokenExpiry
    properties:
      appId: {RESOURCE_OWNER}
      accessTokenExpiry: 1h
  viaConnection:
    type: idcs:index:AppTokenExpiry
    properties:
      appId: {MOBILE}
      accessTokenExpiry: 1h
      connection: second
  web:
    type: idcs:mosaic:ClientTokenTimeouts
    properties:
      appId: mosaic-demo-app
      clientId: {MOSAIC_CLIENT}
      accessTokenTtl: 15m
  idcsCheck:
    type: idcs:index:RefreshGrantCheck
    properties:
      flavor: idcs
      clientId: {MOBILE_CLIENT}
      refreshToken: ${{seed}}
      scope: {json.dumps(SCOPE)}
  mosaicCheck:
    type: idcs:index:RefreshGrantCheck
    properties:
      flavor: mosaic
      clientId: {MOSAIC_CLIENT}
      clientSecret: ${{mosaicClientSecret}}
      refreshToken: ${{mosaicSeed}}
"""


def test_no_secret_reaches_state_or_output_through_the_plugin(tmp_path: Path, emulator: EmulatorServer) -> None:
    given = Secrets(emulator)
    seed, mosaic_seed = given.seeds()
    stack = yaml_stack(tmp_path, YAML, {**given.config(), "seed": (seed, False), "mosaicSeed": (mosaic_seed, False),
                                        "mosaicClientSecret": (given.mosaic_client, False)},
                       secrets_provider="passphrase")
    given.connect(stack)
    printed = stack.up().stdout
    assert emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 3600 and len(emulator.grants.refresh) >= 2

    new_seed, _ = given.seeds()  # a new seed: the diff must not show the old token (nor the new one)
    stack.set_config("seed", auto.ConfigValue(new_seed))
    preview = stack.preview(diff=True)
    printed += preview.stdout + preview.stderr
    assert "refreshToken" in preview.stdout and "[secret]" in preview.stdout
    printed += stack.up().stdout

    exported = exported_text(stack)
    assert leaks(exported, given.values()) == []
    assert leaks(printed, given.values()) == []
    state = json.loads(exported)["deployment"]
    provider = next(r for r in state["resources"] if r["type"] == "pulumi:providers:idcs")
    for key in ("clientSecret", "mosaicClientSecret"):
        assert "ciphertext" in provider["inputs"][key], key  # encrypted, though the config holds it in plain text
    checks = [r for r in state["resources"] if r["type"] == "idcs:index:RefreshGrantCheck"]
    for check in checks:
        for key in ("refreshToken", "inputFingerprints"):
            assert "ciphertext" in check["outputs"][key], key
        assert "ciphertext" in check["inputs"]["refreshToken"]
    mosaic_check = next(r for r in checks if r["urn"].endswith("::mosaicCheck"))
    assert "ciphertext" in mosaic_check["inputs"]["clientSecret"]


DYNAMIC = f"""cfg = pulumi.Config()
idcs.AppTokenExpiry("owner", app_id="{RESOURCE_OWNER}", access_token_expiry="1h")
idcs.AppTokenExpiry("via-connection", app_id="{MOBILE}", access_token_expiry="1h", connection="second")
idcs.mosaic.ClientTokenTimeouts("web", app_id="mosaic-demo-app", client_id="{MOSAIC_CLIENT}", access_token_ttl="15m")
idcs.RefreshGrantCheck("idcs-check", flavor="idcs", client_id="{MOBILE_CLIENT}", refresh_token=cfg.require("seed"),
                       scope="{SCOPE}")
idcs.RefreshGrantCheck("mosaic-check", flavor="mosaic", client_id="{MOSAIC_CLIENT}",
                       client_secret="MOSAIC_CLIENT_SECRET", refresh_token=cfg.require("mosaicSeed"))
"""


def test_no_secret_reaches_state_or_output_through_the_dynamic_door(tmp_path: Path,
                                                                     emulator: EmulatorServer) -> None:
    """The dynamic door runs on upstream's `pulumi-python` provider, which keeps the whole stack config in state
    (encrypted where the config is secret, as the README says): so the config here is set with --secret, as the
    README tells users to; a secret written as a plain literal in the program must still be encrypted."""
    given = Secrets(emulator)
    seed, mosaic_seed = given.seeds()
    config = {k: (v, k.endswith("Secret")) for k, (v, _) in given.config().items()}
    stack = program_stack(tmp_path, DYNAMIC.replace("MOSAIC_CLIENT_SECRET", given.mosaic_client),
                          {**config, "seed": (seed, True), "mosaicSeed": (mosaic_seed, True)},
                          secrets_provider="passphrase")
    given.connect(stack, secret=True)
    printed = stack.up().stdout
    new_seed, _ = given.seeds()
    stack.set_config("seed", auto.ConfigValue(new_seed, secret=True))
    preview = stack.preview(diff=True)
    printed += preview.stdout + preview.stderr + stack.up().stdout
    assert len(emulator.grants.refresh) >= 2
    assert leaks(exported_text(stack), given.values()) == []
    assert leaks(printed, given.values()) == []

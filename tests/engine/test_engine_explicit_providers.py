"""Explicit providers, as Pulumi users write them in every language: two providers to two domains in one program,
with `pulumi:disable-default-providers` and a trap (the stack's idcs: config and IDCS_* exported, all naming domain
A). Each resource is written only in its own provider's domain (the request logs show it), and the providers'
secrets are encrypted in state."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE, RESOURCE_OWNER
from engine import GO_ENV, ROOT, exported_text, need, new_stack
from idcs_emulator import EmulatorServer

PLUGIN = f"plugins:\n  providers:\n    - name: idcs\n      path: {ROOT / '.venv' / 'bin'}\n"

YAML = """resources:
  prodA:
    type: pulumi:providers:idcs
    properties: {domainUrl: "${urlA}", clientId: "ADMIN", clientSecret: "${adminSecret}"}
  prodB:
    type: pulumi:providers:idcs
    properties: {domainUrl: "${urlB}", clientId: "ADMIN", clientSecret: "${adminSecret}"}
  appA:
    type: idcs:index:AppTokenExpiry
    properties: {appId: "APP_A", accessTokenExpiry: 1200}
    options: {provider: "${prodA}"}
  appB:
    type: idcs:index:AppTokenExpiry
    properties: {appId: "APP_B", accessTokenExpiry: 1500}
    options: {provider: "${prodB}"}
config:
  urlA: {type: string}
  urlB: {type: string}
  adminSecret: {type: string, secret: true}
""".replace("ADMIN", ADMIN_ID).replace("APP_A", MOBILE).replace("APP_B", RESOURCE_OWNER)

PYTHON = f"""import pulumi
import pulumi_idcs_native as idcs

cfg = pulumi.Config()
a = idcs.Provider("prodA", domain_url=cfg.require("urlA"), client_id="{ADMIN_ID}",
                  client_secret=cfg.require_secret("adminSecret"))
b = idcs.Provider("prodB", domain_url=cfg.require("urlB"), client_id="{ADMIN_ID}",
                  client_secret=cfg.require_secret("adminSecret"))
idcs.AppTokenExpiry("appA", app_id="{MOBILE}", access_token_expiry=1200, opts=pulumi.ResourceOptions(provider=a))
idcs.AppTokenExpiry("appB", app_id="{RESOURCE_OWNER}", access_token_expiry=1500,
                    opts=pulumi.ResourceOptions(provider=b))
"""

TYPESCRIPT = f"""import * as pulumi from "@pulumi/pulumi";
import * as idcs from "@pulumi-idcs/idcs";

const cfg = new pulumi.Config();
const a = new idcs.Provider("prodA", {{domainUrl: cfg.require("urlA"), clientId: "{ADMIN_ID}",
    clientSecret: cfg.requireSecret("adminSecret")}});
const b = new idcs.Provider("prodB", {{domainUrl: cfg.require("urlB"), clientId: "{ADMIN_ID}",
    clientSecret: cfg.requireSecret("adminSecret")}});
new idcs.AppTokenExpiry("appA", {{appId: "{MOBILE}", accessTokenExpiry: 1200}}, {{provider: a}});
new idcs.AppTokenExpiry("appB", {{appId: "{RESOURCE_OWNER}", accessTokenExpiry: 1500}}, {{provider: b}});
"""

GO = f"""package main

import (
\t"github.com/pulumi-idcs/pulumi-idcs/sdk/go/idcs"
\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {{
\tpulumi.Run(func(ctx *pulumi.Context) error {{
\t\tcfg := func(key string) string {{ v, _ := ctx.GetConfig("explicit-go:" + key); return v }}
\t\tfor _, p := range []struct{{ name, url, app string; expiry int }}{{
\t\t\t{{"A", cfg("urlA"), "{MOBILE}", 1200}}, {{"B", cfg("urlB"), "{RESOURCE_OWNER}", 1500}},
\t\t}} {{
\t\t\tprovider, err := idcs.NewProvider(ctx, "prod"+p.name, &idcs.ProviderArgs{{
\t\t\t\tDomainUrl: pulumi.String(p.url), ClientId: pulumi.String("{ADMIN_ID}"),
\t\t\t\tClientSecret: pulumi.ToSecret(pulumi.String(cfg("adminSecret"))).(pulumi.StringOutput),
\t\t\t}})
\t\t\tif err != nil {{
\t\t\t\treturn err
\t\t\t}}
\t\t\t_, err = idcs.NewAppTokenExpiry(ctx, "app"+p.name, &idcs.AppTokenExpiryArgs{{
\t\t\t\tAppId: pulumi.String(p.app), AccessTokenExpiry: pulumi.Int(p.expiry),
\t\t\t}}, pulumi.Provider(provider))
\t\t\tif err != nil {{
\t\t\t\treturn err
\t\t\t}}
\t\t}}
\t\treturn nil
\t}})
}}
"""


def project(work: Path, language: str) -> None:
    """The program of `language` in `work`, on this repository's plugin and SDKs."""
    work.mkdir(parents=True)
    runtime = {"yaml": "yaml", "python": f"\n  name: python\n  options:\n    virtualenv: {ROOT / '.venv'}",
               "typescript": "nodejs", "go": "go"}[language]
    body = YAML if language == "yaml" else ""
    (work / "Pulumi.yaml").write_text(f"name: explicit-{language}\nruntime: {runtime}\n{PLUGIN}{body}")
    if language == "python":
        (work / "__main__.py").write_text(PYTHON)
    if language == "typescript":
        need("nodejs")
        example = ROOT / "examples" / "typescript"
        for name in ("package.json", "tsconfig.json"):
            shutil.copy(example / name, work)
        (work / "node_modules").symlink_to(example / "node_modules")
        (work / "index.ts").write_text(TYPESCRIPT)
        subprocess.run([str(work / "node_modules" / ".bin" / "tsc")], cwd=work, check=True, timeout=300)
    if language == "go":
        for name in ("go.mod", "go.sum"):
            (work / name).write_text((ROOT / "examples" / "go" / name).read_text().replace("../../", f"{ROOT}/"))
        (work / "main.go").write_text(GO)


def patched(emu: EmulatorServer) -> list[str]:
    return sorted({r["path"].rsplit("/", 1)[-1] for r in emu.requests_of("patch")})


@pytest.mark.parametrize("language", ["yaml", "python", "typescript", "go"])
def test_two_explicit_providers_write_each_app_only_in_its_own_domain(tmp_path: Path, language: str) -> None:
    with EmulatorServer() as domain_a, EmulatorServer() as domain_b:
        work = tmp_path / language
        project(work, language)
        trap = {"IDCS_DOMAIN_URL": domain_a.url, "IDCS_CLIENT_ID": ADMIN_ID, "IDCS_CLIENT_SECRET": ADMIN_SECRET,
                **(GO_ENV if language == "go" else {})}
        stack = new_stack(tmp_path, work, {
            "urlA": (domain_a.url, False), "urlB": (domain_b.url, False), "adminSecret": (ADMIN_SECRET, True),
            "idcs:domainUrl": (domain_a.url, False), "idcs:clientId": (ADMIN_ID, False),
            "idcs:clientSecret": (ADMIN_SECRET, True), "pulumi:disable-default-providers": ('["idcs"]', False)},
            trap)
        printed = stack.up().stdout
        assert patched(domain_a) == [MOBILE] and patched(domain_b) == [RESOURCE_OWNER]
        assert domain_a.domain.apps[MOBILE]["accessTokenExpiry"] == 1200
        assert domain_b.domain.apps[RESOURCE_OWNER]["accessTokenExpiry"] == 1500
        assert domain_a.domain.apps[RESOURCE_OWNER]["accessTokenExpiry"] != 1500  # B's app in A: untouched
        exported = exported_text(stack)
        assert ADMIN_SECRET not in exported + printed
        providers = [r for r in json.loads(exported)["deployment"]["resources"]
                     if r["type"] == "pulumi:providers:idcs"]
        assert sorted(r["urn"].rsplit("::", 1)[-1] for r in providers) == ["prodA", "prodB"]  # no default one
        assert all("ciphertext" in str(r["inputs"]["clientSecret"]) for r in providers)
        stack.preview(expect_no_changes=True)
        stack.destroy()


def test_an_explicit_provider_reads_neither_the_stack_config_nor_the_environment(tmp_path: Path,
                                                                                 emulator: EmulatorServer) -> None:
    """A provider given only its domain: refused at preview naming what it lacks, though the stack's config and
    the environment hold a client for that very domain (they belong to the default provider)."""
    work = tmp_path / "yaml"
    work.mkdir()
    (work / "Pulumi.yaml").write_text(f"""name: explicit-lacking\nruntime: yaml\n{PLUGIN}resources:
  prod:
    type: pulumi:providers:idcs
    properties: {{domainUrl: "{emulator.url}"}}
  app:
    type: idcs:index:AppTokenExpiry
    properties: {{appId: "{MOBILE}", accessTokenExpiry: 1200}}
    options: {{provider: "${{prod}}"}}
""")
    stack = new_stack(tmp_path, work, {"idcs:clientId": (ADMIN_ID, False), "idcs:clientSecret": (ADMIN_SECRET, True)},
                      {"IDCS_CLIENT_ID": ADMIN_ID, "IDCS_CLIENT_SECRET": ADMIN_SECRET})
    with pytest.raises(Exception, match="provider \"prod\" lacks clientId, clientSecret: an explicit provider's"):
        stack.preview()
    assert emulator.requests_of("patch") == [] and emulator.requests_of("token") == []


def test_get_app_reads_through_the_provider_it_names_and_says_who_changed_the_app(tmp_path: Path) -> None:
    """`idcs:index:getApp` through an explicit provider reads that provider's domain only, writes nothing, and
    tells who last changed the app: a console user there."""
    with EmulatorServer() as domain_a, EmulatorServer() as domain_b:
        domain_b.domain.change_app(RESOURCE_OWNER, {"accessTokenExpiry": 900}, by="alice@example.com")
        work = tmp_path / "yaml"
        work.mkdir()
        (work / "Pulumi.yaml").write_text(f"name: get-app\nruntime: yaml\n{PLUGIN}" + YAML.split("  appA:")[0] + f"""
variables:
  seen:
    fn::invoke:
      function: idcs:index:getApp
      arguments: {{appId: "{RESOURCE_OWNER}"}}
      options: {{provider: "${{prodB}}"}}
outputs:
  expiry: ${{seen.accessTokenExpiry}}
  by: ${{seen.lastModifiedBy}}
config:
  urlA: {{type: string}}
  urlB: {{type: string}}
  adminSecret: {{type: string, secret: true}}
""")
        stack = new_stack(tmp_path, work, {"urlA": (domain_a.url, False), "urlB": (domain_b.url, False),
                                           "adminSecret": (ADMIN_SECRET, True)})
        outputs = stack.up().outputs
        assert (outputs["expiry"].value, outputs["by"].value) == (900, "alice@example.com")
        assert domain_a.requests_of("get") == [] and domain_b.requests_of("patch") == []

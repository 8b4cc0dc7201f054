"""pulumi-idcs discover and audit, in-process against the emulator over real HTTP: what they write, their exit
codes, and what they cost the domain (ceil(M/1000) + 2 requests at most for M apps)."""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE, RESOURCE_OWNER
from fake_clock import FakeClock
from idcs_emulator import EmulatorServer
from idcs_emulator.domain import Domain
from idcs_emulator.generate import demo_seed, with_generated_apps
from pulumi_idcs_cli.__main__ import main, progress

PARTNER = "Partner \"Beta\" Portal"


@pytest.fixture
def domain_env(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> EmulatorServer:
    for name, value in {"IDCS_DOMAIN_URL": emulator.url, "IDCS_CLIENT_ID": ADMIN_ID,
                        "IDCS_CLIENT_SECRET": ADMIN_SECRET, "IDCS_MAX_REQUESTS_PER_SECOND": "1000"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return emulator


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_discover_writes_one_import_per_oauth_app_with_unique_names(domain_env: EmulatorServer) -> None:
    code, out, _ = run("discover")
    resources = json.loads(out)["resources"]
    assert code == 0
    assert {r["type"] for r in resources} == {"idcs:index:AppTokenExpiry"}
    by_name = {r["name"]: r["id"] for r in resources}
    assert by_name["resourceowner"] == RESOURCE_OWNER and by_name["mobileapp"] == MOBILE
    assert "partner-beta-portal" in by_name  # quotes and spaces become one readable name
    assert len(by_name) == len(resources) == len([a for a in domain_env.domain.apps.values()
                                                  if a.get("isOAuthClient") or a.get("isOAuthResource")])


def test_discover_filters_at_the_domain_and_excludes_here(domain_env: EmulatorServer, tmp_path: Path) -> None:
    code, _, _ = run("discover", "--filter", 'displayName sw "M" or displayName sw "P"', "--exclude", "pulumi-*",
                     "-o", str(tmp_path / "import.json"))
    assert code == 0
    names = [r["name"] for r in json.loads((tmp_path / "import.json").read_text())["resources"]]
    assert names == ["mobileapp", "partner-beta-portal"]
    listed = domain_env.requests_of("search")
    assert listed and 'and (displayName sw "M" or displayName sw "P")' in listed[0]["query"]["filter"]


def test_names_stay_unique_when_display_names_collide() -> None:
    from pulumi_idcs_cli.discover import resource_name
    taken: set[str] = set()
    assert [resource_name(n, taken) for n in ("Web App", "web-app", "WEB  APP!", "", "2fa")] == [
        "web-app", "web-app-2", "web-app-3", "app", "app-2fa"]


def test_a_10000_app_domain_costs_its_pages_and_one_token() -> None:
    with EmulatorServer(Domain(with_generated_apps(demo_seed(), 10_000))) as emu:
        with pytest.MonkeyPatch.context() as mp:
            for name, value in {"IDCS_DOMAIN_URL": emu.url, "IDCS_CLIENT_ID": ADMIN_ID,
                                "IDCS_CLIENT_SECRET": ADMIN_SECRET, "IDCS_MAX_REQUESTS_PER_SECOND": "1000"}.items():
                mp.setenv(name, value)
            code, out, _ = run("discover")
        apps = len(json.loads(out)["resources"])
        assert code == 0 and apps >= 10_000
        assert len(emu.requests_of()) <= math.ceil(apps / 1000) + 2, [r["kind"] for r in emu.requests_of()]


def rows_by(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["displayName"], r["attribute"]): r for r in report["rows"]}


def test_audit_reports_violations_worst_first_managed_or_not(domain_env: EmulatorServer, tmp_path: Path) -> None:
    domain_env.domain.change_app(MOBILE, {"refreshTokenExpiry": 200 * 86400},  # 200 days: past the 90-day bound
                                 by="alice@example.com")
    domain_env.domain.change_app(RESOURCE_OWNER, {"accessTokenExpiry": 2 * 86400})
    export = {"deployment": {"resources": [{
        "urn": "urn:pulumi:prod::idp::idcs:index:AppTokenExpiry::owner", "type": "idcs:index:AppTokenExpiry",
        "outputs": {"appId": RESOURCE_OWNER}}]}}
    (tmp_path / "prod.json").write_text(json.dumps(export))
    code, out, _ = run("audit", "--stack-state", str(tmp_path / "prod.json"), "--json", str(tmp_path / "a.json"))
    assert code == 1
    report = json.loads((tmp_path / "a.json").read_text())
    assert report["exitCode"] == 1 and report["rows"][0]["displayName"] == "MobileApp"  # the longest first
    rows = rows_by(report)
    mobile = rows[("MobileApp", "refreshTokenExpiry")]
    assert mobile["seconds"] == 17280000 and "allows" in mobile["bound"] and mobile["managedBy"] is None
    owner = rows[("ResourceOwner", "accessTokenExpiry")]
    assert owner["bound"] and owner["managedBy"] == "idp/prod/owner"
    assert rows[("ResourceOwner", "refreshTokenExpiry")]["bound"] is None
    assert "| MobileApp (" in out and "200d" in out
    assert mobile["lastChanged"].startswith("by alice@example.com at 20")  # who and when, as the domain says
    assert "| by alice@example.com at 20" in out


def test_a_refresh_lifetime_is_not_judged_for_an_app_without_the_refresh_grant(domain_env: EmulatorServer,
                                                                              tmp_path: Path) -> None:
    admin = next(i for i, a in domain_env.domain.apps.items() if a.get("displayName") == "pulumi-admin")
    domain_env.domain.change_app(admin, {"refreshTokenExpiry": 365 * 86400})
    code, _, _ = run("audit", "--json", str(tmp_path / "a.json"))
    row = rows_by(json.loads((tmp_path / "a.json").read_text()))[("pulumi-admin", "refreshTokenExpiry")]
    assert row["bound"] is None and row["seconds"] == 365 * 86400 and code == 0


def test_the_policy_config_file_sets_the_bounds(domain_env: EmulatorServer, tmp_path: Path) -> None:
    (tmp_path / "policy.json").write_text(json.dumps({"idcs-token-lifetime-bounds": {"maxAccessTokenExpiry": "45m"}}))
    code, out, _ = run("audit", "--policy-config", str(tmp_path / "policy.json"))
    assert code == 1 and "allows 300 s (5m) to 2700 s (45m)" in out  # 1h apps now break the stricter bound


def test_an_unreachable_domain_is_exit_3_with_the_reason(domain_env: EmulatorServer,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDCS_CLIENT_SECRET", "wrong")
    code, out, err = run("audit")
    assert code == 3 and out == "" and "HTTP 401" in err and "wrong" not in err


def test_progress_is_drawn_on_a_terminal_once_a_second_has_passed() -> None:
    clock = FakeClock()

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    show = progress(term, "reading", clock.monotonic)
    show(1000, 3000)
    assert term.getvalue() == ""  # quick operations draw nothing
    clock.sleep(1.5)
    show(2000, 3000)
    show(3000, 3000)
    assert term.getvalue() == "\rreading: 2000/3000\rreading: 3000/3000\n"


def test_with_mosaic_configured_its_clients_and_resources_are_discovered_and_audited(domain_env: EmulatorServer,
                                                                         monkeypatch: pytest.MonkeyPatch,
                                                                         tmp_path: Path) -> None:
    for name, value in {"MOSAIC_BASE_URL": domain_env.url, "MOSAIC_CLIENT_ID": "mosaic-admin-client",
                        "MOSAIC_CLIENT_SECRET": "emulator-mosaic-admin-secret-0007"}.items():
        monkeypatch.setenv(name, value)
    _, out, _ = run("discover")
    resources = {r["name"]: r for r in json.loads(out)["resources"]}
    assert resources["payments-api"] == {"type": "idcs:mosaic:ResourceTokenTimeouts", "name": "payments-api",
                                         "id": "c2a9e4b1d7f3468e"}
    assert resources["mosaic-demo-web-client"] == {"type": "idcs:mosaic:ClientTokenTimeouts",
                                                   "name": "mosaic-demo-web-client",
                                                   "id": "mosaic-demo-app/mosaic-demo-client"}
    assert len(domain_env.requests_of("mosaic-applications")) == len(domain_env.requests_of("mosaic-clients")) == 1
    domain_env.mosaic.change_resource("c2a9e4b1d7f3468e", {"access_token_ttl": 3 * 86400})
    code, _, _ = run("audit", "--json", str(tmp_path / "a.json"))
    rows = rows_by(json.loads((tmp_path / "a.json").read_text()))
    payments = rows[("Payments API", "accessTokenTtl")]
    assert code == 1 and payments["kind"] == "Mosaic resource" and "allows 300 s (5m) to 86400 s (1d)" in payments[
        "bound"]
    client = rows[("Mosaic demo web client", "sessionExpiration")]
    assert client["kind"] == "Mosaic client" and client["seconds"] == 1209600 and client["bound"] is None



@pytest.fixture
def messy(monkeypatch: pytest.MonkeyPatch) -> Any:
    from idcs_emulator.generate import with_messy_apps
    with EmulatorServer(Domain(with_messy_apps(demo_seed()))) as emu:
        for name, value in {"IDCS_DOMAIN_URL": emu.url, "IDCS_CLIENT_ID": ADMIN_ID,
                            "IDCS_CLIENT_SECRET": ADMIN_SECRET, "IDCS_MAX_REQUESTS_PER_SECOND": "1000"}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
        yield emu


def test_the_audit_judges_every_value_a_messy_domain_holds(messy: EmulatorServer, tmp_path: Path) -> None:
    code, out, _ = run("audit", "--json", str(tmp_path / "a.json"))
    rows = rows_by(json.loads((tmp_path / "a.json").read_text()))
    assert code == 1
    assert "no lifetime" in rows[("Zero Lifetime", "accessTokenExpiry")]["bound"]
    assert "largest value" in rows[("Forever", "refreshTokenExpiry")]["bound"]
    assert rows[("No Lifetimes", "accessTokenExpiry")]["seconds"] is None
    table = [line for line in out.splitlines() if line.startswith("| ")]
    assert all(len(re.findall(r"(?<!\\)\|", line)) == 9 for line in table[2:]), table  # one line, 8 cells a row
    assert any("Line Break \\| Pipe" in line for line in table)
    assert any("Retired (" in line and "(inactive)" in line for line in table)
    assert any("| not set |" in line for line in table) and "(604800 s" not in out
    assert "| 86400 s (1d) |" in out  # each value written once
    assert "```mermaid\npie showData title accessTokenExpiry" in out


def test_discover_writes_only_what_import_accepts_and_names_the_rest(messy: EmulatorServer) -> None:
    code, out, err = run("discover")
    names = {r["name"] for r in json.loads(out)["resources"]}
    assert code == 0
    assert {"twin", "twin-2", "line-break-pipe", "retired"} <= names
    assert not names & {"zero-lifetime", "forever", "no-lifetimes"}
    left = [line for line in err.splitlines() if "left out" in line]
    assert len(left) == 3 and all(len(line.split("\n")) == 1 for line in left)
    assert any("Zero Lifetime" in line and "accessTokenExpiry" in line for line in left)
    assert any("No Lifetimes" in line and "nothing to manage" in line for line in left)


def test_the_audit_markdown_fits_a_step_summary_for_100000_apps() -> None:
    """GitHub takes a step summary of at most 1 MiB: the worst rows first, then a line saying how many more are
    in the JSON, whose rows are all there."""
    from pulumi_idcs_cli.audit import judge, markdown
    from pulumi_idcs_cli.scan import Found
    apps = [Found(f"id{i:06d}", f"client-{i}", f"App {i}", "confidential client",
                  {"accessTokenExpiry": 3600 * (1 + i % 48), "refreshTokenExpiry": 86400},
                  frozenset(), "idcs:index:AppTokenExpiry", "idcs-token-lifetime-bounds") for i in range(100_000)]
    rows = judge((("https://idcs.example.com", a) for a in apps), {}, {})
    text = markdown(rows, ["https://idcs.example.com"])
    assert len(text.encode()) < 1024 * 1024
    assert "more row(s)" in text and "are in the JSON report" in text
    first = next(line for line in text.splitlines() if line.startswith("| https://"))
    assert "allows" in first  # the worst first

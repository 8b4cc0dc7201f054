"""The gate's report from engine-shaped findings: statuses, order, human durations, exit codes."""

from __future__ import annotations

import json

import pytest
from pulumi_idcs_gate.collect import Findings, Step, Violation, one_line
from pulumi_idcs_gate.report import as_json, build, exit_code, human, markdown

APP = "idcs:index:AppTokenExpiry"
URN = "urn:pulumi:prod::p::" + APP + "::{}"


def step(name: str, live: dict[str, object], desired: dict[str, object], op: str = "update",
         type_: str = APP) -> Step:
    return Step(op, URN.format(name), type_, {"appId": "id-" + name, "appDisplayName": name.title(), **live}, desired)


def test_human_durations() -> None:
    assert [human(v) for v in (100, 900, 5400, 2592000, 90061, None)] == [
        "100 (1m40s)", "900 (15m)", "5400 (1h30m)", "2592000 (30d)", "90061 (1d1h1m1s)", "—"]


def test_statuses_follow_live_desired_and_applied_and_come_worst_first() -> None:
    found = Findings(steps=[
        step("synced", {"accessTokenExpiry": 900.0}, {"accessTokenExpiry": 900.0}, op="same"),
        step("drifted", {"accessTokenExpiry": 100.0}, {"accessTokenExpiry": 900.0}),
        step("edited", {"accessTokenExpiry": 900.0}, {"accessTokenExpiry": 2700.0}),
        step("new", {}, {"refreshTokenExpiry": 86400.0}, op="create"),
    ], applied={URN.format(n): {"accessTokenExpiry": 900.0} for n in ("synced", "drifted", "edited")})
    rows, _ = build(found)
    assert [(r.resource, r.status) for r in rows] == [
        ("drifted", "drift"), ("edited", "pending change"), ("new", "pending change"), ("synced", "in sync")]
    assert rows[0].app == "Drifted (id-drifted)" and (rows[0].live, rows[0].desired) == (100, 900)
    assert exit_code(found, rows) == 1
    text = markdown("prod", 1, rows, [], found)
    assert "| drifted | Drifted (id-drifted) | accessTokenExpiry | 100 (1m40s) | 900 (15m) | **drift** |" in text


def test_policy_violations_lead_and_decide_the_exit_code() -> None:
    found = Findings(violations=[Violation("idcs-token-lifetime-bounds", "mandatory", "accessTokenExpiry is 2d",
                                           URN.format("mobile"))])
    rows, _ = build(found)
    assert rows[0].status == "policy violation" and rows[0].resource == "mobile"
    assert exit_code(found, rows) == 2
    report = json.loads(as_json("prod", 2, rows, [], None))
    assert report["version"] == 1 and report["verdict"] == "a mandatory policy was violated"
    assert report["rows"][0]["note"].startswith("idcs-token-lifetime-bounds (mandatory)")


def test_a_clean_stack_and_a_failed_run() -> None:
    clean = Findings(steps=[step("a", {"accessTokenExpiry": 900.0}, {"accessTokenExpiry": 900.0}, op="same")])
    assert exit_code(clean, build(clean)[0]) == 0
    broken = Findings(error="error: the admin client could not get a token")
    assert exit_code(broken, build(broken)[0]) == 3
    assert "**error: the admin client could not get a token**" in markdown("prod", 3, [], [], broken)


def test_refresh_checks_report_their_last_result() -> None:
    check = Step("same", "urn:pulumi:prod::p::idcs:index:RefreshGrantCheck::mobile-refresh",
                 "idcs:index:RefreshGrantCheck", {"clientId": "7d1f", "checkedAt": "2026-11-22T05:00:00Z",
                                                  "expiresIn": 3600.0}, {})
    failed = Step("update", "urn:pulumi:prod::p::idcs:index:RefreshGrantCheck::web", "idcs:index:RefreshGrantCheck",
                  {"clientId": "web", "checkedAt": "2026-11-22T05:00:00Z", "failure": "lives 7200 s"}, {})
    _, checks = build(Findings(steps=[check, failed]))
    assert [(c.check, c.result) for c in checks] == [
        ("mobile-refresh", "the last up proved it"),
        ("web", "the last up failed it: lives 7200 s; due: the next up exchanges again")]


def test_a_violation_row_names_the_app_attribute_and_desired_value_on_one_line() -> None:
    urn = URN.format("mobile")
    found = Findings(violations=[Violation("idcs-token-lifetime-bounds", "mandatory",
                                           "Access and refresh token lifetimes stay within bounds.\n"
                                           "accessTokenExpiry is 172800 s (2d) | too long", urn)],
                     planned={urn: {"appId": "5b0c", "accessTokenExpiry": 172800.0}},
                     steps=[step("mobile", {"refreshTokenExpiry": 86400.0}, {"refreshTokenExpiry": 7200.0})])
    rows, _ = build(found)
    assert [(r.status, r.attribute, r.desired) for r in rows] == [
        ("policy violation", "accessTokenExpiry", 172800), ("pending change", "refreshTokenExpiry", 7200)]
    assert rows[0].app == "5b0c"
    table = [line for line in markdown("prod", 2, rows, [], found).splitlines() if line.startswith("| mobile")]
    assert len(table) == 2 and all(line.count(" | ") == 5 for line in table)
    assert "bounds.<br>accessTokenExpiry is 172800 s (2d) \\| too long" in table[0]
    report = json.loads(as_json("prod", 2, rows, [], None))
    assert report["version"] == 1 and report["rows"][0]["attribute"] == "accessTokenExpiry"


def test_a_replacement_is_one_set_of_rows_for_the_app_up_adopts() -> None:
    old = {"appId": "old-id", "appDisplayName": "Old", "accessTokenExpiry": 28800.0}
    new = {"appId": "new-id", "appDisplayName": "New", "originalAccessTokenExpiry": 3600.0}
    steps = [Step(op, URN.format("app"), APP, old, {"appId": "new-id", "accessTokenExpiry": 28800.0}, new)
             for op in ("create-replacement", "replace", "delete-replaced")]
    rows, _ = build(Findings(steps=steps))
    assert [(r.app, r.live, r.desired, r.status) for r in rows] == [("New (new-id)", 3600, 28800, "pending change")]
    assert "instead of Old (old-id)" in rows[0].note


def test_a_renamed_app_is_one_row_saying_what_to_write() -> None:
    renamed = step("mobile", {"identifiedBy": "appDisplayName", "appDisplayName": "MobileApp",
                              "renamedTo": 'It\'s "new"', "accessTokenExpiry": 900.0},
                   {"appDisplayName": "MobileApp", "accessTokenExpiry": 900.0}, op="same")
    rows, _ = build(Findings(steps=[renamed]))
    assert [(r.status, r.attribute) for r in rows] == [("renamed", "appDisplayName"), ("in sync", "accessTokenExpiry")]
    assert rows[0].app == 'It\'s "new" (id-mobile)'
    assert 'write appDisplayName: "It\'s \\"new\\""' in rows[0].note


def test_the_error_is_the_clis_last_error_line() -> None:
    text = ("code: 255\n stdout: Previewing update (test):\n stderr: error: preview failed\n"
            "error: no stack named 'nosuch' found\n")
    assert one_line(text) == "error: no stack named 'nosuch' found"


def test_the_gate_carries_its_own_policy_pack() -> None:
    """An installed gate has no checkout: the pack it runs is written for the run, on this interpreter."""
    import sys
    from pathlib import Path

    from pulumi_idcs_gate.pack import policy_pack
    with policy_pack(None) as written:
        pack = Path(written)
        assert f"virtualenv: {sys.prefix}" in (pack / "PulumiPolicy.yaml").read_text()
        assert "from pulumi_idcs_policy.pack import serve" in (pack / "__main__.py").read_text()
    assert not pack.exists()  # nothing left behind
    with policy_pack("/some/pack") as given:
        assert given == "/some/pack"


def test_a_drift_row_names_who_last_changed_the_app_and_when() -> None:
    found = Findings(steps=[
        step("drifted", {"accessTokenExpiry": 100.0, "lastModifiedBy": "alice@example.com",
                         "lastModified": "2026-12-02T10:00:00Z"}, {"accessTokenExpiry": 900.0}),
        step("edited", {"accessTokenExpiry": 900.0, "lastModifiedBy": "ci-admin"}, {"accessTokenExpiry": 2700.0}),
    ], applied={URN.format(n): {"accessTokenExpiry": 900.0} for n in ("drifted", "edited")})
    rows, _ = build(found)
    assert [(r.resource, r.note) for r in rows] == [
        ("drifted", "last changed by alice@example.com at 2026-12-02T10:00:00Z"), ("edited", "")]  # the program's edit
    assert "last changed by alice@example.com at 2026-12-02T10:00:00Z" in markdown("prod", 1, rows, [], found)
    assert json.loads(as_json("prod", 1, rows, [], None))["rows"][0]["note"].startswith("last changed by alice")


@pytest.mark.parametrize("apps", [300, 10_000])
def test_the_report_fits_a_pull_request_comment_whatever_the_stack(apps: int) -> None:
    """GitHub refuses a comment over 65,536 characters: counts first, what changes in full while it fits, the rows
    in sync as a count, and a line when rows were cut (the JSON has all)."""
    names = [f"app-{i:05d}" for i in range(apps)]
    found = Findings(steps=[step(n, {"accessTokenExpiry": 100.0 if i % 2 else 900.0}, {"accessTokenExpiry": 900.0})
                            for i, n in enumerate(names)],
                     applied={URN.format(n): {"accessTokenExpiry": 900.0} for n in names})
    rows, _ = build(found)
    text = markdown("prod", 1, rows, [], found)
    assert len(text) < 60_000, len(text)
    assert f"{apps} rows: {apps // 2} drift, {apps // 2} in sync." in text
    assert f"{apps // 2} row(s) in sync, not listed" in text
    listed = text.count("**drift**")
    assert listed == apps // 2 if apps == 300 else f"{apps // 2 - listed} more row(s)" in text
    assert len(json.loads(as_json("prod", 1, rows, [], None))["rows"]) == apps

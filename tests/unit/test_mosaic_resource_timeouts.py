"""ResourceTokenTimeouts' implementation, in-process against the emulator's Mosaic resources API over real HTTP:
adopt by id or URI, PUT only what differs, read after write, drift, un-managing, restore, import, and every
refusal before anything is written. (The engine tests run it through both doors.)"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from idcs_emulator import EmulatorServer
from pulumi_idcs_provider.context import Context
from pulumi_idcs_provider.errors import IdcsError
from pulumi_idcs_provider.mosaic_resource_timeouts import IMPLEMENTATION as impl

PAYMENTS, PAYMENTS_URI = "c2a9e4b1d7f3468e", "https://payments.example.com/api"
REPORTS = "5e81f0c3a6b94d27"
ADMIN = ("mosaic-admin-client", "emulator-mosaic-admin-secret-0007")
CLIENT, CLIENT_SECRET = "mosaic-demo-client", "emulator-mosaic-secret-0006"
APPS_ONLY = ("mosaic-apps-only-client", "emulator-mosaic-apps-only-secret-0008")


def context(emu: EmulatorServer, admin: tuple[str, str] = ADMIN) -> Context:
    return Context({"idcs:mosaicBaseUrl": emu.url, "idcs:mosaicClientId": admin[0],
                    "idcs:mosaicClientSecret": admin[1]}, environ={})


def up(ctx: Context, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """What the engine does for a new resource: check (failing on any failure), then create."""
    checked = impl.check(ctx, {}, news)
    assert not checked.failures, [(f.property, f.reason) for f in checked.failures]
    created = impl.create(ctx, checked.inputs)
    return str(created.id), dict(created.outs or {})


def puts(emu: EmulatorServer) -> list[dict[str, Any]]:
    return [r["body"] for r in emu.requests_of("mosaic-resource-put")]


def stored(emu: EmulatorServer, resource_id: str = PAYMENTS) -> dict[str, Any]:
    return dict(emu.mosaic.resources[resource_id])


@pytest.mark.parametrize("named", [{"resourceId": PAYMENTS}, {"resourceUri": PAYMENTS_URI}])
def test_adopting_puts_only_the_lifetime_that_differs(emulator: EmulatorServer, named: dict[str, str]) -> None:
    before = stored(emulator)
    id_, outs = up(context(emulator), {**named, "accessTokenTtl": "15m", "refreshTokenTtl": "14d"})
    assert id_ == PAYMENTS
    assert puts(emulator) == [{"access_token_ttl": 900}]  # refreshTokenTtl already 14 days: not sent
    after = stored(emulator)
    assert after["access_token_ttl"] == 900
    assert {k: v for k, v in after.items() if k not in ("access_token_ttl", "updated_at")} == {
        k: v for k, v in before.items() if k not in ("access_token_ttl", "updated_at")}
    assert outs["resourceId"] == PAYMENTS and outs["resourceUri"] == PAYMENTS_URI
    assert outs["identifiedBy"] == next(iter(named))
    assert outs["accessTokenTtl"] == 900 and outs["originalAccessTokenTtl"] == 3600
    assert "maxRefreshRotate" not in outs  # not managed: neither reported nor changed


@pytest.mark.parametrize(("inputs", "prop", "words"), [
    ({"accessTokenTtl": 900}, "resourceId", "name the resource"),
    ({"resourceId": PAYMENTS, "resourceUri": PAYMENTS_URI, "accessTokenTtl": 900}, "resourceId", "not both"),
    ({"resourceId": PAYMENTS}, "accessTokenTtl", "nothing to manage: set accessTokenTtl, refreshTokenTtl or"),
    ({"resourceId": PAYMENTS, "refreshTokenTtl": "30d", "maxRefreshRotate": "14d"}, "refreshTokenTtl",
     "at most maxRefreshRotate"),
    ({"resourceId": PAYMENTS, "accessTokenTtl": "6M"}, "accessTokenTtl", 'minutes as "m"'),
    ({"resourceId": "../x", "accessTokenTtl": 900}, "resourceId", "is not a Mosaic id"),
    ({"resourceUri": " https://x", "accessTokenTtl": 900}, "resourceUri", "is not a resource URI"),
    ({"resourceId": "no-such-resource", "accessTokenTtl": 900}, "resourceId", "no resource 'no-such-resource'"),
    ({"resourceId": PAYMENTS, "refreshTokenTtl": "30d"}, "refreshTokenTtl",  # the live maxRefreshRotate is 14d
     "would outlive the rotation limit (1209600 s (2w); maxRefreshRotate as Mosaic holds it now)"),
    ({"resourceUri": "https://nowhere.example.com", "accessTokenTtl": 900}, "resourceUri",
     "Applications > Resources"),  # named by the property the program wrote
])
def test_bad_input_is_refused_at_check_with_nothing_written(emulator: EmulatorServer, inputs: dict[str, Any],
                                                            prop: str, words: str) -> None:
    failures = {f.property: f.reason for f in impl.check(context(emulator), {}, inputs).failures}
    assert prop in failures and words in failures[prop], failures
    assert puts(emulator) == []


def test_a_management_app_without_resources_permission_is_refused_at_check(emulator: EmulatorServer) -> None:
    failures = impl.check(context(emulator, APPS_ONLY), {}, {"resourceId": PAYMENTS, "accessTokenTtl": 900}).failures
    assert len(failures) == 1
    assert "HTTP 403" in failures[0].reason and "resources:read" in failures[0].reason
    assert "the resources" in failures[0].reason and APPS_ONLY[1] not in failures[0].reason


def test_drift_is_the_domain_and_update_puts_it_back(emulator: EmulatorServer) -> None:
    ctx = context(emulator)
    id_, outs = up(ctx, {"resourceId": PAYMENTS, "accessTokenTtl": "15m"})
    news = {"resourceId": PAYMENTS, "accessTokenTtl": 900}
    assert impl.diff(ctx, id_, outs, news).drift == {}
    emulator.mosaic.change_resource(PAYMENTS, {"access_token_ttl": 60})
    diff = impl.diff(ctx, id_, outs, news)
    assert diff.drift == {"accessTokenTtl": (60, 900)} and not diff.inputs_changed
    refreshed = impl.read(ctx, id_, outs)
    assert refreshed.outs is not None and refreshed.outs["accessTokenTtl"] == 60
    assert refreshed.inputs == {"resourceId": PAYMENTS, "onDelete": "retain", "accessTokenTtl": 60}
    updated = impl.update(ctx, id_, outs, news)
    assert stored(emulator)["access_token_ttl"] == 900 and updated.outs is not None
    assert updated.outs["originalAccessTokenTtl"] == 3600  # the value found at adoption, not the drifted one


def test_a_put_mosaic_did_not_keep_is_an_error(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = context(emulator)
    real = emulator.mosaic.put_resource
    monkeypatch.setattr(emulator.mosaic, "put_resource", lambda bearer, rid, body: {**real(bearer, rid, {}),
                                                                                  "access_token_ttl": 3600})
    checked = impl.check(ctx, {}, {"resourceId": PAYMENTS, "accessTokenTtl": 900})
    with pytest.raises(IdcsError, match=r"not store the values sent \(accessTokenTtl: sent 900, Mosaic answered 3600"):
        impl.create(ctx, checked.inputs)


@pytest.mark.parametrize(("on_delete", "after"), [("retain", 900), ("restore", 3600)])
def test_delete_retains_or_restores_the_value_found_at_adoption(emulator: EmulatorServer, on_delete: str,
                                                                after: int) -> None:
    ctx = context(emulator)
    id_, outs = up(ctx, {"resourceUri": PAYMENTS_URI, "accessTokenTtl": "15m", "onDelete": on_delete})
    impl.delete(context(emulator), id_, outs)  # the next run's context: nothing adopted in it
    assert stored(emulator)["access_token_ttl"] == after
    assert puts(emulator)[1:] == ([{"access_token_ttl": 3600}] if on_delete == "restore" else [])


def test_no_longer_managing_a_lifetime_restores_it_and_keeps_the_rest(emulator: EmulatorServer) -> None:
    ctx = context(emulator)
    id_, outs = up(ctx, {"resourceId": PAYMENTS, "accessTokenTtl": "15m", "refreshTokenTtl": "7d",
                         "onDelete": "restore"})
    updated = impl.update(ctx, id_, outs, {"resourceId": PAYMENTS, "accessTokenTtl": "15m", "onDelete": "restore"})
    assert stored(emulator)["refresh_token_ttl"] == 1209600 and stored(emulator)["access_token_ttl"] == 900
    assert updated.outs is not None and "refreshTokenTtl" not in updated.outs


def test_another_resource_is_a_replace_and_one_owner_per_resource(emulator: EmulatorServer) -> None:
    ctx = context(emulator)
    id_, outs = up(ctx, {"resourceId": PAYMENTS, "accessTokenTtl": "15m", "__name": "first"})
    other = {"resourceUri": "https://reports.example.com/api", "accessTokenTtl": "15m"}
    assert impl.diff(ctx, id_, outs, other).replaces == ("resourceUri",)
    same_by_uri = impl.diff(ctx, id_, outs, {"resourceUri": PAYMENTS_URI, "accessTokenTtl": 900})
    assert not same_by_uri.replaces and not same_by_uri.drift
    second = impl.check(ctx, {}, {"resourceUri": PAYMENTS_URI, "accessTokenTtl": 900, "__name": "second"})
    assert [f.property for f in second.failures] == ["resourceUri"]  # what the program wrote
    assert "managed by two resources of this deployment, 'first' and 'second'" in second.failures[0].reason


@pytest.mark.parametrize("id_", [REPORTS, "https://reports.example.com/api"])
def test_import_adopts_every_lifetime_as_it_is(emulator: EmulatorServer, id_: str) -> None:
    found = impl.import_(context(emulator), id_)
    assert found is not None
    outs, inputs = found
    assert inputs == {("resourceUri" if "://" in id_ else "resourceId"): id_, "onDelete": "retain",
                      "accessTokenTtl": 900, "refreshTokenTtl": 86400, "maxRefreshRotate": 604800}
    assert outs["resourceId"] == REPORTS and outs["originalMaxRefreshRotate"] == 604800
    assert impl.import_(context(emulator), "nothing-here") is None
    assert puts(emulator) == []


def client_token(emu: EmulatorServer, **extra: str) -> requests.Response:
    return requests.post(emu.url + "/oidc/token", timeout=5, data={
        "grant_type": "client_credentials", "client_id": CLIENT, "client_secret": CLIENT_SECRET, **extra})


def test_a_token_for_a_resource_takes_its_lifetimes_and_a_refresh_keeps_the_resource(emulator: EmulatorServer) -> None:
    emulator.mosaic.change_resource(PAYMENTS, {"access_token_ttl": 600})
    assert client_token(emulator, resource=PAYMENTS_URI).json()["expires_in"] == 600
    bearer = {"Authorization": f"Bearer {client_token(emulator).json()['access_token']}"}
    assert client_token(emulator).json()["expires_in"] == 3600  # no resource: the default
    pair = emulator.mosaic.mint(CLIENT, PAYMENTS_URI)  # a login for the resource
    assert pair["expires_in"] == 600
    for _ in range(2):  # the refresh request names no resource: the chain keeps the login's
        pair = requests.post(emulator.url + "/cis/v1/auth/token/refresh", headers=bearer, timeout=5,
                             json={"refresh_token": pair["refresh_token"]}).json()
        assert pair["expires_in"] == 600
    assert emulator.mosaic.mint(CLIENT)["expires_in"] == 3600  # the client's own lifetime


def test_a_resource_not_added_to_the_client_is_refused(emulator: EmulatorServer) -> None:
    refused = client_token(emulator, resource="https://reports.example.com/api")
    assert refused.status_code == 400
    assert refused.json() == {"message": f"Resource https://reports.example.com/api is not allowed for client {CLIENT}",
                              "error_code": 400}


def test_a_refresh_keeps_what_the_program_named_the_resource_by(emulator: EmulatorServer) -> None:
    ctx = context(emulator)
    id_, outs = up(ctx, {"resourceUri": PAYMENTS_URI, "accessTokenTtl": "15m"})
    refreshed = impl.read(ctx, id_, outs)
    assert refreshed.outs is not None and refreshed.outs["identifiedBy"] == "resourceUri"
    assert refreshed.inputs == {"resourceUri": PAYMENTS_URI, "onDelete": "retain", "accessTokenTtl": 900}

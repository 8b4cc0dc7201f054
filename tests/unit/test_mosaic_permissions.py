"""Mosaic's permissions as Transmit's OpenAPI documents list them (emulator/idcs_emulator/mosaic_operations.json,
with its sources): every management route the emulator serves is a documented operation, and whether an operation
needs all of its listed permissions or any one (not said) does not change what a well-configured user sees."""

from __future__ import annotations

import re

import pytest
from idcs_emulator import EmulatorServer
from idcs_emulator.mosaic import OPERATIONS
from idcs_emulator.mosaic_service import ROUTES
from pulumi_idcs_provider.context import Context
from pulumi_idcs_provider.mosaic_timeouts import IMPLEMENTATION as impl

APP, CLIENT = "mosaic-demo-app", "mosaic-demo-client"
APPS_ONLY = ("mosaic-apps-only-client", "emulator-mosaic-apps-only-secret-0008")  # apps:read and apps:edit only
ADMIN = ("mosaic-admin-client", "emulator-mosaic-admin-secret-0007")             # every permission listed


def context(emu: EmulatorServer, admin: tuple[str, str]) -> Context:
    return Context({"idcs:mosaicBaseUrl": emu.url, "idcs:mosaicClientId": admin[0],
                    "idcs:mosaicClientSecret": admin[1]}, environ={})


def test_every_management_route_is_a_documented_operation() -> None:
    documented = {(op["method"], re.sub(r"\{[^}]+\}", "{}", op["path"])) for op in OPERATIONS.values()}
    served = {(r.method, re.sub(r"\{[^}]+\}", "{}", r.pattern)) for r in ROUTES if r.pattern.startswith("/cis/v1/")
              and r.pattern != "/cis/v1/auth/token/refresh"}  # the refresh takes a client's token, no permission
    assert served <= documented, served - documented


@pytest.mark.parametrize("rule", ["any", "all"])
def test_a_management_app_with_every_listed_permission_works_either_way(emulator: EmulatorServer,
                                                                         rule: str) -> None:
    emulator.set_faults({"mosaicPermissions": rule})
    ctx = context(emulator, ADMIN)
    checked = impl.check(ctx, {}, {"appId": APP, "clientId": CLIENT, "accessTokenTtl": 900})
    assert not checked.failures
    impl.create(ctx, checked.inputs)
    assert emulator.mosaic.clients[CLIENT]["token_expiration"]["access_token_ttl"] == 900


def test_a_missing_listed_permission_is_a_403_naming_it_and_every_permission_to_grant(
        emulator: EmulatorServer) -> None:
    emulator.set_faults({"mosaicPermissions": "all"})  # updateAppClient lists apps:edit and apps:create
    ctx = context(emulator, APPS_ONLY)
    checked = impl.check(ctx, {}, {"appId": APP, "clientId": CLIENT, "accessTokenTtl": 900})
    assert not checked.failures  # reading needs apps:read alone
    with pytest.raises(Exception, match=r"HTTP 403, error_code 403: The token lacks the permission apps:create: give "
                                        r"the management app .* apps:read, apps:edit and apps:create"):
        impl.create(ctx, checked.inputs)
    assert emulator.mosaic.clients[CLIENT]["token_expiration"]["access_token_ttl"] != 900

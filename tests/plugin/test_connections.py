"""Several identity domains in one stack: a resource names a connection kept in the stack config."""

from __future__ import annotations

import json
from typing import Any

import grpc
import pytest
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE
from idcs_emulator import EmulatorServer
from provider_server import DIFF_SOME, ProviderServer


def test_each_resource_reaches_its_own_domain(stack_config: dict[str, Any], emulator: EmulatorServer) -> None:
    with EmulatorServer() as eu:
        config = {**stack_config, "idcs:connections": json.dumps(
            {"eu": {"domainUrl": eu.url, "clientId": ADMIN_ID, "clientSecret": ADMIN_SECRET}})}
        with ProviderServer(config) as server:
            _, _, home = server.up({"appId": MOBILE, "accessTokenExpiry": 1200})
            id_, checked, away = server.up({"appId": MOBILE, "accessTokenExpiry": 900, "connection": "eu"})
            assert home["domainUrl"] == emulator.url and away["domainUrl"] == eu.url
            assert emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 1200
            assert eu.domain.apps[MOBILE]["accessTokenExpiry"] == 900
            moved = server.diff(id_, away, {**checked, "connection": None})
            assert moved.changes == DIFF_SOME and list(moved.replaces) == ["connection"]
        eu.domain.change_app(MOBILE, {"accessTokenExpiry": 700})  # a console edit in the other domain only
        with ProviderServer(config) as destroy:  # a later deployment: refresh and delete use the named connection
            rid, refreshed, _ = destroy.read(id_, away)
            assert rid == MOBILE and refreshed["accessTokenExpiry"] == 700 and refreshed["domainUrl"] == eu.url
            destroy.delete(id_, {**refreshed, "onDelete": "restore"})
        assert eu.domain.apps[MOBILE]["accessTokenExpiry"] == 3600
        assert emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 1200  # the stack's own domain: untouched
        assert ADMIN_SECRET not in json.dumps(away)


def test_an_unknown_connection_is_refused_at_check_naming_the_config_key(stack_config: dict[str, Any],
                                                                        emulator: EmulatorServer) -> None:
    with ProviderServer(stack_config) as server:
        text = server.refused_at_check({"appId": MOBILE, "accessTokenExpiry": 1200, "connection": "apac"})
    assert text.startswith("connection: no connection 'apac': set idcs:connections.apac.domainUrl")
    assert emulator.requests_of() == []


def test_restore_refuses_to_write_to_another_domain(stack_config: dict[str, Any], emulator: EmulatorServer) -> None:
    with ProviderServer(stack_config) as server:
        id_, _, outs = server.up({"appId": MOBILE, "accessTokenExpiry": 1200, "onDelete": "restore"})
    with EmulatorServer() as other, ProviderServer({**stack_config, "idcs:domainUrl": other.url}) as moved:
        with pytest.raises(grpc.RpcError) as err:
            moved.delete(id_, outs)
        assert other.requests_of("patch") == []
    text = str(err.value.details())  # type: ignore[attr-defined]
    assert "no configured connection reaches that domain any more" in text and "idcs:skipRestore true" in text

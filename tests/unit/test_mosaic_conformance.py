"""The Mosaic requests the provider sends and the answers it relies on, against the shapes Transmit's OpenAPI
documents give them (the fragments recorded with their sources in emulator/idcs_emulator/mosaic_operations.json):
a PUT names only fields the update operation documents, with the documented types; the emulator answers with the
fields and types the provider reads."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from idcs_emulator import EmulatorServer
from pulumi_idcs_provider.context import Context
from pulumi_idcs_provider.errors import IdcsError
from pulumi_idcs_provider.mosaic_resource_timeouts import IMPLEMENTATION as resource_timeouts
from pulumi_idcs_provider.mosaic_timeouts import IMPLEMENTATION as client_timeouts

SCHEMAS: dict[str, Any] = json.loads(
    resources.files("idcs_emulator").joinpath("mosaic_operations.json").read_text())["schemas"]
TYPES = {"number": (int, float), "string": str, "object": dict, "array": list, "boolean": bool}


def problems(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """What in `value` the schema fragment does not allow (type, required, no other properties)."""
    if "$ref" in schema:
        return problems(value, SCHEMAS[schema["$ref"]], where)
    wanted = TYPES[schema["type"]]
    if not isinstance(value, wanted) or (schema["type"] == "number" and isinstance(value, bool)):
        return [f"{where} is {type(value).__name__}, not {schema['type']}"]
    if schema["type"] != "object":
        return []
    found = [f"{where}.{k} is missing" for k in schema.get("required", []) if k not in value]
    props = schema.get("properties", {})
    if schema.get("additionalProperties") is False:
        found += [f"{where}.{k} is not a documented field" for k in value if k not in props]
    return found + [p for k, v in value.items() if k in props for p in problems(v, props[k], f"{where}.{k}")]


def context(emu: EmulatorServer) -> Context:
    return Context({"idcs:mosaicBaseUrl": emu.url, "idcs:mosaicClientId": "mosaic-admin-client",
                    "idcs:mosaicClientSecret": "emulator-mosaic-admin-secret-0007"}, environ={})


def test_the_checker_sees_what_is_wrong() -> None:
    wrong = {"token_expiration": {"access_token_ttl": "1h"}, "colour": 1}
    assert problems(wrong, SCHEMAS["ApiUpdateOidcClientInput"]) == [
        "$.colour is not a documented field", "$.token_expiration.access_token_ttl is str, not number"]


def test_client_updates_and_answers_are_as_documented(emulator: EmulatorServer) -> None:
    ctx = context(emulator)
    news = {"appId": "mosaic-demo-app", "clientId": "mosaic-demo-client", "accessTokenTtl": 900,
            "sessionExpiration": "1d", "onDelete": "restore"}
    created = client_timeouts.create(ctx, client_timeouts.check(ctx, {}, news).inputs)
    client_timeouts.delete(context(emulator), str(created.id), created.outs or {})  # a later run: the restore PUT
    bodies = [r["body"] for r in emulator.requests_of("mosaic-client-put")]
    assert len(bodies) == 2
    assert [p for b in bodies for p in problems(b, SCHEMAS["ApiUpdateOidcClientInput"])] == []
    answer = ctx.mosaic().get_client("mosaic-demo-app", "mosaic-demo-client")
    assert problems(answer, SCHEMAS["ApiOidcClient"]) == []


def test_resource_updates_and_answers_are_as_documented(emulator: EmulatorServer) -> None:
    ctx = context(emulator)
    news = {"resourceId": "c2a9e4b1d7f3468e", "accessTokenTtl": 900, "maxRefreshRotate": "30d",
            "onDelete": "restore"}
    created = resource_timeouts.create(ctx, resource_timeouts.check(ctx, {}, news).inputs)
    resource_timeouts.delete(context(emulator), str(created.id), created.outs or {})
    bodies = [r["body"] for r in emulator.requests_of("mosaic-resource-put")]
    assert len(bodies) == 2
    assert [p for b in bodies for p in problems(b, SCHEMAS["UpdateResourceInput"])] == []
    assert all(problems(r, SCHEMAS["Resource"]) == [] for r in ctx.mosaic().list_resources())


def test_an_import_id_of_the_wrong_form_names_the_form_and_reads_nothing(emulator: EmulatorServer) -> None:
    ctx = context(emulator)
    for impl, id_, form in ((client_timeouts, "mosaic-demo-app", "<appId>/<clientId>"),
                            (client_timeouts, "mosaic demo/client", "<appId>/<clientId>"),
                            (resource_timeouts, "not an id", "the resource's id")):
        with pytest.raises(IdcsError, match=form):
            impl.import_(ctx, id_)
    assert [r["kind"] for r in emulator.requests_of() if r["kind"] != "mosaic-token"] == []

"""The SCIM 2.0 pieces IDCS speaks (RFC 7644): filters, PatchOp bodies, error bodies."""

from __future__ import annotations

import json
from typing import Any

import requests

PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
ORACLE_ERROR_EXTENSION = "urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"  # RFC 7644 §3.4.3


def quote(value: str) -> str:
    """A SCIM filter string literal: RFC 7644 §3.4.2.2 takes JSON strings, so quotes, backslashes and control
    characters are escaped as JSON escapes them."""
    return json.dumps(value, ensure_ascii=False)


def eq_filter(attribute: str, value: str) -> str:
    return f"{attribute} eq {quote(value)}"


def patch_body(values: dict[str, int]) -> dict[str, Any]:
    """A PatchOp replacing each attribute with a JSON integer (IDCS refuses 3600.0)."""
    return {
        "schemas": [PATCH_OP_SCHEMA],
        "Operations": [{"op": "replace", "path": a, "value": int(v)} for a, v in sorted(values.items())],
    }


def error_fields(body: object) -> tuple[str | None, str | None]:
    """(messageId, detail) from a SCIM error body, tolerating anything else a proxy may send."""
    if not isinstance(body, dict):
        return None, None
    ext = body.get(ORACLE_ERROR_EXTENSION)
    message_id = ext.get("messageId") if isinstance(ext, dict) else None
    detail = body.get("detail")
    return (str(message_id) if message_id else None), (str(detail) if detail else None)


def json_object(resp: requests.Response) -> dict[str, Any]:
    """An answer's JSON object, or {} for anything else (a proxy's HTML page, an empty body): never a traceback."""
    try:
        body = resp.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}

"""What the emulator answers, and the errors its models raise: each error knows the shape its API gives it.

Models (the domain, the grants, Mosaic) return plain data or raise one of these errors; the services turn both
into a `Reply`, and the server writes a `Reply` out. Error shapes follow docs/idcs-api.md (SCIM errors with
Oracle's messageId), RFC 6749 §5.2 (OAuth errors) and docs/mosaic-api.md (Mosaic's message and error_code).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
ORACLE_ERROR = "urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error"
SCIM_JSON = "application/scim+json"


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


class EmulatorError(Exception):
    """A refusal by a model; `reply()` says it in its API's words."""

    def reply(self) -> Reply:
        raise NotImplementedError


class ScimError(EmulatorError):
    """An IDCS admin API error: SCIM error body, Oracle messageId, an ECID header."""

    def __init__(self, status: int, detail: str, message_id: str) -> None:
        super().__init__(detail)
        self.status, self.detail, self.message_id = status, detail, message_id

    def reply(self) -> Reply:
        return Reply(self.status, {"schemas": [ERROR_SCHEMA, ORACLE_ERROR], "detail": self.detail,
                                   "status": str(self.status), ORACLE_ERROR: {"messageId": self.message_id}},
                     {"X-ORACLE-DMS-ECID": uuid.uuid4().hex}, SCIM_JSON)


class OAuthError(EmulatorError):
    """A token endpoint's refusal (RFC 6749 §5.2)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description

    def reply(self) -> Reply:
        return Reply(self.status, {"error": self.error, "error_description": self.description})


class MosaicError(EmulatorError):
    """Mosaic's error shape: `{"message": <text or list>, "error_code": <status>}`."""

    def __init__(self, status: int, message: str | list[str]) -> None:
        super().__init__(str(message))
        self.status, self.message = status, message

    def reply(self) -> Reply:
        return Reply(self.status, {"message": self.message, "error_code": self.status})


class OciError(EmulatorError):
    """An OCI service's error shape (the metadata service, the federation endpoint): `{"code", "message"}`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message

    def reply(self) -> Reply:
        code = {400: "InvalidParameter", 401: "NotAuthenticated", 404: "NotAuthorizedOrNotFound"}.get(self.status,
                                                                                                     "Error")
        return Reply(self.status, {"code": code, "message": self.message})


class ControlError(EmulatorError):
    """A refusal of the emulator's own control API."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail

    def reply(self) -> Reply:
        return Reply(self.status, {"detail": self.detail})

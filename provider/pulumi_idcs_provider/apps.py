"""The part of an IDCS App this package reads, as the API clients return it: identity, the two expiries, who
changed it last, and the ETag for If-Match; and what every Apps read asks for (`attributes=`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from .definition import Wire, properties, snake


class AppExpiries(Wire):
    """The part of an IDCS App this package reads: identity, the two expiries, and the ETag for If-Match."""

    id: str
    name: str | None = None
    display_name: str | None = None
    access_token_expiry: int | None = None
    refresh_token_expiry: int | None = None
    active: bool | None = None
    #: From the ETag response header (equal to meta.version by definition); not every domain sends one.
    etag: str | None = Field(default=None, exclude=True)
    etag_listed: bool = Field(default=False, exclude=True)  # the etag is a listing's meta.version, not a header
    #: Who last changed the app and when: IDCS's idcsLastModifiedBy.display and meta.lastModified (docs/idcs-api.md);
    #: None where a domain leaves them out.
    last_modified_by: str | None = Field(default=None, exclude=True)
    last_modified: str | None = Field(default=None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _provenance(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        meta, by = data.get("meta"), data.get("idcsLastModifiedBy")
        return {**data, "lastModified": meta.get("lastModified") if isinstance(meta, dict) else None,
                "lastModifiedBy": (by.get("display") or by.get("value")) if isinstance(by, dict) else None}

    def changed_by(self) -> str:
        """' (last changed by X at T)' for a drift message, or '' when the domain does not say."""
        if not self.last_modified_by:
            return ""
        return f" (last changed by {self.last_modified_by}" + (f" at {self.last_modified})" if self.last_modified
                                                                else ")")

    def value(self, wire: str) -> int | None:
        return getattr(self, snake(wire))  # type: ignore[no-any-return]

    def with_values(self, values: dict[str, int]) -> AppExpiries:
        """The app as it would be after a PATCH of `values` (by wire name): what a preview shows."""
        return self.model_copy(update={snake(a): v for a, v in values.items()})


#: What every Apps GET and PATCH asks for (never a bare GET: it can return the client secret).
APP_ATTRIBUTES = ",".join((*(wire for wire, _, field in properties(AppExpiries) if not field.exclude),
                           "meta.lastModified", "idcsLastModifiedBy"))

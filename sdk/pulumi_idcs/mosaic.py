"""Transmit Mosaic: `ClientTokenTimeouts`, the token lifetimes of one existing OIDC client.

    import pulumi_idcs as idcs
    idcs.mosaic.ClientTokenTimeouts("mobile", app_id="…", client_id="…", access_token_ttl="15m",
                                    refresh_token_ttl="7d", max_refresh_rotate="30d", on_delete="retain")
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource
from pulumi_idcs_provider.models import NAME_KEY
from pulumi_idcs_provider.mosaic_timeouts import ClientTokenTimeoutsProvider

from .app_token_expiry import Expiry, _owner_name

#: Every output, by wire name (the state and schema.json use these names).
OUTPUTS = ("appId", "clientId", "accessTokenTtl", "refreshTokenTtl", "maxRefreshRotate", "sessionExpiration",
           "originalAccessTokenTtl", "originalRefreshTokenTtl", "originalMaxRefreshRotate",
           "originalSessionExpiration", "onDelete", "baseUrl")
_INPUT_NAMES = {"app_id": "appId", "client_id": "clientId", "access_token_ttl": "accessTokenTtl",
                "refresh_token_ttl": "refreshTokenTtl", "max_refresh_rotate": "maxRefreshRotate",
                "session_expiration": "sessionExpiration", "on_delete": "onDelete"}


class ClientTokenTimeouts(Resource, module="idcs", name="ClientTokenTimeouts"):
    """Adopts an existing Mosaic OIDC client and manages its token lifetimes, nothing else.

    Each lifetime is optional: one left out is not managed. Durations are whole seconds or "15m", "7d", "PT1H"….
    On delete the values are left (`on_delete="retain"`) or put back as found (`"restore"`). Configuration:
    `idcs:mosaicBaseUrl`, `idcs:mosaicClientId`, `idcs:mosaicClientSecret` (a management app allowed apps:read and
    apps:edit), or MOSAIC_BASE_URL / MOSAIC_CLIENT_ID / MOSAIC_CLIENT_SECRET.
    """

    def __init__(self, resource_name: str, *, app_id: pulumi.Input[str], client_id: pulumi.Input[str],
                 access_token_ttl: pulumi.Input[Expiry] | None = None,
                 refresh_token_ttl: pulumi.Input[Expiry] | None = None,
                 max_refresh_rotate: pulumi.Input[Expiry] | None = None,
                 session_expiration: pulumi.Input[Expiry] | None = None,
                 on_delete: pulumi.Input[str] | None = "retain",
                 opts: pulumi.ResourceOptions | None = None) -> None:
        given = locals()
        props: dict[str, Any] = dict.fromkeys(OUTPUTS)
        props.update({wire: given[py] for py, wire in _INPUT_NAMES.items() if given[py] is not None})
        props[NAME_KEY] = _owner_name(resource_name, opts)
        super().__init__(ClientTokenTimeoutsProvider(), resource_name, props, opts)

    @property
    def access_token_ttl(self) -> pulumi.Output[int | None]:
        """Live access token lifetime in seconds; None when not managed."""
        return self.__dict__["accessTokenTtl"]  # type: ignore[no-any-return]

    @property
    def refresh_token_ttl(self) -> pulumi.Output[int | None]:
        """Live refresh token lifetime in seconds; None when not managed."""
        return self.__dict__["refreshTokenTtl"]  # type: ignore[no-any-return]

    @property
    def max_refresh_rotate(self) -> pulumi.Output[int | None]:
        """Live absolute refresh-token lifetime (rotation limit) in seconds; None when not managed."""
        return self.__dict__["maxRefreshRotate"]  # type: ignore[no-any-return]

    @property
    def session_expiration(self) -> pulumi.Output[int | None]:
        """Live session lifetime in seconds; None when not managed."""
        return self.__dict__["sessionExpiration"]  # type: ignore[no-any-return]

    @property
    def original_access_token_ttl(self) -> pulumi.Output[int | None]:
        """The access token lifetime found at adoption (what "restore" puts back)."""
        return self.__dict__["originalAccessTokenTtl"]  # type: ignore[no-any-return]

    @property
    def original_refresh_token_ttl(self) -> pulumi.Output[int | None]:
        return self.__dict__["originalRefreshTokenTtl"]  # type: ignore[no-any-return]

    @property
    def original_max_refresh_rotate(self) -> pulumi.Output[int | None]:
        return self.__dict__["originalMaxRefreshRotate"]  # type: ignore[no-any-return]

    @property
    def original_session_expiration(self) -> pulumi.Output[int | None]:
        return self.__dict__["originalSessionExpiration"]  # type: ignore[no-any-return]

    @property
    def base_url(self) -> pulumi.Output[str]:
        """The Mosaic API host the client lives in."""
        return self.__dict__["baseUrl"]  # type: ignore[no-any-return]

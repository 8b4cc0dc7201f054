"""Lifetimes of a resource app, and a live check that a client can still trade its refresh token.

The seed refresh token comes from one user login with offline_access (see docs/refresh-grant-check.md); set it once with
`pulumi config set --secret mobileRefreshToken ...`. Later runs use the rotated token kept in state.
"""

import pulumi
import pulumi_idcs as idcs

cfg = pulumi.Config()

resource_app = idcs.AppTokenExpiry(
    "resource-owner",
    app_id=cfg.require("resourceAppId"),
    access_token_expiry=cfg.require("accessTokenExpiry"),
    refresh_token_expiry=cfg.require("refreshTokenExpiry"),
)

check = idcs.RefreshGrantCheck(
    "mobile-refresh",
    flavor="idcs",
    client_id=cfg.require("mobileClientId"),
    client_secret=cfg.get_secret("mobileClientSecret"),
    refresh_token=cfg.require_secret("mobileRefreshToken"),
    scope=cfg.require("scope"),
    # In IDCS expires_in comes from the resource app, so the expectation refers to that app.
    expect_access_token_expiry=cfg.get("expectAccessTokenExpiry") or resource_app.access_token_expiry,
    recheck_after=cfg.require("recheckAfter"),
)

pulumi.export("accessTokenExpiry", resource_app.access_token_expiry)
pulumi.export("checkedAt", check.checked_at)
pulumi.export("expiresIn", check.expires_in)
pulumi.export("refreshTokenRotated", check.refresh_token_rotated)

"""Two apps' token lifetimes. Connection: `pulumi config set idcs:domainUrl ...`, `idcs:clientId`,
`pulumi config set --secret idcs:clientSecret ...` (or IDCS_DOMAIN_URL / IDCS_CLIENT_ID / IDCS_CLIENT_SECRET)."""

import pulumi
import pulumi_idcs as idcs

cfg = pulumi.Config()

resource_owner = idcs.AppTokenExpiry(
    "resource-owner",
    app_id=cfg.require("resourceOwnerAppId"),
    access_token_expiry=cfg.require("accessTokenExpiry"),
    refresh_token_expiry=cfg.require("refreshTokenExpiry"),
    on_delete=cfg.require("onDelete"),
)

mobile = idcs.AppTokenExpiry(
    "mobile",
    app_name=cfg.require("mobileClientId"),
    access_token_expiry=cfg.require("mobileAccessTokenExpiry"),
    refresh_token_expiry=cfg.require("mobileRefreshTokenExpiry"),
    on_delete=cfg.require("onDelete"),
)

for key, app in (("resourceOwner", resource_owner), ("mobile", mobile)):
    pulumi.export(key, {
        "appId": app.app_id,
        "displayName": app.app_display_name,
        "accessTokenExpiry": app.access_token_expiry,
        "refreshTokenExpiry": app.refresh_token_expiry,
        "originalAccessTokenExpiry": app.original_access_token_expiry,
        "originalRefreshTokenExpiry": app.original_refresh_token_expiry,
    })

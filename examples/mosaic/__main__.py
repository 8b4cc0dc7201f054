"""A Mosaic client's token lifetimes, and a refresh check that proves them.

Configuration: `pulumi config set idcs:mosaicBaseUrl https://api.transmitsecurity.io`, `idcs:mosaicClientId` and
`pulumi config set --secret idcs:mosaicClientSecret` of a management app (apps:read, apps:edit); the checked
client's secret and a seed refresh token as `mosaicClientSecret` / `mosaicRefreshToken` (secrets)."""

import pulumi
import pulumi_idcs as idcs

cfg = pulumi.Config()

timeouts = idcs.mosaic.ClientTokenTimeouts(
    "web",
    app_id="mosaic-demo-app",
    client_id="mosaic-demo-client",
    access_token_ttl=cfg.require("accessTokenTtl"),
    refresh_token_ttl="7d",
    max_refresh_rotate="30d",
    on_delete="restore",
)

check = idcs.RefreshGrantCheck(
    "web-refresh",
    flavor="mosaic",
    client_id="mosaic-demo-client",
    client_secret=cfg.require_secret("mosaicClientSecret"),
    refresh_token=cfg.require_secret("mosaicRefreshToken"),
    expect_access_token_expiry=timeouts.access_token_ttl,  # the check follows the managed lifetime
)

pulumi.export("accessTokenTtl", timeouts.access_token_ttl)
pulumi.export("originalAccessTokenTtl", timeouts.original_access_token_ttl)
pulumi.export("expiresIn", check.expires_in)

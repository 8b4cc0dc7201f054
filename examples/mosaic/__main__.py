"""Both places Mosaic decides how long tokens live, each proven by a refresh check: a client's token timeouts, and a
custom resource's (tokens issued for the resource take the resource's lifetimes, and a refresh keeps the resource).

Configuration: `pulumi config set idcs:mosaicBaseUrl https://api.transmitsecurity.io`, `idcs:mosaicClientId` and
`pulumi config set --secret idcs:mosaicClientSecret` of a management app (apps:read, apps:edit, resources:read,
resources:edit); the checked client's secret as `mosaicClientSecret`, and two seed refresh tokens (secrets): one
from a plain login (`mosaicRefreshToken`) and one from a login for the resource (`mosaicResourceRefreshToken`)."""

import pulumi
import pulumi_idcs as idcs

cfg = pulumi.Config()
client_secret = cfg.require_secret("mosaicClientSecret")

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
    client_secret=client_secret,
    refresh_token=cfg.require_secret("mosaicRefreshToken"),
    expect_access_token_expiry=timeouts.access_token_ttl,  # the check follows the managed lifetime
)

payments = idcs.mosaic.ResourceTokenTimeouts(
    "payments",
    resource_uri="https://payments.example.com/api",
    access_token_ttl=cfg.require("resourceAccessTokenTtl"),
    refresh_token_ttl="1d",
    on_delete="restore",
)

payments_check = idcs.RefreshGrantCheck(
    "payments-refresh",
    flavor="mosaic",
    client_id="mosaic-demo-client",
    client_secret=client_secret,
    refresh_token=cfg.require_secret("mosaicResourceRefreshToken"),  # issued for the resource
    expect_access_token_expiry=payments.access_token_ttl,  # the resource's lifetime, not the client's
)

pulumi.export("accessTokenTtl", timeouts.access_token_ttl)
pulumi.export("originalAccessTokenTtl", timeouts.original_access_token_ttl)
pulumi.export("expiresIn", check.expires_in)
pulumi.export("resourceAccessTokenTtl", payments.access_token_ttl)
pulumi.export("resourceExpiresIn", payments_check.expires_in)

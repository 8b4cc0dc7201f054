// Connection: `pulumi config set idcs:domainUrl ...`, `idcs:clientId ...`, `--secret idcs:clientSecret ...`.
import * as pulumi from "@pulumi/pulumi";
import * as idcs from "@pulumi-idcs/idcs";

const cfg = new pulumi.Config();

// The resource app: its lifetimes decide what every client's tokens for it live.
const resourceOwner = new idcs.AppTokenExpiry("resourceOwner", {
    appId: "9fc12da9eecd4927a9ef88512ce5612e",
    accessTokenExpiry: cfg.get("accessTokenExpiry") ?? "2h",
    refreshTokenExpiry: "30d",
    onDelete: "restore",
});

// A live refresh of the mobile client, whose expectation follows the managed lifetime.
const mobileRefresh = new idcs.RefreshGrantCheck("mobileRefresh", {
    flavor: "idcs",
    clientId: cfg.get("mobileClientId") ?? "7d1f9c0e2b4a46c8a0e3f5b7d9c1e3a5",
    refreshToken: cfg.requireSecret("mobileRefreshToken"),
    scope: "https://resource-owner.example.com/read offline_access",
    expectAccessTokenExpiry: resourceOwner.accessTokenExpiry.apply(s => s ?? 3600),
});

export const resourceOwnerAccessTokenExpiry = resourceOwner.accessTokenExpiry;
export const originalAccessTokenExpiry = resourceOwner.originalAccessTokenExpiry;
export const mobileExpiresIn = mobileRefresh.expiresIn;

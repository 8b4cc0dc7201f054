"""Every OAuth app of a domain, read in as few requests as the API allows: one listing page per 1,000 apps (SCIM's
largest `count`), the filter applied by the domain, only the attributes the tools need.

An OAuth app is a client (confidential or public) or a resource server (docs/idcs-api.md); each has the two
lifetimes the resources manage. Whether it hands out refresh tokens: a client with the refresh_token grant, a
resource server that allows offline access.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pulumi_idcs_provider.client import IdcsClient

PAGE = 1000
ATTRIBUTES = ("id,name,displayName,isOAuthClient,isOAuthResource,clientType,allowedGrants,allowOffline,"
              "accessTokenExpiry,refreshTokenExpiry")
OAUTH = "(isOAuthClient eq true or isOAuthResource eq true)"


@dataclass(frozen=True)
class OAuthApp:
    id: str
    name: str
    display_name: str
    kind: str                      # "confidential client", "public client", "resource server"
    refresh: bool                  # hands out refresh tokens
    lifetimes: dict[str, int | None]  # accessTokenExpiry, refreshTokenExpiry in seconds

    @staticmethod
    def of(resource: dict[str, Any]) -> OAuthApp:
        client = bool(resource.get("isOAuthClient"))
        kind = (f"{resource.get('clientType') or 'confidential'} client" if client else "resource server")
        refresh = "refresh_token" in (resource.get("allowedGrants") or []) if client else bool(
            resource.get("allowOffline"))
        lifetimes = {a: _whole(resource.get(a)) for a in ("accessTokenExpiry", "refreshTokenExpiry")}
        return OAuthApp(str(resource["id"]), str(resource.get("name") or ""), str(resource.get("displayName") or ""),
                        kind, refresh, lifetimes)


def _whole(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def scan(client: IdcsClient, user_filter: str | None = None,
         progress: Callable[[int, int], None] = lambda done, total: None) -> list[OAuthApp]:
    """The domain's OAuth apps (matching `user_filter`, a SCIM filter, too), in the domain's order."""
    query = f"{OAUTH} and ({user_filter})" if user_filter else OAUTH
    apps: list[OAuthApp] = []
    start, total = 1, None
    while total is None or start <= total:
        body = client.list_page(query, ATTRIBUTES, start, PAGE)
        total = int(body.get("totalResults") or 0)
        page = [OAuthApp.of(r) for r in body.get("Resources") or [] if isinstance(r, dict) and r.get("id")]
        apps += page
        progress(len(apps), total)
        if not page:
            break
        start += len(page)
    return apps

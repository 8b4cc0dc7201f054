"""Everything whose token lifetimes a domain or a Mosaic tenant sets, read in as few requests as the APIs allow:
an identity domain's OAuth apps in one listing page per 1,000 (SCIM's largest `count`), the filter applied by the
domain, only the attributes needed; a Mosaic tenant's OIDC clients (its applications, then each one's clients)
and custom resources.

An OAuth app is a client (confidential or public) or a resource server (docs/idcs-api.md). Whether it hands out
refresh tokens decides whether its refresh lifetime matters: a client with the refresh_token grant, a resource
server that allows offline access.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pulumi_idcs_provider import mosaic_resource_timeouts, mosaic_timeouts
from pulumi_idcs_provider.client import IdcsClient
from pulumi_idcs_provider.definition import snake
from pulumi_idcs_provider.mosaic_client import MosaicClient
from pulumi_idcs_provider.type_tokens import APP, MOSAIC, MOSAIC_RESOURCE

PAGE = 1000
ATTRIBUTES = ("id,name,displayName,isOAuthClient,isOAuthResource,clientType,allowedGrants,allowOffline,"
              "accessTokenExpiry,refreshTokenExpiry,active,meta.lastModified,idcsLastModifiedBy")
OAUTH = "(isOAuthClient eq true or isOAuthResource eq true)"
APP_POLICY, MOSAIC_POLICY = "idcs-token-lifetime-bounds", "idcs-mosaic-token-lifetime-bounds"


@dataclass(frozen=True)
class Found:
    """One object whose lifetimes a resource of this package can manage."""

    id: str
    name: str
    display_name: str
    kind: str                          # "confidential client", "public client", "resource server", "Mosaic resource"
    lifetimes: dict[str, int | None]   # by wire name, in seconds
    unjudged: frozenset[str]           # lifetimes that do not apply (a refresh lifetime without refresh tokens)
    type_token: str                    # the resource that adopts it
    policy: str                        # the policy pack's bounds policy that judges it
    last_changed: str = ""             # "by X at T", as the domain records it ("" where it does not say)
    active: bool = True                # an inactive app issues no tokens: its lifetimes matter less


def _whole(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def app_of(resource: dict[str, Any]) -> Found:
    client = bool(resource.get("isOAuthClient"))
    kind = f"{resource.get('clientType') or 'confidential'} client" if client else "resource server"
    refresh = "refresh_token" in (resource.get("allowedGrants") or []) if client else bool(
        resource.get("allowOffline"))
    lifetimes = {a: _whole(resource.get(a)) for a in ("accessTokenExpiry", "refreshTokenExpiry")}
    return Found(str(resource["id"]), str(resource.get("name") or ""), str(resource.get("displayName") or ""), kind,
                 lifetimes, frozenset() if refresh else frozenset({"refreshTokenExpiry"}), APP.plugin, APP_POLICY,
                 _last_changed(resource), resource.get("active") is not False)


def _last_changed(resource: dict[str, Any]) -> str:
    """'by X at T' from an App's idcsLastModifiedBy and meta.lastModified, where the answer carries them."""
    by, meta = resource.get("idcsLastModifiedBy"), resource.get("meta")
    who = (by.get("display") or by.get("value")) if isinstance(by, dict) else None
    when = meta.get("lastModified") if isinstance(meta, dict) else None
    return " ".join(part for part in (f"by {who}" if who else "", f"at {when}" if when else "") if part)


def resource_of(resource: dict[str, Any]) -> Found:
    lifetimes = {w: _whole(resource.get(snake(w))) for w in mosaic_resource_timeouts.MANAGED}
    return Found(str(resource.get("resource_id")), str(resource.get("uri") or ""), str(resource.get("name") or ""),
                 "Mosaic resource", lifetimes, frozenset(), MOSAIC_RESOURCE.plugin, MOSAIC_POLICY)


def scan(client: IdcsClient, user_filter: str | None = None,
         progress: Callable[[int, int], None] = lambda done, total: None) -> list[Found]:
    """The domain's OAuth apps (matching `user_filter`, a SCIM filter, too), in the domain's order."""
    query = f"{OAUTH} and ({user_filter})" if user_filter else OAUTH
    apps: list[Found] = []
    start, total = 1, None
    while total is None or start <= total:
        body = client.list_page(query, ATTRIBUTES, start, PAGE)
        total = int(body.get("totalResults") or 0)
        page = [app_of(r) for r in body.get("Resources") or [] if isinstance(r, dict) and r.get("id")]
        apps += page
        progress(len(apps), total)
        if not page:
            break
        start += len(page)
    return apps


def client_of(app_id: str, client: dict[str, Any]) -> Found:
    return Found(f"{app_id}/{client.get('client_id')}", str(client.get("client_id")), str(client.get("name") or ""),
                 "Mosaic client", mosaic_timeouts.live_values(client), frozenset(), MOSAIC.plugin, MOSAIC_POLICY)


def scan_mosaic(client: MosaicClient) -> list[Found]:
    """The Mosaic tenant's OIDC clients (the applications' list, then each application's clients: 1 + A requests
    for A applications; SAML clients have no token lifetimes) and its custom resources (one request)."""
    clients = [client_of(str(app["app_id"]), c) for app in client.list_applications() if app.get("app_id")
               for c in client.list_clients(str(app["app_id"]))
               if c.get("client_id") and c.get("authentication_protocol", "oidc") == "oidc"]
    return clients + [resource_of(r) for r in client.list_resources() if r.get("resource_id")]

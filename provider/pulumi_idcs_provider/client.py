"""The IDCS Apps API as this package uses it: read, find and PATCH apps, through one `Transport` and one auth.

What a run has read, and when it lists the domain instead, is `AppReads`' business (app_reads.py). One client per
connection serves the whole provider process (the dynamic provider server runs four worker threads), so a
`pulumi up` of many resources asks for one admin token, not one each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import requests

from . import scim
from .app_reads import PAGE_SIZE, AppReads
from .apps import APP_ATTRIBUTES, AppExpiries
from .auth import BearerAuth, ClientCredentials
from .errors import (
    AppNotFoundError,
    ConcurrentChangeError,
    IdcsApiError,
    IdcsError,
    ReadAfterWriteError,
)
from .oci_auth import SIGNERS
from .settings import ConnectionSettings
from .spelling import shown
from .transport import Notice, ThrottledError, Transport, TransportError

ADMIN_SCOPE = "urn:opc:idm:__myscopes__"
SCIM_JSON = "application/scim+json"
__all__ = ["ADMIN_SCOPE", "IdcsClient", "transport_for"]

#: What a listing asks for: a listed app has no ETag header, and meta.version is defined to equal it.
LISTING_ATTRIBUTES = APP_ATTRIBUTES + ",meta.version"
#: The hint a TLS failure deserves.
CA_HINT = ("If the domain sits behind a proxy with its own CA, set idcs:caBundle (or $IDCS_CA_BUNDLE) to that CA's "
           "PEM file (verification stays on)")
THROTTLE_HINT = ("Nothing was changed by the throttled request. Run again later, or set idcs:maxRequestsPerSecond to "
                 "the domain's limit (a free domain allows 150 a minute: 2.5)")


def transport_for(settings: ConnectionSettings, session: requests.Session | None = None,
                  notice: Notice | None = None) -> Transport:
    """The transport of one connection: its domain, TLS trust, timeout and pace."""
    return Transport(settings.domain_url, verify=settings.verify, timeout_seconds=settings.timeout_seconds,
                     per_second=settings.max_requests_per_second, session=session, notice=notice)


def auth_for(settings: ConnectionSettings, transport: Transport) -> requests.auth.AuthBase:
    """The OCI SDK's signer for an OCI sign-in method, else an admin token from the client_credentials grant."""
    if settings.auth_method in SIGNERS:
        return SIGNERS[settings.auth_method](settings)
    tokens = ClientCredentials(
        transport, "/oauth2/v1/token", {"grant_type": "client_credentials", "scope": ADMIN_SCOPE},
        basic=(settings.client_id, settings.client_secret.get_secret_value()),
        refused=lambda resp: _token_error(resp, settings.client_id))
    return BearerAuth(tokens)


class IdcsClient:
    """Apps operations against one domain with one admin client."""

    def __init__(self, settings: ConnectionSettings, transport: Transport | None = None,
                 auth: requests.auth.AuthBase | None = None, stack_apps: Callable[[], list[str]] = list) -> None:
        """`stack_apps`: the ids of the apps the stack manages in this domain, where the front door can tell (the
        plugin, from the stack's checkpoint): read in batches of just those instead of listing the domain."""
        self.settings = settings
        self.stack_apps = stack_apps
        self.transport = transport or transport_for(settings)
        self._auth = auth
        self._auth_lock = threading.Lock()
        self.reads = AppReads(self.transport.clock)
        #: Whether a listing's meta.version works as If-Match here (Oracle's SDK defines it equal to the ETag;
        #: unconfirmed in practice): one 412 on an unchanged app says it does not, for the rest of the run.
        self.listed_versions_match = True

    def __repr__(self) -> str:
        return f"IdcsClient(domain_url={self.settings.domain_url!r}, client_id={self.settings.client_id!r})"

    @property
    def auth(self) -> requests.auth.AuthBase:
        """Built at first use: an OCI profile is read, or a token asked for, only when a request needs it."""
        with self._auth_lock:
            if self._auth is None:
                self._auth = auth_for(self.settings, self.transport)
            return self._auth

    # --- Apps -------------------------------------------------------------------------------------------

    def get_app(self, app_id: str, label: str) -> AppExpiries | None:
        """The app's identity and expiries, or None when it does not exist (answered from this run's reads when
        it can be: see `AppReads`)."""
        recent = self.reads.recent(app_id)
        if recent is not None:
            return recent
        apps = self.reads.listing(self._count_apps, self._list_apps, self.stack_apps, self._search_ids)
        if apps is not None:
            return apps.get(app_id)
        recent = self.reads.recent(app_id)  # the stack's batched read may have answered it
        if recent is not None or self.reads.absent(app_id):
            return recent
        resp = self._admin("GET", f"/admin/v1/Apps/{app_id}", label, "read", params={"attributes": APP_ATTRIBUTES},
                           allow=(404,))
        if resp.status_code == 404:
            return None
        app = _app(resp)
        self.reads.remember(app)
        return app

    def find_app(self, attribute: str, value: str, label: str) -> AppExpiries:
        """The one app whose `name` or `displayName` equals value. Both are unique in a domain and `caseExact:
        false` in Oracle's App schema, so a domain's filter ignores case: the listing path does the same."""
        known = self.reads.resolved(attribute, value)
        if known is not None and (app := self.get_app(known, label)) is not None:
            return app  # resolved earlier in this run (check, then create)
        apps = self.reads.listing(self._count_apps, self._list_apps, self.stack_apps, self._search_ids)
        if apps is not None:
            field_name = "name" if attribute == "name" else "display_name"
            resources: list[Any] = [a for a in apps.values()
                                    if (getattr(a, field_name) or "").casefold() == value.casefold()]
        else:
            resources = self._search(attribute, value, label)
        if not resources:
            raise AppNotFoundError(
                f"no app in {self.settings.domain_url} has {attribute} {shown(value)}: check the name (IDCS compares "
                "it without regard to case), that the admin client may read Apps, or use appId")
        if len(resources) > 1:
            raise AppNotFoundError(f"{len(resources)} apps have {attribute} {shown(value)}: use appId to say which one")
        found = resources[0] if isinstance(resources[0], AppExpiries) else AppExpiries.model_validate(resources[0])
        self.reads.resolve(attribute, value, found)
        return found

    def _search(self, attribute: str, value: str, label: str) -> list[Any]:
        params = {"filter": scim.eq_filter(attribute, value), "attributes": APP_ATTRIBUTES, "count": "2"}
        body = self._admin("GET", "/admin/v1/Apps", label, "search for", params=params).json()
        return list(body.get("Resources") or [])

    def patch_app(self, app: AppExpiries, values: dict[str, int], label: str) -> AppExpiries:
        """Replace the given attributes, and check the answer carries them (IDCS may clamp silently)."""
        current = app
        for attempt in (1, 2):
            guarded = current.etag and (self.listed_versions_match or not current.etag_listed)
            headers = {"If-Match": str(current.etag)} if guarded else {}
            resp = self._admin("PATCH", f"/admin/v1/Apps/{app.id}", label, "update",
                               params={"attributes": APP_ATTRIBUTES}, json=scim.patch_body(values),
                               headers=headers, allow=(412,))
            if resp.status_code != 412:
                break
            if attempt == 2:
                raise ConcurrentChangeError(
                    f"app {label} was changed by someone else while this run updated it (HTTP 412 twice on "
                    "If-Match): run `pulumi refresh` and `pulumi up` again")
            self.reads.forget(app.id)
            fresh = self.get_app(app.id, label)
            if fresh is None:
                raise AppNotFoundError(f"app {label} was deleted while this run updated it")
            if current.etag_listed and fresh.model_dump() == current.model_dump():
                self.listed_versions_match = False  # the app had not changed: the listed version is another format
            current = fresh
        patched = _app(resp)
        wrong = {a: (v, patched.value(a)) for a, v in values.items() if patched.value(a) != v}
        if wrong:
            said = "; ".join(f"{a}: sent {sent}, IDCS answered {got}" for a, (sent, got) in sorted(wrong.items()))
            raise ReadAfterWriteError(
                f"IDCS accepted the update of app {label} but did not store the values sent ({said}). The domain "
                "clamps or ignores this value: choose one it keeps")
        self.reads.remember(patched)
        return patched

    def list_page(self, scim_filter: str, attributes: str, start: int, count: int) -> dict[str, Any]:
        """One page of the domain's apps matching a SCIM filter, with only `attributes`: the whole-domain tools'
        listing (pulumi-idcs discover and audit)."""
        params = {"filter": scim_filter, "attributes": attributes, "count": str(count), "startIndex": str(start)}
        body = self._admin("GET", "/admin/v1/Apps", "(the domain's OAuth apps)", "list", params=params).json()
        return body if isinstance(body, dict) else {}

    def _search_ids(self, ids: list[str]) -> list[AppExpiries]:
        """The apps with these ids, in one filtered search (POST .search: no URL length limit). A domain that
        refuses a filter this long (400; no limit is documented) gets two searches of half as many."""
        body = {"schemas": [scim.SEARCH_REQUEST], "filter": " or ".join(scim.eq_filter("id", i) for i in ids),
                "attributes": LISTING_ATTRIBUTES.split(","), "count": len(ids), "startIndex": 1}
        resp = self._admin("POST", "/admin/v1/Apps/.search", f"({len(ids)} apps of the stack)", "read", json=body,
                           allow=(400,) if len(ids) > 1 else ())
        if resp.status_code == 400:
            half = len(ids) // 2
            return self._search_ids(ids[:half]) + self._search_ids(ids[half:])
        return [_listed_app(r) for r in resp.json().get("Resources") or []]

    def _count_apps(self) -> int:
        body = self._admin("GET", "/admin/v1/Apps", "(all apps)", "count",
                           params={"attributes": "id", "count": "1"}).json()  # count=0: unconfirmed
        return int(body.get("totalResults") or 0)

    def _list_apps(self) -> dict[str, AppExpiries]:
        apps: dict[str, AppExpiries] = {}
        start, total = 1, None
        while total is None or start <= total:
            params = {"attributes": LISTING_ATTRIBUTES, "count": str(PAGE_SIZE), "startIndex": str(start)}
            body = self._admin("GET", "/admin/v1/Apps", "(all apps)", "list", params=params).json()
            total = int(body.get("totalResults") or 0)
            page = [_listed_app(r) for r in body.get("Resources") or []]
            apps.update((a.id, a) for a in page)
            if not page:
                break
            start += len(page)
        return apps

    # --- plumbing ---------------------------------------------------------------------------------------

    def _admin(self, method: str, path: str, label: str, action: str, *, allow: tuple[int, ...] = (),
               headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
        """An admin API call; any status but a success or one in `allow` becomes an error naming app and action."""
        sent = {"Accept": SCIM_JSON, **(headers or {})}
        if "json" in kwargs:
            sent["Content-Type"] = SCIM_JSON
        # A read (a GET, a .search), or a write guarded by If-Match (a replay after a lost answer meets 412).
        replay_safe = method == "GET" or path.endswith("/.search") or "If-Match" in sent
        try:
            resp = self.transport.request(method, path, headers=sent, auth=self.auth, replay_safe=replay_safe,
                                          **kwargs)
        except ThrottledError as e:
            raise IdcsError(f"could not {action} app {label}: {e}. {THROTTLE_HINT}") from None
        except TransportError as e:
            raise IdcsError(f"could not {action} app {label}: {e}" + (f". {CA_HINT}" if e.tls else "")) from None
        if resp.ok or resp.status_code in allow:
            return resp
        raise _api_error(resp, action, label)


def _listed_app(resource: dict[str, Any]) -> AppExpiries:
    """A listed app; its meta.version (equal to the ETag, as Oracle's SDK documents) keeps If-Match on PATCH."""
    meta = resource.get("meta") if isinstance(resource.get("meta"), dict) else {}
    return AppExpiries.model_validate({**resource, "etag": (meta or {}).get("version"), "etagListed": True})


def _app(resp: requests.Response) -> AppExpiries:
    return AppExpiries.model_validate({**resp.json(), "etag": resp.headers.get("ETag")})


def _api_error(resp: requests.Response, action: str, label: str) -> IdcsApiError:
    try:
        body: object = resp.json()
    except ValueError:
        body = None
    message_id, detail = scim.error_fields(body)
    if detail is None and resp.status_code in (401, 403):
        detail = "the admin client lacks a role that covers Apps (Application Administrator or Identity Domain " \
                 "Administrator)" if resp.status_code == 403 else "the admin token was refused"
    return IdcsApiError(action=action, app=label, status=resp.status_code, message_id=message_id, detail=detail,
                        ecid=resp.headers.get("X-ORACLE-DMS-ECID"))


def _token_error(resp: requests.Response, client_id: str) -> IdcsError:
    try:
        body = resp.json()
    except ValueError:
        body = {}
    error = body.get("error") if isinstance(body, dict) else None
    description = body.get("error_description") if isinstance(body, dict) else None
    return IdcsError(
        f"the admin client {shown(client_id)} could not get a token: HTTP {resp.status_code}"
        f"{', ' + str(error) if error else ''}{': ' + str(description).rstrip('.') if description else ''}. "
        "Check idcs:clientId "
        "and idcs:clientSecret, and that the client app is active and allowed the client_credentials grant")


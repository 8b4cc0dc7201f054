"""pulumi-idcs doctor: a read-only preflight of every configured connection, before the first `pulumi up`.

Each IDCS domain (the stack's, and each of idcs:connections) and the Mosaic tenant, when configured, is asked what
a run will ask of it, with reads only: a token (which client, which grant), the Apps (or clients and resources) it
may read, whether `attributes=` is honoured, ETags for If-Match, rate-limit headers and the clock. One line a
check, with the fix when it fails; nothing is ever written.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import requests
from pulumi_idcs_provider.apps import APP_ATTRIBUTES
from pulumi_idcs_provider.client import CA_HINT, IdcsClient
from pulumi_idcs_provider.context import Context
from pulumi_idcs_provider.errors import IdcsError
from pulumi_idcs_provider.mosaic_client import MosaicClient
from pulumi_idcs_provider.scim import json_object
from pulumi_idcs_provider.transport import TransportError

OK, WARN, FAIL = "ok", "warn", "FAIL"
#: How far the server's clock may be from ours before signed requests (OCI signatures: 5 minutes) are refused.
CLOCK_SKEW_SECONDS = 300
RATE_HEADERS = ("ratelimit-limit", "ratelimit-remaining", "x-ratelimit-limit", "x-ratelimit-remaining",
                "retry-after")


@dataclass(frozen=True)
class Finding:
    """One check of one connection: what was asked, what was found, and the fix when it is not ok."""

    target: str
    check: str
    status: str
    detail: str

    def line(self) -> str:
        return f"{self.status:<4}  {self.target}  {self.check}: {self.detail}"


def as_json(findings: list[Finding]) -> list[dict[str, str]]:
    return [asdict(f) for f in findings]


def _get(client: IdcsClient, path: str, params: dict[str, str]) -> requests.Response:
    return client.transport.request("GET", path, params=params, auth=client.auth,
                                    headers={"Accept": "application/scim+json"}, replay_safe=True)


def idcs_findings(client: IdcsClient, now: Callable[[], float] = time.time) -> Iterator[Finding]:
    """The checks of one identity domain, in the order a run meets them; a failed one ends the list."""
    url, settings = client.settings.domain_url, client.settings

    def found(check: str, status: str, detail: str) -> Finding:
        return Finding(url, check, status, detail)

    who = (f"client {settings.client_id!r}, client_credentials grant" if settings.auth_method == "oauth"
           else f"{settings.auth_method} (the OCI SDK's signer)")
    try:
        listed = _get(client, "/admin/v1/Apps", {"attributes": "id", "count": "1"})
    except TransportError as e:
        yield found("reachable", FAIL, f"{e}" + (f". {CA_HINT}" if e.tls else ""))
        return
    except IdcsError as e:  # the token endpoint said no
        yield found("reachable", OK, "answers over " + url.split(":", 1)[0])
        yield found("token", FAIL, str(e))
        return
    yield found("reachable", OK, "answers over " + url.split(":", 1)[0])
    yield found("token", OK, who)
    if listed.status_code in (401, 403):
        yield found("apps", FAIL, f"HTTP {listed.status_code} listing Apps: give the client an admin role that "
                                  "covers Apps (Application Administrator or Identity Domain Administrator)")
        return
    if not listed.ok:
        yield found("apps", FAIL, f"HTTP {listed.status_code} listing Apps")
        return
    body = json_object(listed)
    total = body.get("totalResults")
    yield found("apps", OK, f"may read Apps ({total if isinstance(total, int) else 'an unknown number'} in the "
                            "domain)")
    first = (body.get("Resources") or [{}])[0]
    yield from _one_app(client, found, first.get("id") if isinstance(first, dict) else None)
    yield _rate_headers(found, listed, settings.max_requests_per_second)
    yield _clock(found, listed, now())


def _one_app(client: IdcsClient, found: Callable[[str, str, str], Finding], app_id: str | None) -> Iterator[Finding]:
    """attributes= honoured, and an ETag to guard writes with, on one app read as the provider reads it."""
    if not app_id:
        yield found("attributes", WARN, "the domain has no app to read: attributes= and ETags not checked")
        return
    resp = _get(client, f"/admin/v1/Apps/{app_id}", {"attributes": APP_ATTRIBUTES})
    whole = _get(client, f"/admin/v1/Apps/{app_id}", {})
    if not resp.ok or not whole.ok:
        yield found("attributes", FAIL, f"HTTP {resp.status_code if not resp.ok else whole.status_code} reading app "
                                        f"{app_id}: give the client a role that may read Apps")
        return
    asked = set(APP_ATTRIBUTES.split(",")) & set(json_object(whole))
    lost = sorted(asked - set(json_object(resp)))
    honoured = len(resp.content) < len(whole.content) and not lost
    yield found("attributes", OK if honoured else WARN,
                f"honoured: an app read is {len(resp.content)} bytes, not {len(whole.content)}" if honoured else
                f"not honoured (an app read is {len(resp.content)} bytes, the whole app {len(whole.content)}"
                + (f"; {', '.join(lost)} missing" if lost else "") + "): reads cost more bytes, nothing else changes")
    etag, version = resp.headers.get("ETag"), (json_object(resp).get("meta") or {}).get("version")
    if not etag:
        yield found("etag", WARN, "no ETag on an app: updates go without If-Match, so a console edit made during a "
                                  "run can be overwritten (run `pulumi refresh` before `pulumi up`)")
    elif version is not None and str(version) != etag:
        yield found("etag", OK, f"ETag {etag} guards updates (If-Match); meta.version {version} differs, so apps "
                                "read from a listing are updated after one re-read")
    else:
        yield found("etag", OK, f"ETag {etag} guards updates (If-Match)")




def _rate_headers(found: Callable[[str, str, str], Finding], resp: requests.Response, pace: float) -> Finding:
    sent = {h: resp.headers[h] for h in RATE_HEADERS if h in resp.headers}
    if sent:
        return found("rate limit", OK, ", ".join(f"{h}: {v}" for h, v in sent.items()))
    return found("rate limit", OK, f"no rate-limit headers; requests paced at {pace:g} a second "
                                   "(idcs:maxRequestsPerSecond), slowing down at the first 429")


def _clock(found: Callable[[str, str, str], Finding], resp: requests.Response, now: float) -> Finding:
    date = resp.headers.get("Date")
    if not date:
        return found("clock", WARN, "the answer has no Date header: the clocks cannot be compared")
    try:
        skew = email.utils.parsedate_to_datetime(date).timestamp() - now
    except (TypeError, ValueError):
        return found("clock", WARN, f"the answer's Date header {date!r} is not an HTTP date: the clocks cannot be "
                                    "compared")
    if abs(skew) > CLOCK_SKEW_SECONDS:
        return found("clock", FAIL, f"this machine's clock is {abs(skew):.0f} s {'behind' if skew > 0 else 'ahead of'}"
                                    " the domain's: signed requests and token expiry go wrong; sync it (NTP)")
    return found("clock", OK, f"within {abs(skew):.0f} s of the domain's")


def mosaic_findings(api: MosaicClient) -> Iterator[Finding]:
    """The Mosaic tenant: a management token, then the reads ClientTokenTimeouts and ResourceTokenTimeouts make."""
    url = api.settings.base_url
    try:
        api.auth.tokens.token()
    except TransportError as e:
        yield Finding(url, "reachable", FAIL, str(e))
        return
    except IdcsError as e:
        yield Finding(url, "token", FAIL, str(e))
        return
    yield Finding(url, "token", OK, f"management client {api.settings.client_id!r}, client_credentials grant")
    for check, read, permission in (("applications", api.list_applications, "apps:read"),
                                    ("resources", api.list_resources, "resources:read")):
        try:
            count = len(read())
        except IdcsError as e:
            yield Finding(url, check, FAIL, f"{e} (the management app needs {permission})")
            continue
        yield Finding(url, check, OK, f"may read them ({count})")


def run(ctx: Context, connections: list[str | None], mosaic: bool) -> list[Finding]:
    """Every check of every configured connection; a connection that cannot even be configured is one FAIL."""
    findings: list[Finding] = []
    for name in connections:
        try:
            findings += idcs_findings(ctx.idcs(name))
        except IdcsError as e:
            findings.append(Finding(f"connection {name}" if name else "idcs", "configuration", FAIL, str(e)))
    if mosaic:
        try:
            findings += mosaic_findings(ctx.mosaic())
        except IdcsError as e:
            findings.append(Finding("mosaic", "configuration", FAIL, str(e)))
    return findings


def exit_code(findings: list[Finding]) -> int:
    return 1 if any(f.status == FAIL for f in findings) else 0


def summary(findings: list[Finding]) -> dict[str, Any]:
    return {"ok": sum(f.status == OK for f in findings), "warn": sum(f.status == WARN for f in findings),
            "fail": sum(f.status == FAIL for f in findings)}

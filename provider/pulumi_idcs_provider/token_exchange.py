"""Live refresh-token exchanges: IDCS, Transmit Mosaic, and any RFC 6749 §6 token endpoint.

A refresh exchange is *not* idempotent: the server rotates the token, so the one sent is spent once the
request has been processed. It goes out as a request that is not replay-safe: the transport retries only a 429
(the server did not process it) and never a timeout or a dropped connection, where a second try could spend the
token twice and lose the new one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from . import scim
from .errors import IdcsError
from .scim import json_object
from .spelling import shown
from .transport import ThrottledError, Transport, TransportError


@dataclass(frozen=True)
class Exchange:
    """What a check needs to do one exchange. Secrets live here only for the duration of the call."""

    flavor: str
    client_id: str
    client_secret: str | None
    refresh_token: str
    url: str                   # token endpoint (idcs, oauth2) or Mosaic base URL
    scope: str | None = None
    verify: bool | str = True  # the CA bundle of this flavor's host, or True for the system roots
    #: The transport to send to a URL with (the caller's context gives the connection's own, paced, one when the
    #: URL is on its host); without one, a transport of its own for the URL's host.
    transports: Callable[[str], Transport] | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        return f"Exchange(flavor={self.flavor!r}, client_id={self.client_id!r}, url={self.url!r})"


@dataclass(frozen=True)
class TokenAnswer:
    expires_in: int | None
    token_type: str | None
    scope: str | None
    refresh_token: str | None   # the rotated token, or None when the server kept the old one valid


class ExchangeError(IdcsError):
    """The token server refused the exchange; the message names client, flavor, status and the server's reason."""


def exchange(ex: Exchange) -> TokenAnswer:
    if ex.flavor == "mosaic":
        return _mosaic(ex)
    return _oauth2(ex)


def _oauth2(ex: Exchange) -> TokenAnswer:
    """RFC 6749 §6 (and IDCS, which follows it): HTTP Basic client auth when there is a secret."""
    form = {"grant_type": "refresh_token", "refresh_token": ex.refresh_token}
    if ex.scope:
        form["scope"] = ex.scope
    auth: tuple[str, str] | None = None
    if ex.client_secret:
        auth = (ex.client_id, ex.client_secret)
    else:
        form["client_id"] = ex.client_id  # a public client identifies itself in the body
    resp = _post(ex, ex.url, data=form, auth=auth, headers={"Accept": "application/json"})
    return _answer(ex, resp, "refresh")


def _mosaic(ex: Exchange) -> TokenAnswer:
    """Mosaic: a client access token first, then the refresh call with it as Bearer."""
    base = ex.url.rstrip("/")
    resp = _post(ex, f"{base}/oidc/token", data={"grant_type": "client_credentials", "client_id": ex.client_id,
                                                  "client_secret": ex.client_secret or ""}, replay_safe=True)
    if not resp.ok:
        raise _error(ex, resp, "get a client access token")
    client_token = str(json_object(resp).get("access_token") or "")
    resp = _post(ex, f"{base}/cis/v1/auth/token/refresh", json={"refresh_token": ex.refresh_token},
                 headers={"Authorization": f"Bearer {client_token}", "Accept": "application/json"})
    return _answer(ex, resp, "refresh")


def _post(ex: Exchange, url: str, *, replay_safe: bool = False, **kwargs: Any) -> requests.Response:
    """A POST through the host's one transport (the connection's, paced with its rate limit, when the check
    talks to the domain it manages); a refresh grant is never replayed after a lost answer."""
    if ex.transports is not None:
        transport = ex.transports(url)
    else:
        parts = urlsplit(url)
        transport = Transport(f"{parts.scheme}://{parts.netloc}", verify=ex.verify)
    try:
        return transport.request("POST", url[len(transport.base_url):], replay_safe=replay_safe, **kwargs)
    except ThrottledError as e:
        raise ExchangeError(f"{_who(ex)}: {e}. The refresh token was not spent (a server never processes a "
                            "request it answers 429): run again later") from None
    except TransportError as e:
        if e.tls:
            raise ExchangeError(f"{_who(ex)}: {e}. {CA_HINTS[ex.flavor]}") from None
        raise ExchangeError(
            f"{_who(ex)}: {e}. If it did, the refresh token is spent: should the next run fail with invalid_grant, "
            "supply a new seed refresh token") from None


#: Where each flavor's CA bundle is set, said when TLS verification fails.
CA_HINTS = {
    "idcs": "Set idcs:caBundle (or $IDCS_CA_BUNDLE) to the CA's PEM file",
    "mosaic": "Set idcs:mosaicCaBundle (or $MOSAIC_CA_BUNDLE) to the CA's PEM file",
    "oauth2": "Add the CA to the system roots, or point $REQUESTS_CA_BUNDLE at a PEM file that holds it",
}


def _answer(ex: Exchange, resp: requests.Response, action: str) -> TokenAnswer:
    if not resp.ok:
        raise _error(ex, resp, action)
    body = json_object(resp)
    if not body.get("access_token"):
        kind = resp.headers.get("Content-Type", "no content type").split(";")[0]
        hint = "" if "json" in kind else (f": the answer is {kind}, not JSON. Is the URL the token endpoint (for "
                                          "IDCS …/oauth2/v1/token), not a login or a discovery page?")
        raise ExchangeError(f"{_who(ex)}: HTTP {resp.status_code} but no access_token in the answer{hint}")
    return TokenAnswer(expires_in=_whole(body.get("expires_in")), token_type=body.get("token_type"),
                       scope=body.get("scope"), refresh_token=body.get("refresh_token"))


def _whole(value: object) -> int | None:
    """expires_in as whole seconds; servers send 3600 or "3600" (and a float now and then)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isascii() and text.isdigit() else None


def _error(ex: Exchange, resp: requests.Response, action: str) -> ExchangeError:
    body = json_object(resp)
    if "error" in body:   # RFC 6749 §5.2
        reason = str(body["error"]) + (f": {body['error_description']}" if body.get("error_description") else "")
    elif "message" in body:  # Mosaic
        message = body["message"]
        reason = "; ".join(map(str, message)) if isinstance(message, list) else str(message)
    elif any(scim.error_fields(body)):  # a SCIM error (IDCS in front of its token endpoint)
        message_id, detail = scim.error_fields(body)
        reason = f"messageId {message_id or 'none'}, {detail or 'no detail given'}"
    else:
        reason = "no error description in the answer"
    ecid = resp.headers.get("X-ORACLE-DMS-ECID")
    quote = f" (ECID {ecid}, quote it to Oracle support)" if ecid else ""
    return ExchangeError(f"{_who(ex)}: could not {action}: HTTP {resp.status_code}, {reason}{quote}")


def _who(ex: Exchange) -> str:
    return f"refresh grant check for client {shown(ex.client_id)} ({ex.flavor})"

"""HTTP client for Transmit Mosaic's management API: a management token, and GET/PUT of one OIDC client.

Facts in docs/mosaic-api.md: the token is a client_credentials grant at `{host}/oidc/token` (no `/cis`); a client
lives at `/cis/v1/applications/{appId}/clients/{clientId}`, answered bare or wrapped in `{"result": ...}`; errors
are `{"message": <text or list>, "error_code": <status>}`. One client (session, token) per management app serves
the whole provider process.
"""

from __future__ import annotations

import threading
import time
from typing import Any
from urllib.parse import quote

import requests

from .client import shared_session
from .errors import IdcsError
from .pacing import RetryPolicy, retry_after_seconds
from .settings import MosaicSettings

RETRY_STATUSES = frozenset({429, 502, 503, 504})
TOKEN_MARGIN_SECONDS = 120


class MosaicApiError(IdcsError):
    """Mosaic answered with an error status; the message names the client, the status, Mosaic's words."""


_LOCK = threading.Lock()
_CLIENTS: dict[tuple[str, str, int], MosaicClient] = {}


def mosaic_client_for(settings: MosaicSettings) -> MosaicClient:
    key = (settings.base_url, settings.client_id, hash(settings.client_secret.get_secret_value()))
    with _LOCK:
        if key not in _CLIENTS:
            _CLIENTS[key] = MosaicClient(settings)
        return _CLIENTS[key]


class MosaicClient:
    """The management API of one Mosaic tenant, as one management app."""

    def __init__(self, settings: MosaicSettings, retry: RetryPolicy | None = None) -> None:
        self.settings = settings
        self.retry = retry or RetryPolicy()
        self._token, self._token_expires = "", 0.0
        self._lock = threading.Lock()

    def get_client(self, app_id: str, client_id: str) -> dict[str, Any] | None:
        """The client as Mosaic shows it, or None when there is no such client in that app."""
        resp = self._call("GET", app_id, client_id, "read")
        return None if resp.status_code == 404 else _unwrapped(resp)

    def put_client(self, app_id: str, client_id: str, body: dict[str, Any]) -> dict[str, Any]:
        resp = self._call("PUT", app_id, client_id, "update", json=body)
        if resp.status_code == 404:
            raise _api_error(resp, "update", app_id, client_id)
        return _unwrapped(resp)

    def _call(self, method: str, app_id: str, client_id: str, action: str, **kwargs: Any) -> requests.Response:
        path = f"/cis/v1/applications/{quote(app_id, safe='')}/clients/{quote(client_id, safe='')}"
        refused = False
        while True:
            headers = {"Authorization": f"Bearer {self._management_token(renew=refused)}",
                       "Accept": "application/json"}
            resp = self._send(method, path, headers=headers, **kwargs)
            if resp.status_code != 401 or refused:
                break
            refused = True  # an expired or revoked token: one new one
        if resp.ok or resp.status_code == 404:
            return resp
        raise _api_error(resp, action, app_id, client_id)

    def _management_token(self, renew: bool) -> str:
        with self._lock:
            if renew or not self._token or time.monotonic() >= self._token_expires:
                form = {"grant_type": "client_credentials", "client_id": self.settings.client_id,
                        "client_secret": self.settings.client_secret.get_secret_value()}
                resp = self._send("POST", "/oidc/token", data=form, headers={"Accept": "application/json"})
                if not resp.ok:
                    raise MosaicApiError(
                        f"the Mosaic management app {self.settings.client_id!r} could not get a token: HTTP "
                        f"{resp.status_code}, {_message(resp)}. Check idcs:mosaicClientId and idcs:mosaicClientSecret")
                body = resp.json()
                self._token = str(body["access_token"])
                lifetime = float(body.get("expires_in") or 3600)
                self._token_expires = time.monotonic() + max(0.0, lifetime - TOKEN_MARGIN_SECONDS)
            return self._token

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One logical request, retried on throttling, gateway errors and dropped connections."""
        url, started, attempt = self.settings.base_url + path, time.monotonic(), 0
        while True:
            resp: requests.Response | None = None
            try:
                answer = shared_session().request(method, url, timeout=self.settings.timeout_seconds,
                                                  verify=self.settings.verify, **kwargs)
                resp = answer
                problem = f"HTTP {answer.status_code}" if answer.status_code in RETRY_STATUSES else None
                wait = retry_after_seconds(answer.headers.get("Retry-After")) if problem else None
            except (requests.ConnectionError, requests.Timeout) as e:
                problem, wait = type(e).__name__, None
            if problem is None and resp is not None:
                return resp
            delay = self.retry.delay(attempt, wait)
            attempt += 1
            if attempt >= self.retry.attempts or time.monotonic() - started + delay > self.retry.budget_seconds:
                if resp is not None:
                    return resp
                raise MosaicApiError(f"could not reach Mosaic at {self.settings.base_url}: {problem} on {attempt} "
                                     "attempts")
            time.sleep(delay)


def _unwrapped(resp: requests.Response) -> dict[str, Any]:
    body = resp.json()
    if isinstance(body, dict) and isinstance(body.get("result"), dict):
        body = body["result"]
    return body if isinstance(body, dict) else {}


def _message(resp: requests.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return "no error description in the answer"
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, list):
        message = "; ".join(map(str, message))
    code = body.get("error_code") if isinstance(body, dict) else None
    return (f"error_code {code}: " if code is not None else "") + str(message or "no message")


def _api_error(resp: requests.Response, action: str, app_id: str, client_id: str) -> MosaicApiError:
    return MosaicApiError(f"Mosaic refused to {action} client {client_id!r} of application {app_id!r}: "
                          f"HTTP {resp.status_code}, {_message(resp)}")

"""The emulator's HTTP face: a threaded server on loopback speaking the IDCS token and Apps APIs.

Besides the IDCS routes it serves `/_emulator/...` for tests and demos: the request log (secrets redacted),
the full stored apps, out-of-band changes (drift) and fault injection.
"""

from __future__ import annotations

import base64
import binascii
import json
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from . import oci_signature
from .domain import Domain, Reply, scim_error
from .grants import Grants
from .mosaic import Mosaic

#: Form fields and headers never written to the request log.
SECRET_FIELDS = frozenset({"client_secret", "refresh_token", "password", "code", "code_verifier"})


@dataclass
class Fault:
    """One queued misbehaviour, applied to the next `count` requests that match method and path prefix."""

    method: str | None = None
    path: str | None = None
    count: int = 1
    status: int | None = None
    retry_after: str | None = None
    drop: bool = False
    concurrent_change: bool = False
    expire_tokens: bool = False

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and (
            self.path is None or path.startswith(self.path))


@dataclass
class Faults:
    latency_seconds: float = 0.0
    per_second: int | None = None
    per_minute: int | None = None
    queue: list[Fault] = field(default_factory=list)
    _stamps: deque[float] = field(default_factory=deque)

    def over_limit(self, now: float) -> float | None:
        """Seconds until a slot frees when the domain's rate limit is exceeded, else None (and count this one)."""
        while self._stamps and now - self._stamps[0] > 60:
            self._stamps.popleft()
        last_second = sum(1 for t in self._stamps if now - t < 1)
        if self.per_second is not None and last_second >= self.per_second:
            return 1.0
        if self.per_minute is not None and len(self._stamps) >= self.per_minute:
            return 60 - (now - self._stamps[0])
        self._stamps.append(now)
        return None

    def take(self, method: str, path: str) -> Fault | None:
        for fault in self.queue:
            if fault.matches(method, path):
                fault.count -= 1
                if fault.count <= 0:
                    self.queue.remove(fault)
                return fault
        return None


class EmulatorServer:
    """A running emulator. `with EmulatorServer() as emu: emu.url` for tests; `serve_forever()` for the CLI."""

    def __init__(self, domain: Domain | None = None, host: str = "127.0.0.1", port: int = 0,
                 tls: tuple[str, str] | None = None) -> None:
        """tls: (certificate file, key file) to serve https, as a real domain does (tests of idcs:caBundle)."""
        self.domain = domain or Domain.from_file(None)
        self.grants, self.mosaic = self._token_services()
        self.faults = Faults()
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self.httpd.daemon_threads = True
        self.scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        self.domain.base_url = self.url
        self._thread: threading.Thread | None = None

    def _token_services(self) -> tuple[Grants, Mosaic]:
        seed = self.domain.seed
        return Grants(self.domain, seed.get("users", [])), Mosaic(seed.get("mosaicClients", []),
                                                                  seed.get("mosaicManagementApps", []))

    def reset(self) -> None:
        """Back to the seed: apps, tokens, faults and the request log."""
        self.domain.reset()
        self.grants, self.mosaic = self._token_services()
        self.set_faults({})
        self.clear_requests()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else str(host)
        return f"{self.scheme}://[{host}]:{port}" if ":" in host else f"{self.scheme}://{host}:{port}"

    def start(self) -> EmulatorServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="idcs-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def requests_of(self, kind: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.requests if kind is None or r["kind"] == kind]

    def clear_requests(self) -> None:
        with self.lock:
            self.requests.clear()

    def set_faults(self, spec: dict[str, Any]) -> None:
        """Faults from JSON: latencyMs, rateLimit {perSecond, perMinute}, etags, clamp, queue [...]."""
        with self.lock:
            self.faults.latency_seconds = float(spec.get("latencyMs", 0)) / 1000
            limit = spec.get("rateLimit") or {}
            self.faults.per_second, self.faults.per_minute = limit.get("perSecond"), limit.get("perMinute")
            self.faults.queue = [Fault(method=f.get("method"), path=f.get("path"), count=int(f.get("count", 1)),
                                       status=f.get("status"), retry_after=f.get("retryAfter"),
                                       drop=bool(f.get("drop")), concurrent_change=bool(f.get("concurrentChange")),
                                       expire_tokens=bool(f.get("expireTokens")))
                                 for f in spec.get("queue", [])]
            self.domain.behaviour.etags = bool(spec.get("etags", True))
            self.domain.behaviour.clamp = {k: int(v) for k, v in (spec.get("clamp") or {}).items()}
            self.mosaic.wrap_results = bool(spec.get("mosaicWrapResults", False))


def _kind(method: str, path: str) -> str:
    if path == "/oauth2/v1/token":
        return "token"
    if path == "/oidc/token":
        return "mosaic-token"
    if path == "/cis/v1/auth/token/refresh":
        return "mosaic-refresh"
    if path.startswith("/cis/v1/applications/"):
        return {"GET": "mosaic-client-get", "PUT": "mosaic-client-put"}.get(method, "other")
    if path.startswith("/admin/v1/Apps"):
        if path.endswith("/.search"):
            return "search"
        one = path.count("/") == 4
        return {"GET": "get" if one else "list", "PATCH": "patch", "PUT": "put"}.get(method, method.lower())
    return "other"


def _handler_for(emu: EmulatorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "idcs-emulator"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the request log is the record; stderr stays quiet

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PATCH(self) -> None:
            self._serve("PATCH")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def _serve(self, method: str) -> None:
            split = urlsplit(self.path)
            path, query = unquote(split.path), {k: v[-1] for k, v in parse_qs(split.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            self._entry: dict[str, Any] | None = None
            if path.startswith("/_emulator/"):
                self._write(self._control(method, path, raw))
                return
            kind = _kind(method, path)
            self._entry = {
                "method": method, "path": path, "query": query, "kind": kind,
                "headers": _redacted_headers(dict(self.headers)),
                "body": _redacted_body(raw, self.headers.get("Content-Type", "")),
                "bytesIn": len(raw), "bytesOut": 0}  # body bytes each way
            with emu.lock:
                emu.requests.append(self._entry)
                fault = emu.faults.take(method, path)
                wait = emu.faults.over_limit(time.monotonic())
                latency = emu.faults.latency_seconds
            if latency:
                time.sleep(latency)
            if fault and fault.drop:
                self.close_connection = True
                self.connection.close()
                return
            if fault and fault.expire_tokens:
                emu.domain.expire_tokens()
            if fault and fault.concurrent_change and kind == "patch":
                emu.domain.bump_version(path.rsplit("/", 1)[-1])
            if fault and fault.status:
                reply = scim_error(fault.status, "Injected fault.", f"emulator.fault.{fault.status}")
                if fault.retry_after:
                    reply.headers["Retry-After"] = fault.retry_after
                self._write(reply)
                return
            if wait is not None:
                self._write(scim_error(429, "Too many requests.", "error.common.common.tooManyRequests"))
                return
            self._write(self._idcs(method, path, query, raw))

        def _idcs(self, method: str, path: str, query: dict[str, str], raw: bytes) -> Reply:
            domain = emu.domain
            form = {k: v[-1] for k, v in parse_qs(raw.decode(errors="replace")).items()}
            auth = self.headers.get("Authorization") or ""
            bearer = auth[7:] if auth.startswith("Bearer ") else None
            if method == "POST" and path == "/oauth2/v1/token":
                return emu.grants.token(_basic_auth(auth), form)
            if method == "POST" and path == "/oidc/token":
                return emu.mosaic.client_token(form)
            if method == "POST" and path == "/cis/v1/auth/token/refresh":
                return emu.mosaic.refresh_tokens(bearer, _json(raw))
            client_path = path.rstrip("/").split("/")  # /cis/v1/applications/{app}/clients/{client}
            if len(client_path) == 7 and client_path[1:4] == ["cis", "v1", "applications"] \
                    and client_path[5] == "clients" and method in ("GET", "PUT"):
                app_id, client_id = client_path[4], client_path[6]
                if method == "GET":
                    return emu.mosaic.get_client(bearer, app_id, client_id)
                return emu.mosaic.put_client(bearer, app_id, client_id, _json(raw))
            if not path.startswith("/admin/v1/Apps"):
                return scim_error(404, f"No such endpoint {method} {path}.", "error.common.common.notFound")
            if auth.startswith("Signature "):
                problem = oci_signature.verify(method, self.path, dict(self.headers), raw, domain.oci_keys)
                if problem:
                    return scim_error(401, f"Access denied: {problem}.", "error.common.common.accessDenied")
            elif not domain.token_valid(bearer):
                return scim_error(401, "Access denied: a valid bearer token is required.",
                                  "error.common.common.accessDenied")
            body = _json(raw)
            parts = path.rstrip("/").split("/")
            if len(parts) == 4 and method == "GET":
                return domain.list_apps(query.get("filter"), query.get("attributes"),
                                        int(query.get("startIndex", 1)), int(query.get("count", 50)))
            if len(parts) == 5 and parts[4] == ".search" and method == "POST":
                spec = body if isinstance(body, dict) else {}
                attributes = spec.get("attributes")
                return domain.list_apps(spec.get("filter"), ",".join(attributes) if attributes else None,
                                        int(spec.get("startIndex", 1)), int(spec.get("count", 50)))
            if len(parts) == 5 and method == "GET":
                return domain.get_app(parts[4], query.get("attributes"))
            if len(parts) == 5 and method == "PATCH":
                return domain.patch_app(parts[4], body, query.get("attributes"), self.headers.get("If-Match"))
            if len(parts) == 5 and method == "PUT":
                return domain.put_app(parts[4], body)
            return scim_error(405, f"{method} is not supported on {path}.", "error.common.common.methodNotAllowed")

        def _control(self, method: str, path: str, raw: bytes) -> Reply:
            parts = path.strip("/").split("/")
            body = _json(raw)
            if parts[1:] == ["requests"]:
                if method == "DELETE":
                    emu.clear_requests()
                    return Reply(204)
                return Reply(200, emu.requests_of())
            if parts[1:] == ["faults"] and method == "POST":
                emu.set_faults(body if isinstance(body, dict) else {})
                return Reply(204)
            if parts[1:] == ["reset"] and method == "POST":
                emu.reset()
                return Reply(204)
            spec = body if isinstance(body, dict) else {}
            if parts[1:] == ["refresh-tokens"] and method == "POST":
                return emu.grants.mint(str(spec.get("clientId")), str(spec.get("scope") or ""))
            if parts[1:] == ["refresh-tokens", "revoke"] and method == "POST":
                return Reply(200, {"revoked": emu.grants.revoke(str(spec.get("clientId")))})
            if parts[1:] == ["oci-keys"] and method == "POST":
                emu.domain.oci_keys[str(spec.get("keyId"))] = str(spec.get("publicKeyPem"))
                return Reply(204)
            if parts[1:] == ["mosaic", "refresh-tokens"] and method == "POST":
                return emu.mosaic.mint(str(spec.get("clientId")))
            if parts[1:] == ["mosaic", "refresh-tokens", "revoke"] and method == "POST":
                return Reply(200, {"revoked": emu.mosaic.revoke(str(spec.get("clientId")))})
            if len(parts) == 3 and parts[1] == "apps":
                if method == "GET":
                    app = emu.domain.apps.get(parts[2])
                    return Reply(200, app) if app else Reply(404, {"detail": "no such app"})
                if method == "PATCH" and isinstance(body, dict):
                    return Reply(204) if emu.domain.change_app(parts[2], body) else Reply(404, {"detail": "no app"})
            if parts[1:] == ["apps"] and method == "GET":
                return Reply(200, list(emu.domain.apps.values()))
            return Reply(404, {"detail": f"unknown control route {method} {path}"})

        def _write(self, reply: Reply) -> None:
            data = b"" if reply.body is None else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            ctype = "application/scim+json" if self.path.startswith("/admin/") else "application/json"
            if data:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
            if self._entry is not None:
                self._entry["bytesOut"], self._entry["status"] = len(data), reply.status

    return Handler


def _basic_auth(header: str | None) -> tuple[str | None, str | None]:
    if not header or not header.startswith("Basic "):
        return None, None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    return unquote(user), unquote(password)


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def _redacted_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: ("<redacted>" if k.lower() in ("authorization", "cookie") else v) for k, v in headers.items()}


def _redacted_body(raw: bytes, content_type: str) -> Any:
    if not raw:
        return None
    if "json" in content_type:
        body = _json(raw)
        if isinstance(body, dict):
            return {k: ("<redacted>" if k in SECRET_FIELDS else v) for k, v in body.items()}
        return body
    form = parse_qs(raw.decode(errors="replace"))
    return {k: ("<redacted>" if k in SECRET_FIELDS else v[-1]) for k, v in form.items()}

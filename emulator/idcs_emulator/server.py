"""The emulator's HTTP face: a threaded server on loopback that routes each request to a service.

Services: IDCS (token and Apps API), Transmit Mosaic, and the control API under `/_emulator/` for tests and demos
(the request log with secrets redacted, stored apps, out-of-band changes, fault injection). One route table
(`routes.py`) decides both which service answers and what kind the request log records.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from . import control_service, idcs_service, mosaic_service, oci_service
from .domain import Domain
from .faults import Fault, Faults
from .grants import Grants
from .mosaic import Mosaic
from .oci_instance import InstanceIdentity
from .oci_tokens import OciTokens
from .replies import EmulatorError, Reply, ScimError
from .routes import Request, Route, find

#: Form fields and JSON keys never written to the request log.
SECRET_FIELDS = frozenset({"client_secret", "refresh_token", "password", "code", "code_verifier"})
SERVICE_ROUTES: list[Route] = [*idcs_service.ROUTES, *mosaic_service.ROUTES, *oci_service.ROUTES]


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
        self._oci_tokens: OciTokens | None = None
        self._oci_instance: InstanceIdentity | None = None

    @property
    def oci_instance(self) -> InstanceIdentity:
        """The OCI compute instance whose metadata service and federation endpoint the emulator serves."""
        with self.lock:
            if self._oci_instance is None:
                self._oci_instance = InstanceIdentity()
            return self._oci_instance

    @property
    def oci_tokens(self) -> OciTokens:
        """The OCI security token issuer (made at first use: it needs `cryptography`, from pulumi-idcs[oci])."""
        with self.lock:
            if self._oci_tokens is None:
                self._oci_tokens = OciTokens(self.domain.seed.get("identityPropagationTrusts", []))
            return self._oci_tokens

    def _token_services(self) -> tuple[Grants, Mosaic]:
        seed = self.domain.seed
        return Grants(self.domain, seed.get("users", [])), Mosaic(seed.get("mosaicClients", []),
                                                                  seed.get("mosaicManagementApps", []),
                                                                  seed.get("mosaicResources", []))

    def reset(self) -> None:
        """Back to the seed: apps, tokens, faults and the request log."""
        self.domain.reset()
        self.grants, self.mosaic = self._token_services()
        self._oci_tokens = None
        self.set_faults({})
        self.clear_requests()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else str(host)
        return f"{self.scheme}://[{host}]:{port}" if ":" in host else f"{self.scheme}://{host}:{port}"

    def start(self) -> EmulatorServer:
        # polled every 50 ms rather than 500: stop() waits for the poll, and tests stop hundreds of emulators
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), name="idcs-emulator",
                                        daemon=True)
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
        """Faults from JSON: latencyMs, rateLimit, queue (see `Faults.configure`), etags, clamp, mosaicWrapResults,
        mosaicPermissions ("any" or "all" of an operation's documented permissions),
        and the unconfirmed answers a real domain may give: bareMetaVersion, refuseCountZero, maxFilterTerms."""
        with self.lock:
            self.faults.configure(spec)
            self.domain.behaviour.etags = bool(spec.get("etags", True))
            self.domain.behaviour.bare_meta_version = bool(spec.get("bareMetaVersion", False))
            self.domain.behaviour.refuse_count_zero = bool(spec.get("refuseCountZero", False))
            self.domain.behaviour.clamp = {k: int(v) for k, v in (spec.get("clamp") or {}).items()}
            self.domain.behaviour.max_filter_terms = spec.get("maxFilterTerms")
            self.mosaic.wrap_results = bool(spec.get("mosaicWrapResults", False))
            self.mosaic.permission_rule = "all" if spec.get("mosaicPermissions") == "all" else "any"

    def answer(self, req: Request) -> tuple[Reply | None, dict[str, Any] | None]:
        """(the reply, or None when a fault drops the connection instead; the request's log entry, if logged)."""
        if req.path.startswith("/_emulator/"):
            return _dispatch(self, control_service.ROUTES, req), None
        found = find(SERVICE_ROUTES, req)
        entry = _log_entry(req, found[0].kind if found else "other")
        with self.lock:
            self.requests.append(entry)
            fault = self.faults.take(req.method, req.path)
            throttled = self.faults.over_limit(time.monotonic()) is not None
            latency = self.faults.latency_seconds
        if latency:
            time.sleep(latency)
        reply = self._misbehave(req, entry["kind"], fault, throttled)
        if reply is None and not (fault and fault.drop):
            reply = _dispatch(self, SERVICE_ROUTES, req)
        if reply is not None:
            entry["status"] = reply.status
        return reply, entry

    def _misbehave(self, req: Request, kind: str, fault: Fault | None, throttled: bool) -> Reply | None:
        """What a fault or the rate limit answers instead of the service (None: the service answers)."""
        if fault and fault.expire_tokens:
            self.domain.expire_tokens()
        if fault and fault.concurrent_change and kind == "patch":
            self.domain.bump_version(req.path.rstrip("/").rsplit("/", 1)[-1])
        if fault and fault.status:
            reply = ScimError(fault.status, "Injected fault.", f"emulator.fault.{fault.status}").reply()
            if fault.retry_after:
                reply.headers["Retry-After"] = fault.retry_after
            return reply
        if throttled:
            return ScimError(429, "Too many requests.", "error.common.common.tooManyRequests").reply()
        return None


def _dispatch(emu: EmulatorServer, routes: list[Route], req: Request) -> Reply:
    found = find(routes, req)
    if found is None:
        return ScimError(404, f"No such endpoint {req.method} {req.path}.", "error.common.common.notFound").reply()
    route, params = found
    try:
        return route.handler(getattr(emu, route.serves) if route.serves else emu, req, params)
    except EmulatorError as e:
        reply = e.reply()
        if req.path.startswith("/admin/"):
            reply.headers["opc-request-id"] = idcs_service.request_id(req)
        return reply


def _handler_for(emu: EmulatorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "idcs-emulator"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the request log is the record; stderr stays quiet

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            req = Request(self.command, self.path, dict(self.headers), self.rfile.read(length) if length else b"")
            reply, entry = emu.answer(req)
            if reply is None:  # a dropped connection
                self.close_connection = True
                self.connection.close()
                return
            if reply.body is None:
                data = b""
            elif isinstance(reply.body, str) and reply.content_type.startswith("text/"):
                data = reply.body.encode()
            else:
                data = json.dumps(reply.body).encode()
            self.send_response(reply.status)
            if data:
                self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(data)))
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
            if entry is not None:
                entry["bytesOut"] = len(data)  # body bytes each way

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    return Handler


def _log_entry(req: Request, kind: str) -> dict[str, Any]:
    return {"method": req.method, "path": req.path, "query": {k: v[-1] for k, v in req.query.items()},
            "kind": kind, "headers": _redacted_headers(req.headers),
            "body": _redacted_body(req.raw, req.header("Content-Type") or ""),
            "bytesIn": len(req.raw), "bytesOut": 0}


def _redacted_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: ("<redacted>" if k.lower() in ("authorization", "cookie") else v) for k, v in headers.items()}


def _redacted_body(raw: bytes, content_type: str) -> Any:
    if not raw:
        return None
    if "json" in content_type:
        try:
            body = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        if isinstance(body, dict):
            return {k: ("<redacted>" if k in SECRET_FIELDS else v) for k, v in body.items()}
        return body
    form = parse_qs(raw.decode(errors="replace"))
    return {k: ("<redacted>" if k in SECRET_FIELDS else v[-1]) for k, v in form.items()}

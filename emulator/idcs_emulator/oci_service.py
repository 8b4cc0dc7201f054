"""OCI's own endpoints the workload identities use: the instance metadata service and the X.509 federation
endpoint (instance principals), and OKE's token proxy (oci_instance)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .oci_instance import pod_token
from .replies import Reply
from .routes import Request, Route

if TYPE_CHECKING:
    from .server import EmulatorServer

METADATA = ("instance/region", "identity/cert.pem", "identity/key.pem", "identity/intermediate.pem")


def metadata(emu: EmulatorServer, req: Request, _params: dict[str, str]) -> Reply:
    text = emu.oci_instance.metadata(req.path.removeprefix("/opc/v2/"), req.header("Authorization"))
    return Reply(200, text, content_type="text/plain")


def federate(emu: EmulatorServer, req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, emu.oci_instance.federate(req.method, req.target, req.headers, req.raw, req.json(),
                                                emu.oci_tokens))


def proxymux(emu: EmulatorServer, req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, pod_token(emu.oci_tokens, req.bearer(), req.json()), content_type="text/plain")


ROUTES = [*(Route("GET", f"/opc/v2/{path}", "oci-metadata", metadata) for path in METADATA),
          Route("POST", "/v1/x509", "oci-federation", federate),
          Route("POST", "/resourcePrincipalSessionTokens", "oke-proxymux", proxymux)]

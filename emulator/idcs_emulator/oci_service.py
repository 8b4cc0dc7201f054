"""OCI's own endpoints the workload identities use: the instance metadata service and the X.509 federation
endpoint (instance principals), and OKE's token proxy (oci_instance)."""

from __future__ import annotations

from typing import Protocol

from .oci_instance import InstanceIdentity, pod_token
from .oci_tokens import OciTokens
from .replies import Reply
from .routes import Request, Route


class OciParts(Protocol):
    """What OCI's endpoints serve: an instance's identity, and the tokens the domain accepts."""

    @property
    def oci_instance(self) -> InstanceIdentity: ...

    @property
    def oci_tokens(self) -> OciTokens: ...

METADATA = ("instance/region", "identity/cert.pem", "identity/key.pem", "identity/intermediate.pem")


def metadata(emu: OciParts, req: Request, _params: dict[str, str]) -> Reply:
    text = emu.oci_instance.metadata(req.path.removeprefix("/opc/v2/"), req.header("Authorization"))
    return Reply(200, text, content_type="text/plain")


def federate(emu: OciParts, req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, emu.oci_instance.federate(req.method, req.target, req.headers, req.raw, req.json(),
                                                emu.oci_tokens))


def proxymux(emu: OciParts, req: Request, _params: dict[str, str]) -> Reply:
    return Reply(200, pod_token(emu.oci_tokens, req.bearer(), req.json()), content_type="text/plain")


ROUTES = [*(Route("GET", f"/opc/v2/{path}", "oci-metadata", metadata) for path in METADATA),
          Route("POST", "/v1/x509", "oci-federation", federate),
          Route("POST", "/resourcePrincipalSessionTokens", "oke-proxymux", proxymux)]

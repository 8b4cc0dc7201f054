"""OCI workload identities, offline: a compute instance's metadata service and the X.509 federation endpoint that
trades the instance's certificate for a security token (what `InstancePrincipalsSecurityTokenSigner` calls); and
OKE's token proxy (proxymux), which trades a pod's service account token for a resource principal token.

- `GET /opc/v2/instance/region`, `/opc/v2/identity/cert.pem`, `/key.pem`, `/intermediate.pem`, with the header
  `Authorization: Bearer Oracle` (OCI_METADATA_BASE_URL=<emulator>/opc/v2 points the SDK here). The leaf
  certificate names the tenancy in its subject (`OU=opc-tenant:<tenancy OCID>`).
- `POST /v1/x509` (the federation endpoint; the SDK takes it as `federation_endpoint`): a body of the leaf
  certificate and the session's public key, signed with the leaf's key under keyId
  `<tenancy>/fed-x509/<SHA-1 fingerprint>`; the answer `{"token": ...}` is a security token the domain verifies
  like any other (oci_tokens).
- `POST /resourcePrincipalSessionTokens` (proxymux, https on the Kubernetes service host): `Authorization: Bearer
  <service account token>` (one this emulator minted, kind service_account) and `{"podKey": <public key>}`; the
  answer is the base64 of `{"token": "ST$<token>"}`, as the SDK reads it.
Needs `cryptography` (pulumi-idcs[oci]).
"""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

from . import oci_signature
from .oci_tokens import OciTokens, public_pem
from .replies import OciError

TENANCY = "ocid1.tenancy.oc1..emulatortenancy"
INSTANCE = "ocid1.instance.oc1.eu-frankfurt-1.emulatorinstance"
REGION = "eu-frankfurt-1"


class InstanceIdentity:
    """One instance: its key and self-issued certificate (made at first use)."""

    def __init__(self) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, INSTANCE),
                          x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"opc-instance:{INSTANCE}"),
                          x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"opc-tenant:{TENANCY}")])
        now = datetime.datetime.now(datetime.timezone.utc)
        self.certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                            .public_key(self._key.public_key()).serial_number(x509.random_serial_number())
                            .not_valid_before(now - datetime.timedelta(minutes=5))
                            .not_valid_after(now + datetime.timedelta(days=1)).sign(self._key, hashes.SHA256()))
        self.cert_pem = self.certificate.public_bytes(serialization.Encoding.PEM).decode()
        self.key_pem = self._key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()).decode()
        fingerprint = self.certificate.fingerprint(hashes.SHA1())  # noqa: S303 - OCI's keyId names the SHA-1
        self.key_id = f"{TENANCY}/fed-x509/" + ":".join(f"{b:02X}" for b in fingerprint)
        self.public_pem = self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def metadata(self, path: str, authorization: str | None) -> str:
        """What the metadata service answers at `path` (below /opc/v2)."""
        if authorization != "Bearer Oracle":
            raise OciError(401, "the metadata service needs the header Authorization: Bearer Oracle")
        answers = {"instance/region": REGION, "identity/cert.pem": self.cert_pem, "identity/key.pem": self.key_pem,
                   "identity/intermediate.pem": self.cert_pem}
        if path not in answers:
            raise OciError(404, f"no metadata at {path}")
        return answers[path]

    def federate(self, method: str, target: str, headers: dict[str, str], body: bytes, parsed: Any,
                 tokens: OciTokens) -> dict[str, Any]:
        """The X.509 federation: the instance's own certificate, signed by its key, for a security token."""
        problem = oci_signature.verify(method, target, headers, body, {self.key_id: self.public_pem},
                                       required=oci_signature.FEDERATION_REQUIRED)
        if problem:
            raise OciError(401, f"the federation request is not signed by the instance's key: {problem}")
        if not isinstance(parsed, dict) or _der(parsed.get("certificate")) != _der(self.cert_pem):
            raise OciError(400, "the certificate is not this instance's")
        try:
            return {"token": tokens.mint(public_pem(parsed.get("publicKey")), "instance_principal", INSTANCE)}
        except ValueError:
            raise OciError(400, "publicKey is not a base64 DER public key") from None


def _der(pem: Any) -> bytes:
    """A certificate's bytes, whether sent as PEM or as the SDK's sanitized base64 body."""
    text = "".join(line for line in str(pem or "").splitlines() if "-----" not in line)
    try:
        return base64.b64decode(text)
    except ValueError:
        return b""


def pod_token(tokens: OciTokens, bearer: str | None, parsed: Any) -> str:
    """OKE's proxymux: a resource principal token for the pod's key, if its service account token is valid."""
    problem = tokens.refused(bearer, "service_account")
    if problem:
        raise OciError(401, f"the service account token is refused: {problem}")
    try:
        token = tokens.mint(public_pem((parsed or {}).get("podKey")), "resource_principal", "oke-workload")
    except (ValueError, AttributeError):
        raise OciError(400, "podKey is not a base64 DER public key") from None
    return base64.b64encode(json.dumps({"token": f"ST${token}"}).encode()).decode()

"""Verification of OCI request signatures (the scheme of OCI's `oci.signer.Signer`, draft-cavage HTTP
signatures with rsa-sha256), so the emulator can accept OCI API-key authentication like a real domain.

The signed headers are named in the Authorization header; GET and DELETE sign `date (request-target) host`,
requests with a body also sign `content-length content-type x-content-sha256`. This module checks the
signature, the body digest and the date's freshness. It needs `cryptography` (installed with the `oci` extra).
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import re
import time
from collections.abc import Mapping

MAX_SKEW_SECONDS = 300
_PARAM = re.compile(r'(\w+)="([^"]*)"')
REQUIRED = frozenset({"date", "(request-target)", "host"})
#: The X.509 federation request of an instance principal signs no host (the SDK's own signer for it).
FEDERATION_REQUIRED = frozenset({"date", "(request-target)"})
BODY_REQUIRED = {"content-length", "content-type", "x-content-sha256"}


def key_id(authorization: str) -> str:
    """The keyId of an OCI signature's Authorization header ("" when it has none)."""
    return str(dict(_PARAM.findall(authorization)).get("keyId", ""))


def verify(method: str, target: str, headers: Mapping[str, str], body: bytes, keys: Mapping[str, str],
           required: frozenset[str] = REQUIRED) -> str | None:
    """None when the request carries a valid OCI signature by one of `keys` (keyId -> public key PEM), covering at
    least `required` (and the body's headers), else why not. `target` is the path with its query string, as sent."""
    lower = {k.lower(): v for k, v in headers.items()}
    auth = lower.get("authorization") or ""
    if not auth.startswith("Signature "):
        return "no OCI signature"
    params = dict(_PARAM.findall(auth[len("Signature "):]))
    key_pem = keys.get(params.get("keyId", ""))
    if key_pem is None:
        return f"unknown keyId {params.get('keyId')!r}"
    if params.get("algorithm") != "rsa-sha256":
        return "algorithm must be rsa-sha256"
    signed = params.get("headers", "").lower().split()
    needed = required | (BODY_REQUIRED if method.upper() in ("POST", "PUT", "PATCH") else set())
    if not needed <= set(signed):
        return f"the signature must cover {' '.join(sorted(needed))}"
    if "x-content-sha256" in signed and lower.get("x-content-sha256") != base64.b64encode(
            hashlib.sha256(body).digest()).decode():
        return "x-content-sha256 does not match the body"
    try:
        sent = email.utils.parsedate_to_datetime(lower.get("date", "")).timestamp()
    except (TypeError, ValueError):
        return "bad Date header"
    if abs(sent - time.time()) > MAX_SKEW_SECONDS:
        return "the Date header is more than 5 minutes off"
    lines = [f"(request-target): {method.lower()} {target}" if h == "(request-target)" else f"{h}: {lower.get(h, '')}"
             for h in signed]
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding, rsa
    except ImportError:
        return "the emulator needs the cryptography package to check OCI signatures (pip install 'pulumi-idcs[oci]')"
    public = serialization.load_pem_public_key(key_pem.encode())
    if not isinstance(public, rsa.RSAPublicKey):
        return "the key is not an RSA key"
    try:
        public.verify(base64.b64decode(params.get("signature", "")), "\n".join(lines).encode(), padding.PKCS1v15(),
                      hashes.SHA256())
    except (InvalidSignature, ValueError):
        return "the signature does not verify"
    return None

"""OCI security tokens, offline: the domain as the issuer of the tokens OCI's secretless sign-in methods carry.

A session token (`oci session authenticate`), a resource principal session token (RPST, OCI DevOps and Functions)
and a user principal session token (UPST, from the JWT-to-UPST token exchange) are all JWTs that carry, in their
`jwk` claim, the public key whose private half signs each request; the request's keyId is `ST$<token>`. The
emulator signs them with a key of its own, so it can verify a request end to end without any network:
the token's signature and expiry, then the request's signature with the key the token carries.

The token exchange (`POST /oauth2/v1/token`, grant_type `urn:ietf:params:oauth:grant-type:token-exchange`,
requested_token_type `urn:oci:token-type:oci-upst`) is what an Identity Propagation Trust enables: the caller
authenticates as the trust's OAuth client (Basic), presents a JWT of a trusted issuer (a CI's OIDC token) with the
trust's audience, and its `public_key` (base64 DER); the answer is `{"token": <UPST>}`. docs/oci-auth.md cites the
sources. Needs `cryptography` and `PyJWT` (both come with `pulumi-idcs[oci]`).
"""

from __future__ import annotations

import base64
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from .replies import OAuthError

EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
UPST_TYPE = "urn:oci:token-type:oci-upst"
ISSUER = "https://identity.emulator.local"


@dataclass(frozen=True)
class Trust:
    """An Identity Propagation Trust: whose JWTs (issuer, public key, audience) which client may exchange."""

    issuer: str
    public_key_pem: str
    audience: str
    client_id: str


class OciTokens:
    """Mints and verifies OCI security tokens; exchanges trusted JWTs for UPSTs. Thread-safe."""

    def __init__(self, trusts: list[dict[str, str]] | None = None) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._lock = threading.Lock()
        self.trusts = [Trust(t["issuer"], t["publicKeyPem"], t["audience"], t["clientId"]) for t in trusts or []]

    def add_trust(self, spec: dict[str, str]) -> None:
        with self._lock:
            self.trusts.append(Trust(spec["issuer"], spec["publicKeyPem"], spec["audience"], spec["clientId"]))

    def mint(self, public_key_pem: str, kind: str, subject: str, lifetime: int = 3600) -> str:
        """A security token of `kind` (session, resource_principal, upst) for the holder of `public_key_pem`."""
        import jwt
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        public = serialization.load_pem_public_key(public_key_pem.encode())
        if not isinstance(public, rsa.RSAPublicKey):
            raise ValueError("the session key must be an RSA key")
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(public, as_dict=True)
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": subject, "ptype": kind, "iat": now, "exp": now + lifetime,
                  "jti": str(uuid.uuid4()), "jwk": {**jwk, "kid": "sessionKey"}}
        return str(jwt.encode(claims, self._key, algorithm="RS256"))

    def refused(self, token: str | None, kind: str) -> str | None:
        """Why `token` is not a valid token of `kind` this issuer minted (None when it is)."""
        import jwt
        try:
            claims = jwt.decode(token or "", self._key.public_key(), algorithms=["RS256"])
        except jwt.ExpiredSignatureError:
            return "the token has expired"
        except jwt.PyJWTError:
            return "the token was not issued by this cluster"
        return None if claims.get("ptype") == kind else f"the token is not a {kind} token"

    def holder_key(self, key_id: str) -> tuple[str | None, str]:
        """(why the token is refused, or None; the public key PEM it carries) for a keyId `ST$<token>`."""
        import jwt
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        try:
            claims = jwt.decode(key_id[3:], self._key.public_key(), algorithms=["RS256"],
                                options={"require": ["exp", "jwk"]})
        except jwt.ExpiredSignatureError:
            return "the security token has expired", ""
        except jwt.PyJWTError:
            return "the security token was not issued by this domain", ""
        public = jwt.algorithms.RSAAlgorithm.from_jwk(claims["jwk"])
        if not isinstance(public, rsa.RSAPublicKey):
            return "the security token carries no public key", ""
        pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        return None, pem.decode()

    def exchange(self, basic: tuple[str | None, str | None], form: dict[str, str],
                 client_ok: Any) -> dict[str, Any]:
        """The JWT-to-UPST exchange. `client_ok(client_id, secret)` says whether the client authenticated."""
        import jwt
        if form.get("requested_token_type") != UPST_TYPE or form.get("subject_token_type") != "jwt":
            raise OAuthError(400, "invalid_request", "requested_token_type must be urn:oci:token-type:oci-upst and "
                                                     "subject_token_type jwt")
        if not basic[0] or not client_ok(basic[0], basic[1]):
            raise OAuthError(401, "invalid_client", "Client authentication failed.")
        subject = form.get("subject_token") or ""
        try:
            issuer = jwt.decode(subject, options={"verify_signature": False}).get("iss")
        except jwt.PyJWTError:
            raise OAuthError(400, "invalid_grant", "The subject token is not a JWT.") from None
        trust = next((t for t in self.trusts if t.issuer == issuer and t.client_id == basic[0]), None)
        if trust is None:
            raise OAuthError(400, "invalid_grant", f"No identity propagation trust for issuer {issuer!r} and this "
                                                   "client.")
        try:
            claims = jwt.decode(subject, trust.public_key_pem, algorithms=["RS256"], audience=trust.audience,
                                issuer=trust.issuer, options={"require": ["exp", "sub", "aud"]})
        except jwt.ExpiredSignatureError:
            raise OAuthError(400, "invalid_grant", "The subject token has expired.") from None
        except jwt.InvalidAudienceError:
            raise OAuthError(400, "invalid_grant", f"The subject token's audience is not {trust.audience}.") from None
        except jwt.PyJWTError:
            raise OAuthError(400, "invalid_grant", "The subject token's signature does not verify.") from None
        try:
            return {"token": self.mint(public_pem(form.get("public_key")), "upst", str(claims["sub"]))}
        except ValueError:
            raise OAuthError(400, "invalid_request", "public_key is not a base64 DER public key.") from None


def public_pem(key: str | None) -> str:
    """The PEM of a public key sent as the SDKs send it (base64 DER, its PEM armour stripped); ValueError if it
    is not base64."""
    text = "".join(str(key or "").split())
    base64.b64decode(text, validate=True)
    return "-----BEGIN PUBLIC KEY-----\n" + "\n".join(text[i:i + 64] for i in range(0, len(text), 64)) + \
        "\n-----END PUBLIC KEY-----\n"

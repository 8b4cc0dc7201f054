"""OCI sign-in material the emulator vouches for: keys, a session-token profile, a CI token trust. Shared by the
in-process and the engine tests of the OCI methods."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import jwt
from conftest import ADMIN_ID, ADMIN_SECRET
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from idcs_emulator import EmulatorServer
from pulumi_idcs_provider.context import Context

CI_ISSUER, AUDIENCE = "https://token.actions.githubusercontent.com", "https://idcs.example.com/ci"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey, private: bool = False) -> str:
    if private:
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode()
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def session_profile(emu: EmulatorServer, tmp: Path, lifetime: int = 3600,
                    signing_key: rsa.RSAPrivateKey | None = None) -> Path:
    """What `oci session authenticate` leaves: a profile with a key and a session token for its public half
    (signed with `signing_key` instead when given: a request the token does not vouch for)."""
    key = new_key()
    (tmp / "key.pem").write_text(pem(signing_key or key, private=True))
    (tmp / "token").write_text(emu.oci_tokens.mint(pem(key), "session", "demo.user@example.com", lifetime))
    config = tmp / "config"
    config.write_text(f"[SESSION]\nfingerprint=12:34\nkey_file={tmp / 'key.pem'}\ntenancy=ocid1.tenancy.oc1..aaaa\n"
                      f"region=eu-frankfurt-1\nsecurity_token_file={tmp / 'token'}\n")
    return config


def context(emu: EmulatorServer, method: str, **config: str) -> Context:
    return Context({"idcs:domainUrl": emu.url, "idcs:authMethod": method, "idcs:maxRequestsPerSecond": "1000",
                    **config}, environ={})


def federation(emu: EmulatorServer, tmp: Path, **claims: Any) -> Context:
    """A trust for the CI's issuer, the CI's OIDC token in a file, and the trust's OAuth client."""
    ci_key = new_key()
    emu.oci_tokens.add_trust({"issuer": CI_ISSUER, "publicKeyPem": pem(ci_key), "audience": AUDIENCE,
                              "clientId": ADMIN_ID})
    now = int(time.time())
    token = jwt.encode({"iss": CI_ISSUER, "sub": "repo:acme/idp:ref:refs/heads/main", "aud": AUDIENCE,
                        "iat": now, "exp": now + 300, **claims}, pem(ci_key, private=True), "RS256")
    (tmp / "oidc-token").write_text(token)
    return context(emu, "oci-workload-identity-federation", **{
        "idcs:ociFederationTokenFile": str(tmp / "oidc-token"), "idcs:clientId": ADMIN_ID,
        "idcs:clientSecret": ADMIN_SECRET})

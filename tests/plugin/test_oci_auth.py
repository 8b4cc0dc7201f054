"""OCI API-key authentication against the emulator, which checks the request signatures itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests
from conftest import MOBILE
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from idcs_emulator import EmulatorServer
from provider_server import ProviderServer

KEY_ID = "ocid1.tenancy.oc1..aaaa/ocid1.user.oc1..bbbb/12:34:56:78:90:ab:cd:ef:12:34:56:78:90:ab:cd:ef"


def oci_profile(tmp: Path, name: str) -> tuple[Path, str]:
    """An OCI config file with a fresh RSA key; returns (config path, public key PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp / f"{name}.pem"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    config = tmp / f"{name}.config"
    tenancy, user, fingerprint = KEY_ID.split("/")
    config.write_text(f"[DEFAULT]\ntenancy={tenancy}\nuser={user}\nfingerprint={fingerprint}\n"
                      f"key_file={key_file}\nregion=eu-frankfurt-1\n")
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return config, public


def oci_config(emu: EmulatorServer, config_file: Path) -> dict[str, Any]:
    return {"idcs:domainUrl": emu.url, "idcs:authMethod": "oci-api-key", "idcs:ociConfigFile": str(config_file),
            "idcs:maxRequestsPerSecond": "1000"}


def test_signed_requests_manage_an_app_without_any_token(emulator: EmulatorServer, tmp_path: Path) -> None:
    config_file, public = oci_profile(tmp_path, "good")
    requests.post(emulator.url + "/_emulator/oci-keys", json={"keyId": KEY_ID, "publicKeyPem": public}, timeout=5)
    with ProviderServer(oci_config(emulator, config_file)) as server:
        _, _, outs = server.up({"appId": MOBILE, "accessTokenExpiry": 1200})
    assert outs["accessTokenExpiry"] == 1200 and emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 1200
    kinds = [r["kind"] for r in emulator.requests_of()]
    assert "token" not in kinds and kinds[-1] == "patch"


def test_a_key_the_domain_does_not_know_is_refused_clearly(emulator: EmulatorServer, tmp_path: Path) -> None:
    _, public = oci_profile(tmp_path, "registered")
    config_file, _ = oci_profile(tmp_path, "other")  # same keyId, different key: the signature cannot verify
    requests.post(emulator.url + "/_emulator/oci-keys", json={"keyId": KEY_ID, "publicKeyPem": public}, timeout=5)
    with ProviderServer(oci_config(emulator, config_file)) as server:
        text = server.refused_at_check({"appId": MOBILE, "accessTokenExpiry": 1200})
    assert "HTTP 401" in text and "the signature does not verify" in text
    assert emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 3600


def test_a_missing_profile_names_the_settings(emulator: EmulatorServer, tmp_path: Path) -> None:
    with ProviderServer(oci_config(emulator, tmp_path / "nope")) as server:
        assert "idcs:ociConfigFile" in server.refused_at_check({"appId": MOBILE, "accessTokenExpiry": 1200})

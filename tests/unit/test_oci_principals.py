"""OCI's secretless sign-in methods, in-process against the emulator, which verifies offline what a domain does:
a session token's or a resource principal token's own signature and expiry, then the request's signature with
the key the token carries; and the JWT-to-UPST exchange of a CI's OIDC token under an identity propagation trust.
Each refusal is a check failure, before anything is written. (tests/engine/test_engine_oci_principals.py runs
`pulumi up` with each.)"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE
from cryptography.hazmat.primitives.asymmetric import rsa
from idcs_emulator import EmulatorServer
from oci_fixtures import context, federation, new_key, pem, session_profile
from pulumi_idcs_provider.app_token_expiry import IMPLEMENTATION as app_tokens
from pulumi_idcs_provider.context import Context


def failures(ctx: Context) -> dict[str, str]:
    result = app_tokens.check(ctx, {}, {"appId": MOBILE, "accessTokenExpiry": 1200})
    return {f.property: f.reason for f in result.failures}


def adopts(ctx: Context, emu: EmulatorServer) -> list[dict[str, Any]]:
    """check passes and create writes the app; the token endpoint's requests (none unless a method exchanges)."""
    checked = app_tokens.check(ctx, {}, {"appId": MOBILE, "accessTokenExpiry": 1200})
    assert not checked.failures, [f.reason for f in checked.failures]
    app_tokens.create(ctx, checked.inputs)
    assert emu.domain.apps[MOBILE]["accessTokenExpiry"] == 1200
    assert [r["kind"] for r in emu.requests_of()][-1] == "patch"
    return emu.requests_of("token")


def test_a_session_token_signs_in(emulator: EmulatorServer, tmp_path: Path) -> None:
    config = session_profile(emulator, tmp_path)
    assert adopts(context(emulator, "oci-session-token", **{"idcs:ociConfigFile": str(config),
                                                            "idcs:ociProfile": "SESSION"}), emulator) == []


@pytest.mark.parametrize(("lifetime", "signer", "words"), [
    (-60, None, "the security token has expired"),
    (3600, new_key(), "the signature does not verify"),
])
def test_an_expired_token_or_a_bad_signature_is_refused_at_check(emulator: EmulatorServer, tmp_path: Path,
                                                                 lifetime: int, signer: rsa.RSAPrivateKey | None,
                                                                 words: str) -> None:
    config = session_profile(emulator, tmp_path, lifetime, signer)
    found = failures(context(emulator, "oci-session-token", **{"idcs:ociConfigFile": str(config),
                                                               "idcs:ociProfile": "SESSION"}))
    assert "HTTP 401" in found[""] and words in found[""], found
    assert emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 3600


def test_a_token_this_domain_did_not_issue_is_refused(emulator: EmulatorServer, tmp_path: Path) -> None:
    config = session_profile(emulator, tmp_path)
    key = new_key()
    forged = jwt.encode({"sub": "x", "exp": int(time.time()) + 60, "jwk": {}}, pem(key, private=True), "RS256")
    (tmp_path / "token").write_text(forged)
    found = failures(context(emulator, "oci-session-token", **{"idcs:ociConfigFile": str(config),
                                                               "idcs:ociProfile": "SESSION"}))
    assert "the security token was not issued by this domain" in found[""], found


def test_a_profile_without_a_session_token_names_the_fix(emulator: EmulatorServer, tmp_path: Path) -> None:
    config = session_profile(emulator, tmp_path)
    config.write_text("\n".join(line for line in config.read_text().splitlines()
                                if not line.startswith("security_token_file")))
    found = failures(context(emulator, "oci-session-token", **{"idcs:ociConfigFile": str(config),
                                                               "idcs:ociProfile": "SESSION"}))
    assert "has no security_token_file: run `oci session authenticate --profile-name SESSION`" in found[""]


def resource_principal_env(emu: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """What an OCI DevOps build pipeline's environment holds: version 2.2, the token and the key themselves."""
    key = new_key()
    for name, value in {"OCI_RESOURCE_PRINCIPAL_VERSION": "2.2", "OCI_RESOURCE_PRINCIPAL_REGION": "eu-frankfurt-1",
                        "OCI_RESOURCE_PRINCIPAL_RPST": emu.oci_tokens.mint(pem(key), "resource_principal",
                                                                           "ocid1.devopsbuildpipeline.oc1..x"),
                        "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM": pem(key, private=True)}.items():
        monkeypatch.setenv(name, value)


def test_a_resource_principal_signs_in(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    resource_principal_env(emulator, monkeypatch)
    assert adopts(context(emulator, "oci-resource-principal"), emulator) == []


def test_a_resource_principal_without_its_environment_names_the_variable(emulator: EmulatorServer,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    resource_principal_env(emulator, monkeypatch)
    monkeypatch.delenv("OCI_RESOURCE_PRINCIPAL_RPST")
    assert "needs $OCI_RESOURCE_PRINCIPAL_RPST" in failures(context(emulator, "oci-resource-principal"))[""]


def test_oke_workload_identity_outside_a_cluster_names_the_variable(emulator: EmulatorServer,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    found = failures(context(emulator, "oci-oke-workload-identity"))
    assert "needs $KUBERNETES_SERVICE_HOST" in found[""], found


def test_workload_identity_federation_exchanges_the_ci_token(emulator: EmulatorServer, tmp_path: Path) -> None:
    exchanges = adopts(federation(emulator, tmp_path), emulator)
    assert [r["body"]["grant_type"] for r in exchanges] == ["urn:ietf:params:oauth:grant-type:token-exchange"]
    # one exchange, then every request signed with the key the UPST carries


@pytest.mark.parametrize(("claims", "words"), [
    ({"aud": "https://someone-else.example.com"}, "audience is not https://idcs.example.com/ci"),
    ({"exp": int(time.time()) - 60}, "The subject token has expired"),
])
def test_a_wrong_audience_or_an_expired_ci_token_is_refused_at_check(emulator: EmulatorServer, tmp_path: Path,
                                                                     claims: dict[str, Any], words: str) -> None:
    found = failures(federation(emulator, tmp_path, **claims))
    assert "could not sign in with the token exchange of the CI's OIDC token: HTTP 400" in found[""], found
    assert words in found[""]
    assert emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 3600


def test_federation_without_the_token_file_names_the_key(emulator: EmulatorServer, tmp_path: Path) -> None:
    ctx = context(emulator, "oci-workload-identity-federation", **{
        "idcs:ociFederationTokenFile": str(tmp_path / "missing"), "idcs:clientId": ADMIN_ID,
        "idcs:clientSecret": ADMIN_SECRET})
    assert "idcs:ociFederationTokenFile" in failures(ctx)[""]


def test_an_instance_principal_signs_in_through_the_metadata_service(emulator: EmulatorServer,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK's own instance principal flow against the emulator's metadata service (OCI_METADATA_BASE_URL, as
    the SDK documents) and X.509 federation endpoint (the SDK derives it from the region: pointed here in-process,
    the one place the signer does not read from its environment)."""
    import oci
    monkeypatch.setenv("OCI_METADATA_BASE_URL", emulator.url + "/opc/v2")
    derived = oci.regions.endpoint_for
    monkeypatch.setattr(oci.regions, "endpoint_for", lambda service, *args, **kwargs: emulator.url
                        if service == "auth" else derived(service, *args, **kwargs))
    assert adopts(context(emulator, "oci-instance-principal"), emulator) == []
    assert len(emulator.requests_of("oci-federation")) == 1


def test_an_instance_principal_off_an_instance_is_refused_with_the_reason(emulator: EmulatorServer,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCI_METADATA_BASE_URL", emulator.url + "/not-metadata")
    found = failures(context(emulator, "oci-instance-principal"))
    assert "found no instance metadata service at" in found[""] and "HTTP 404" in found[""], found


def test_oke_workload_identity_signs_in_through_the_token_proxy(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK's own OKE flow against the emulator serving https as the cluster's token proxy: the service host
    and the CA come from the environment (as in a pod); the proxy's port (12250) and the token's path are the
    SDK's constants, pointed here in-process."""
    import oci
    from certificates import self_signed
    cert, key = self_signed(tmp_path)
    with EmulatorServer(tls=(cert, key)) as emu:
        (tmp_path / "sa-token").write_text(emu.oci_tokens.mint(pem(new_key()), "service_account", "default:idp"))
        monkeypatch.setattr(oci.auth.rpt_path_providers, "OCI_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH",
                            str(tmp_path / "sa-token"))
        monkeypatch.setattr(oci.auth.signers.resource_principals_signer, "OCI_KUBERNETES_PROXYMUX_SERVICE_PORT",
                            str(emu.httpd.server_address[1]))
        for name, value in {"KUBERNETES_SERVICE_HOST": "127.0.0.1", "OCI_RESOURCE_PRINCIPAL_REGION": "eu-frankfurt-1",
                            "OCI_KUBERNETES_SERVICE_ACCOUNT_CERT_PATH": cert}.items():
            monkeypatch.setenv(name, value)
        assert adopts(context(emu, "oci-oke-workload-identity", **{"idcs:caBundle": cert}), emu) == []
        assert len(emu.requests_of("oke-proxymux")) == 1


def test_a_named_connection_signs_in_the_same_way(emulator: EmulatorServer, tmp_path: Path) -> None:
    config = session_profile(emulator, tmp_path)
    ctx = Context({"idcs:connections": json.dumps({"eu": {
        "domainUrl": emulator.url, "authMethod": "oci-session-token", "ociConfigFile": str(config),
        "ociProfile": "SESSION"}})}, environ={})
    checked = app_tokens.check(ctx, {}, {"appId": MOBILE, "accessTokenExpiry": 1200, "connection": "eu"})
    assert not checked.failures, [f.reason for f in checked.failures]
    app_tokens.create(ctx, checked.inputs)
    assert emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 1200 and emulator.requests_of("token") == []

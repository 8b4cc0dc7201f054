"""Every OCI sign-in method (`idcs:authMethod` oci-*), each the OCI SDK's own signer (docs/oci-auth.md).

An API key and a session token come from a profile of an OCI config file; a resource principal, an instance
principal and OKE workload identity from the environment OCI gives the pipeline; workload identity federation
exchanges the CI's own OIDC token (a file the job writes) at the identity domain for a user principal session
token, authenticating as the Identity Propagation Trust's OAuth client. Whatever is missing or unusable is a
ConfigurationError naming the key or the environment variable, which the resources' check turns into a refusal
at preview. No message carries a token, a key or a secret.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import requests

from .errors import ConfigurationError
from .settings import KEYS, ConnectionSettings
from .spelling import shown

#: The environment a resource principal (version 2.2, OCI DevOps build pipelines and Functions) is given.
RESOURCE_PRINCIPAL_ENV = ("OCI_RESOURCE_PRINCIPAL_VERSION", "OCI_RESOURCE_PRINCIPAL_RPST",
                          "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", "OCI_RESOURCE_PRINCIPAL_REGION")
#: The Kubernetes service host OKE workload identity reaches its token proxy through.
OKE_ENV = ("KUBERNETES_SERVICE_HOST", "OCI_RESOURCE_PRINCIPAL_REGION")


def _sdk() -> Any:
    try:
        import oci
    except ImportError:
        where = ("the plugin the engine downloads does not bundle it (500 MB): install the plugin with "
                 '`pip install "pulumi-idcs[oci]"` and point the project\'s plugins.providers at that bin directory'
                 if getattr(sys, "frozen", False) else 'pip install "pulumi-idcs[oci]"')
        raise ConfigurationError(f"the OCI sign-in methods need the OCI SDK: {where}",
                                 key=KEYS["auth_method"][0]) from None
    return oci


def _profile(settings: ConnectionSettings) -> dict[str, Any]:
    oci = _sdk()
    path = os.path.expanduser(settings.oci_config_file)
    try:
        return dict(oci.config.from_file(file_location=path, profile_name=settings.oci_profile))
    except (oci.exceptions.ConfigFileNotFound, oci.exceptions.ProfileNotFound,
            oci.exceptions.InvalidConfig, oci.exceptions.InvalidKeyFilePath) as e:
        raise ConfigurationError(
            f"cannot use OCI profile {shown(settings.oci_profile)} of {path} (idcs:ociConfigFile, idcs:ociProfile): "
            f"{type(e).__name__}", key=KEYS["oci_profile"][0]) from None


def api_key(settings: ConnectionSettings) -> requests.auth.AuthBase:
    """A user's API key: `oci.signer.Signer` from the profile (user, fingerprint, key_file, tenancy)."""
    config = _profile(settings)
    signer: requests.auth.AuthBase = _sdk().signer.Signer(
        tenancy=config["tenancy"], user=config["user"], fingerprint=config["fingerprint"],
        private_key_file_location=config["key_file"], pass_phrase=config.get("pass_phrase"))
    return signer


def session_token(settings: ConnectionSettings) -> requests.auth.AuthBase:
    """`oci session authenticate`'s token: the profile's security_token_file, signed with its key_file."""
    oci, config = _sdk(), _profile(settings)
    where = f"profile {shown(settings.oci_profile)} of {settings.oci_config_file}"
    for field in ("security_token_file", "key_file"):
        if not config.get(field):
            raise ConfigurationError(f"{where} has no {field}: run `oci session authenticate --profile-name "
                                     f"{settings.oci_profile}`", key=KEYS["oci_profile"][0])
    try:
        token = Path(os.path.expanduser(config["security_token_file"])).read_text().strip()
        key = oci.signer.load_private_key_from_file(config["key_file"], config.get("pass_phrase"))
    except (OSError, ValueError, oci.exceptions.InvalidPrivateKey) as e:
        raise ConfigurationError(f"cannot read the session token or its key of {where}: {type(e).__name__}",
                                 key=KEYS["oci_profile"][0]) from None
    signer: requests.auth.AuthBase = oci.auth.signers.SecurityTokenSigner(token, key)
    return signer


def _environment(names: tuple[str, ...], method: str) -> None:
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        raise ConfigurationError(f'idcs:authMethod "{method}" needs ${", $".join(missing)}, which OCI sets where '
                                 "that principal runs (docs/installation-configuration.md, \"Pipelines without stored "
                                 "secrets\")",
                                 key=KEYS["auth_method"][0])


def resource_principal(_settings: ConnectionSettings) -> requests.auth.AuthBase:
    """OCI DevOps build pipelines and Functions: `get_resource_principals_signer()` from their environment."""
    if os.environ.get(RESOURCE_PRINCIPAL_ENV[0], "2.2") == "2.2":
        _environment(RESOURCE_PRINCIPAL_ENV, "oci-resource-principal")
    return _built(lambda oci: oci.auth.signers.get_resource_principals_signer(), "the resource principal")


#: Where the SDK finds the instance metadata service unless $OCI_METADATA_BASE_URL says otherwise.
METADATA = "http://169.254.169.254/opc/v2"


def instance_principal(_settings: ConnectionSettings) -> requests.auth.AuthBase:
    """OCI compute: the instance's certificate from its metadata service ($OCI_METADATA_BASE_URL to point it
    elsewhere), exchanged for a token. One quick look at the metadata service first: off an instance the SDK would
    retry it for a minute and a half before giving up."""
    base = os.environ.get("OCI_METADATA_BASE_URL") or METADATA
    try:
        found = requests.get(f"{base}/instance/region", headers={"Authorization": "Bearer Oracle"}, timeout=3)
        reason = "" if found.ok else f"HTTP {found.status_code}"
    except requests.RequestException as e:
        reason = type(e).__name__
    if reason:
        raise ConfigurationError(f'idcs:authMethod "oci-instance-principal" found no instance metadata service at '
                                 f"{base} ({reason}): it runs on OCI compute only", key=KEYS["auth_method"][0])
    return _built(lambda oci: oci.auth.signers.InstancePrincipalsSecurityTokenSigner(), "the instance principal")


def oke_workload_identity(_settings: ConnectionSettings) -> requests.auth.AuthBase:
    """A pod in OKE: its service account token, exchanged through the cluster's token proxy."""
    _environment(OKE_ENV, "oci-oke-workload-identity")
    return _built(lambda oci: oci.auth.signers.get_oke_workload_identity_resource_principal_signer(),
                  "OKE workload identity")


def workload_identity_federation(settings: ConnectionSettings) -> requests.auth.AuthBase:
    """The CI's OIDC token (idcs:ociFederationTokenFile, read at each exchange) exchanged at the domain for a
    user principal session token, as the trust's OAuth client (idcs:clientId, idcs:clientSecret)."""
    path = os.path.expanduser(settings.oci_federation_token_file)
    if not Path(path).is_file():
        raise ConfigurationError(f"idcs:ociFederationTokenFile {shown(path)} is not a file: the job writes the CI's "
                                 "OIDC token there (docs/installation-configuration.md, \"Pipelines without stored "
                                 "secrets\")",
                                 key=KEYS["oci_federation_token_file"][0])

    def jwt() -> str:
        return Path(path).read_text().strip()

    return _built(lambda oci: oci.auth.signers.TokenExchangeSigner(
        jwt, settings.domain_url, settings.client_id, settings.client_secret.get_secret_value()),
        "the token exchange of the CI's OIDC token")


def _built(make: Callable[[Any], Any], what: str) -> requests.auth.AuthBase:
    """The SDK's signer, or a ConfigurationError saying why it could not be made (its first request failed)."""
    oci = _sdk()
    try:
        signer: requests.auth.AuthBase = make(oci)
    except Exception as e:
        raise ConfigurationError(f"could not sign in with {what}: {_reason(e)}", key=KEYS["auth_method"][0]) from None
    return signer


def _reason(e: Exception) -> str:
    """What went wrong, from the server's answer when there was one: never the request (it carries tokens)."""
    resp = getattr(e, "response", None)
    if resp is not None:
        try:
            body = resp.json()
        except ValueError:
            body = {}
        said = body.get("error_description") or body.get("detail") or body.get("error") if isinstance(
            body, dict) else None
        return f"HTTP {resp.status_code}" + (f", {said}" if said else "")
    return type(e).__name__ + (f" ({e})" if isinstance(e, OSError) else "")  # a path or a URL, no token


SIGNERS: Mapping[str, Callable[[ConnectionSettings], requests.auth.AuthBase]] = {
    "oci-api-key": api_key,
    "oci-session-token": session_token,
    "oci-resource-principal": resource_principal,
    "oci-instance-principal": instance_principal,
    "oci-oke-workload-identity": oke_workload_identity,
    "oci-workload-identity-federation": workload_identity_federation,
}

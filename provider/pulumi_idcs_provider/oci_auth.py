"""OCI API-key authentication: requests signed with the OCI SDK's signer instead of an OAuth admin token.

For users who have `~/.oci/config` and no OAuth admin client: identity domains accept OCI request signatures
(docs/idcs-api.md, "Other ways in"). Needs the optional `oci` package: `pip install "pulumi-idcs[oci]"`.
"""

from __future__ import annotations

from typing import Any

import requests

from .errors import ConfigurationError


def signer(config_file: str, profile: str) -> requests.auth.AuthBase:
    """The OCI SDK's request signer (a `requests` auth object) for a profile of an OCI config file."""
    try:
        import oci
    except ImportError:
        raise ConfigurationError(
            'idcs:authMethod "oci-api-key" needs the OCI SDK: pip install "pulumi-idcs[oci]"') from None
    try:
        config: dict[str, Any] = oci.config.from_file(file_location=config_file, profile_name=profile)
    except (oci.exceptions.ConfigFileNotFound, oci.exceptions.ProfileNotFound,
            oci.exceptions.InvalidConfig, oci.exceptions.InvalidKeyFilePath) as e:
        raise ConfigurationError(
            f"cannot use OCI profile {profile!r} of {config_file} (idcs:ociConfigFile, idcs:ociProfile): "
            f"{type(e).__name__}") from None
    auth: requests.auth.AuthBase = oci.signer.Signer(
        tenancy=config["tenancy"], user=config["user"], fingerprint=config["fingerprint"],
        private_key_file_location=config["key_file"], pass_phrase=config.get("pass_phrase"))
    return auth

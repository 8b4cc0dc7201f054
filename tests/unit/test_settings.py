"""Connection settings: stack config over environment, clear errors naming keys and variables."""

from __future__ import annotations

import pytest
from pulumi_idcs_provider.errors import ConfigurationError
from pulumi_idcs_provider.settings import from_config
from pulumi_idcs_provider.stack_config import StackSettings

FULL = {"idcs:domainUrl": "https://idcs-1.identity.oraclecloud.com", "idcs:clientId": "c", "idcs:clientSecret": "s"}


def test_config_wins_over_environment() -> None:
    env = {"IDCS_DOMAIN_URL": "https://other.example.com", "IDCS_CLIENT_ID": "e", "IDCS_CLIENT_SECRET": "es"}
    s = from_config(FULL, env)
    assert (s.domain_url, s.client_id) == ("https://idcs-1.identity.oraclecloud.com", "c")


def test_environment_fills_what_config_lacks() -> None:
    s = from_config({}, {"IDCS_DOMAIN_URL": "https://idcs-2.identity.oraclecloud.com/", "IDCS_CLIENT_ID": "e",
                         "IDCS_CLIENT_SECRET": "es"})
    assert s.domain_url == "https://idcs-2.identity.oraclecloud.com" and s.client_secret.get_secret_value() == "es"


def test_missing_credentials_name_config_keys_and_variables() -> None:
    with pytest.raises(ConfigurationError) as err:
        from_config({"idcs:domainUrl": FULL["idcs:domainUrl"]}, {})
    text = str(err.value)
    assert "idcs:clientId (or $IDCS_CLIENT_ID)" in text and "idcs:clientSecret (or $IDCS_CLIENT_SECRET)" in text
    assert "idcs:domainUrl (or" not in text


@pytest.mark.parametrize("url", ["http://idcs-1.identity.oraclecloud.com", "http://10.0.0.5:8943", "ftp://x",
                                 "idcs-1.identity.oraclecloud.com", "https://idcs-1.example.com/admin/v1"])
def test_unusable_domain_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigurationError, match="idcs:domainUrl"):
        from_config({**FULL, "idcs:domainUrl": url}, {})


@pytest.mark.parametrize("url", ["http://127.0.0.1:8943", "http://localhost:8943", "http://[::1]:8943"])
def test_plain_http_is_allowed_for_loopback_only(url: str) -> None:
    assert from_config({**FULL, "idcs:domainUrl": url}, {}).domain_url == url


def test_tls_verification_stays_on_with_a_ca_bundle() -> None:
    assert from_config(FULL, {}).verify is True
    assert from_config({**FULL, "idcs:caBundle": "/etc/ca.pem"}, {}).verify == "/etc/ca.pem"


def test_settings_are_resolved_once_per_configuration_and_shared() -> None:
    resolved = StackSettings(FULL, {"IDCS_CA_BUNDLE": "/etc/ca.pem", "MOSAIC_CA_BUNDLE": "/etc/mosaic.pem"})
    assert resolved.connection() is resolved.connection()  # every resource type gets the same settings (and client)
    assert resolved.connection().ca_bundle == "/etc/ca.pem"
    assert resolved.flavor_host("mosaic")[1] == "/etc/mosaic.pem"  # Mosaic's own CA, never the domain's
    assert resolved.flavor_host("idcs") == (FULL["idcs:domainUrl"].rstrip("/"), "/etc/ca.pem")


def test_an_unusable_part_fails_the_same_way_for_everyone_who_asks() -> None:
    resolved = StackSettings({**FULL, "idcs:connections": "{}"}, {})
    for _ in range(2):
        with pytest.raises(ConfigurationError, match="no connection 'eu'") as err:
            resolved.connection("eu")
        assert err.value.key is None or err.value.key == "idcs:connections"
    assert resolved.connection().domain_url  # the stack's own connection is still fine

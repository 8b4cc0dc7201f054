"""The functions' declared outputs, and the whole-app writer rule, in-process."""

from __future__ import annotations

from pulumi_idcs_policy.rules import StackResource, whole_app_writers
from pulumi_idcs_provider.catalog import DEFINITIONS
from pulumi_idcs_provider.definition import flagged, properties
from pulumi_idcs_provider.mosaic_lookup import GetClientOutputs, GetResourceOutputs
from pulumi_idcs_provider.type_tokens import MOSAIC, MOSAIC_RESOURCE


def test_each_mosaic_function_returns_every_lifetime_its_resource_manages() -> None:
    for token, outputs in ((MOSAIC, GetClientOutputs), (MOSAIC_RESOURCE, GetResourceOutputs)):
        managed = set(flagged(DEFINITIONS[token].inputs, "managed"))
        returned = {w for w, _, _ in properties(outputs)}
        assert managed <= returned, (token.name, managed - returned)


DOMAINS_APP = "oci:Identity/domainsApp:DomainsApp"


def test_a_domains_app_on_a_managed_app_is_flagged_unless_it_ignores_both_lifetimes() -> None:
    ours = StackResource("urn:pulumi:s::p::idcs:index:AppTokenExpiry::mobile", "idcs:index:AppTokenExpiry", (),
                         {"appId": "5b0c", "appName": "7d1f", "appDisplayName": "MobileApp"})
    whole = StackResource("urn:pulumi:s::p::oci:Identity/domainsApp:DomainsApp::mobileApp", DOMAINS_APP, (),
                          {"displayName": "mobileapp"})
    other = StackResource("urn:pulumi:s::p::oci:Identity/domainsApp:DomainsApp::web", DOMAINS_APP, (),
                          {"displayName": "Web"})
    found = whole_app_writers([ours, whole, other], {})
    assert found == ["'mobileApp' (a DomainsApp) writes the whole app that 'mobile' manages the lifetimes of: each run "
                     "of one puts back the other's values. Add ignoreChanges: [\"accessTokenExpiry\", "
                     "\"refreshTokenExpiry\"] to the DomainsApp, or stop managing the lifetimes with AppTokenExpiry"]
    assert len(whole_app_writers([ours, whole], {whole.urn: ["accessTokenExpiry"]})) == 1  # one is not enough
    assert whole_app_writers([ours, whole], {whole.urn: ["accessTokenExpiry", "refreshTokenExpiry"]}) == []

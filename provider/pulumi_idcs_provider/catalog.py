"""Every resource's definition and every stack config variable: what schema.json, both SDKs, the docs' property
tables and the gate's tables are generated from (`schema_gen`). Add a resource here, once (docs/development.md,
"Adding a resource")."""

from __future__ import annotations

from dataclasses import dataclass

from . import app_token_expiry, get_app, mosaic_lookup, mosaic_resource_timeouts, mosaic_timeouts, refresh_grant_check
from .adoption import Adoption, Target
from .app_token_expiry import AppTokenExpiryProvider
from .models import AppTokenExpiryInputs, AppTokenExpiryOutputs
from .mosaic_resource_timeouts import (
    ResourceTokenTimeoutsInputs,
    ResourceTokenTimeoutsOutputs,
    ResourceTokenTimeoutsProvider,
)
from .mosaic_timeouts import ClientTokenTimeoutsInputs, ClientTokenTimeoutsOutputs, ClientTokenTimeoutsProvider
from .refresh_grant_check import RefreshGrantCheckInputs, RefreshGrantCheckOutputs, RefreshGrantCheckProvider
from .resource import Definition, FunctionDefinition
from .settings import CONNECTIONS_KEY, KEYS, MOSAIC_CA_BUNDLE, MOSAIC_KEYS, SKIP_RESTORE, ConnectionSettings
from .type_tokens import APP, CHECK, MOSAIC, MOSAIC_RESOURCE, ResourceType

DEFINITIONS: dict[ResourceType, Definition] = {d.token: d for d in (
    Definition(APP, (
        "The accessTokenExpiry and refreshTokenExpiry of one existing IDCS app. Creating it adopts the app (never "
        'creates one); deleting it leaves the values (onDelete "retain") or puts back the values found at adoption '
        '("restore"); no other attribute of the app is ever read or written beyond its identity.'),
        AppTokenExpiryInputs, AppTokenExpiryOutputs, AppTokenExpiryProvider, app_token_expiry.IMPLEMENTATION),
    Definition(CHECK, (
        "Proves a client's refresh grant works by a live token exchange: IDCS (POST {domainUrl}/oauth2/v1/token, "
        "grant_type=refresh_token), Transmit Mosaic (POST {base}/oidc/token for a client token, then POST "
        "{base}/cis/v1/auth/token/refresh) or any RFC 6749 section 6 endpoint. Refresh tokens rotate: the newest is "
        "kept as a secret output and used next time; a changed seed token wins. Runs on create, when an input "
        "changes, after a failed check and when the last success is older than recheckAfter. A refused exchange "
        "fails the update and keeps the previous token; an answer that breaks expectAccessTokenExpiry keeps the new "
        "token, records `failure` and fails the program. Mosaic's default base URL comes from idcs:mosaicBaseUrl "
        "(or $MOSAIC_BASE_URL)."),
        RefreshGrantCheckInputs, RefreshGrantCheckOutputs, RefreshGrantCheckProvider, refresh_grant_check),
    Definition(MOSAIC, (
        "The token lifetimes of one existing Transmit Mosaic OIDC client. Creating it adopts the client (never "
        "creates one); each lifetime left out is not managed; deleting it leaves the values (onDelete \"retain\") "
        'or puts back the values found at adoption ("restore"). A PUT carries only token_expiration (all three '
        "keys, the unmanaged ones as read) and session_expiration when managed."),
        ClientTokenTimeoutsInputs, ClientTokenTimeoutsOutputs, ClientTokenTimeoutsProvider,
        mosaic_timeouts.IMPLEMENTATION),
    Definition(MOSAIC_RESOURCE, (
        "The token lifetimes of one existing Transmit Mosaic custom resource (tenant-wide): tokens issued for the "
        "resource (resource=<its URI>) take them, and a refresh keeps the resource of the login that started it. "
        "Creating it adopts the resource by resourceId or resourceUri (never creates one); each lifetime left out "
        "is not managed; deleting it leaves the values (onDelete \"retain\") or puts back the values found at "
        'adoption ("restore"). A PUT carries only the lifetimes that differ. Import it by the resource\'s id or URI.'),
        ResourceTokenTimeoutsInputs, ResourceTokenTimeoutsOutputs, ResourceTokenTimeoutsProvider,
        mosaic_resource_timeouts.IMPLEMENTATION),
)}


#: The functions (data sources), by token: each reads, never writes.
FUNCTIONS: dict[str, FunctionDefinition] = {f.token: f for f in (
    FunctionDefinition("idcs:index:getApp", get_app.DESCRIPTION, get_app.GetAppInputs, get_app.GetAppOutputs,
                       get_app.call),
    FunctionDefinition("idcs:mosaic:getClient", mosaic_lookup.CLIENT_DESCRIPTION, mosaic_lookup.GetClientInputs,
                       mosaic_lookup.GetClientOutputs, mosaic_lookup.get_client),
    FunctionDefinition("idcs:mosaic:getResource", mosaic_lookup.RESOURCE_DESCRIPTION,
                       mosaic_lookup.GetResourceInputs, mosaic_lookup.GetResourceOutputs, mosaic_lookup.get_resource),
)}

#: Each definition by the plugin's type token (idcs:index:AppTokenExpiry).
BY_PLUGIN_TOKEN = {token.plugin: d for token, d in DEFINITIONS.items()}
#: Each definition by the dynamic door's provider class (what upstream's server unpickles from state).
BY_DYNAMIC_PROVIDER = {d.dynamic_provider: d for d in DEFINITIONS.values()}
#: The kind of live object each adopting resource manages (its `Target`), by its type under both front doors: how
#: the tools name, check and import what a resource of that type adopts.
TARGETS: dict[str, Target] = {token: d.implementation.target for d in DEFINITIONS.values()
                              if isinstance(d.implementation, Adoption) for token in d.token.tokens}


def named(name: str) -> Definition:
    """The definition of the resource called `name` (AppTokenExpiry): what the generated SDK classes look up."""
    return next(d for d in DEFINITIONS.values() if d.token.name == name)


@dataclass(frozen=True)
class Variable:
    """One `idcs:` stack config variable: its key and environment variable (from settings), type and meaning."""

    key: tuple[str, str | None]
    description: str
    type: str = "string"
    secret: bool = False
    default: object = None


def _default(field: str) -> object:
    return ConnectionSettings.model_fields[field].default


VARIABLES = (
    Variable(KEYS["domain_url"], (
        "Base URL of the identity domain, e.g. https://idcs-0123456789abcdef.identity.oraclecloud.com (plain http "
        "only for a loopback emulator; no credentials, path, query or fragment). Spellings of one URL compare "
        "equal.")),
    Variable(KEYS["client_id"], (
        "Client id of a confidential app allowed the client_credentials grant with an admin role covering Apps.")),
    Variable(KEYS["client_secret"], "That app's client secret; set it with `pulumi config set --secret`.",
             secret=True),
    Variable(KEYS["ca_bundle"], (
        'Path of a PEM CA bundle to trust for the identity domain (AppTokenExpiry and RefreshGrantCheck(flavor="idcs"))'
        " instead of the system roots (TLS verification stays on).")),
    Variable(KEYS["max_requests_per_second"], (
        "Client-side limit on requests per second to the domain, shared by every resource of a run."),
        type="number", default=_default("max_requests_per_second")),
    Variable(KEYS["auth_method"], (
        '"oauth" (an OAuth admin client: clientId/clientSecret), or requests signed with the OCI SDK\'s own signer '
        '(needs pulumi-idcs[oci]): "oci-api-key" or "oci-session-token" (a profile of an OCI config file), '
        '"oci-resource-principal" (OCI DevOps, Functions), "oci-instance-principal" (OCI compute), '
        '"oci-oke-workload-identity" (OKE pods) or "oci-workload-identity-federation" (the CI\'s OIDC token, '
        "ociFederationTokenFile, exchanged at the domain as the Identity Propagation Trust's client: clientId/"
        "clientSecret)."), default=_default("auth_method")),
    Variable(KEYS["oci_config_file"], "OCI config file for authMethod oci-api-key and oci-session-token.",
             default=_default("oci_config_file")),
    Variable(KEYS["oci_profile"], "Profile of that file.", default=_default("oci_profile")),
    Variable(KEYS["oci_federation_token_file"], (
        "For authMethod oci-workload-identity-federation: the file the CI job writes its OIDC token (a JWT) to; "
        "read again at each exchange.")),
    Variable((CONNECTIONS_KEY, None), (
        "Named connections to other identity domains, for resources that set `connection`: {name: {domainUrl, "
        "clientId, clientSecret, authMethod, ociConfigFile, ociProfile, ociFederationTokenFile}}. Set secrets with "
        "`pulumi config set --secret --path idcs:connections.<name>.clientSecret ...`."), type="object"),
    Variable(SKIP_RESTORE, (
        "true makes every delete leave the live values as they are, whatever onDelete says: the way out when a "
        "restore cannot be done (the domain is gone or unreachable)."), type="boolean"),
    Variable(MOSAIC_KEYS["base_url"], (
        'Default base URL of RefreshGrantCheck(flavor="mosaic") and the host of ClientTokenTimeouts and '
        'ResourceTokenTimeouts, e.g. '
        "https://api.transmitsecurity.io. (Programs on the dynamic door may still use the older `mosaic:baseUrl`; "
        "the plugin sees only `idcs:` keys.)")),
    Variable(MOSAIC_KEYS["client_id"], (
        "Client id of a Mosaic management app allowed apps:read, apps:edit and apps:create (ClientTokenTimeouts), "
        "and resources:read and resources:edit (ResourceTokenTimeouts): every permission Transmit lists for them.")),
    Variable(MOSAIC_KEYS["client_secret"], "Its secret: `pulumi config set --secret idcs:mosaicClientSecret ...`.",
             secret=True),
    Variable(MOSAIC_CA_BUNDLE, (
        "Path of a PEM CA bundle to trust for the Mosaic host (ClientTokenTimeouts and "
        'RefreshGrantCheck(flavor="mosaic")) instead of the system roots; idcs:caBundle is never used for Mosaic.')),
)

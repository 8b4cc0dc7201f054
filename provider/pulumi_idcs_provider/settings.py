"""Where and how to reach an identity domain: stack configuration first, then environment variables.

Credentials are read here at run time, never passed to a provider constructor (that would freeze them into
the `__provider` blob in state, and a rotated secret would not reach refresh or destroy).
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, SecretStr

from .errors import ConfigurationError
from .spelling import shown

#: (stack config key, environment variable) for each setting.
KEYS = {
    "domain_url": ("idcs:domainUrl", "IDCS_DOMAIN_URL"),
    "client_id": ("idcs:clientId", "IDCS_CLIENT_ID"),
    "client_secret": ("idcs:clientSecret", "IDCS_CLIENT_SECRET"),
    "ca_bundle": ("idcs:caBundle", "IDCS_CA_BUNDLE"),
    "max_requests_per_second": ("idcs:maxRequestsPerSecond", "IDCS_MAX_REQUESTS_PER_SECOND"),
    "auth_method": ("idcs:authMethod", "IDCS_AUTH_METHOD"),
    "oci_config_file": ("idcs:ociConfigFile", "OCI_CONFIG_FILE"),
    "oci_profile": ("idcs:ociProfile", "OCI_CLI_PROFILE"),
    "oci_federation_token_file": ("idcs:ociFederationTokenFile", "IDCS_OCI_FEDERATION_TOKEN_FILE"),
}
#: Named connections to other domains: a JSON object {name: {domainUrl, clientId, clientSecret, ...}}.
CONNECTIONS_KEY = "idcs:connections"
#: Transmit Mosaic's management app: (stack config key, environment variable). `mosaic:baseUrl` is read too.
MOSAIC_KEYS = {
    "base_url": ("idcs:mosaicBaseUrl", "MOSAIC_BASE_URL"),
    "client_id": ("idcs:mosaicClientId", "MOSAIC_CLIENT_ID"),
    "client_secret": ("idcs:mosaicClientSecret", "MOSAIC_CLIENT_SECRET"),
}
LEGACY_MOSAIC_BASE_URL = "mosaic:baseUrl"
#: The CA bundle to trust for Mosaic hosts (IDCS's idcs:caBundle is a different CA: it is never used for Mosaic).
MOSAIC_CA_BUNDLE = ("idcs:mosaicCaBundle", "MOSAIC_CA_BUNDLE")
#: A way out when a resource's restore cannot be done: every delete leaves the values as they are.
SKIP_RESTORE = ("idcs:skipRestore", "IDCS_SKIP_RESTORE")
#: How a connection authenticates: an OAuth admin client, or one of OCI's sign-in methods (oci_auth.SIGNERS).
AUTH_METHODS = ("oauth", "oci-api-key", "oci-session-token", "oci-resource-principal", "oci-instance-principal",
                "oci-oke-workload-identity", "oci-workload-identity-federation")
#: What each method needs besides the domain's URL (an OAuth client: its own; federation: the trust's, and the
#: CI's token); the OCI methods read the rest from their config file or their environment.
NEEDED = {"oauth": ("client_id", "client_secret"),
          "oci-workload-identity-federation": ("client_id", "client_secret", "oci_federation_token_file")}
#: Every `idcs:` key this provider reads: another that looks like one of these is a typo worth naming.
KNOWN_KEYS = frozenset({*(key for key, _ in KEYS.values()), CONNECTIONS_KEY, *(key for key, _ in MOSAIC_KEYS.values()),
                        MOSAIC_CA_BUNDLE[0], SKIP_RESTORE[0]})


def misspelt_keys(config: Mapping[str, Any]) -> dict[str, str]:
    """{key given: the known key it looks like} for config keys that are not ours but nearly are
    (`idcs:domainURL`, `idcs:clientSecert`)."""
    found = {}
    for key in config:
        if key in KNOWN_KEYS or not key.casefold().startswith("idcs:"):
            continue
        same_case = [k for k in KNOWN_KEYS if k.casefold() == key.casefold()]
        close = same_case or difflib.get_close_matches(key, sorted(KNOWN_KEYS), n=1, cutoff=0.85)
        if close:
            found[key] = close[0]
    return found


def _typo_hint(config: Mapping[str, Any], wanted: list[str]) -> str:
    """' (idcs:domainURL is set: did you mean idcs:domainUrl?)' for the missing keys that were misspelt."""
    hints = [f"{given} is set: did you mean {known}?" for given, known in misspelt_keys(config).items()
             if known in wanted]
    return f" ({'; '.join(hints)})" if hints else ""


class ConnectionSettings(BaseModel):
    """One domain and how to authenticate to it. `repr` shows the secret as '**********'."""

    model_config = ConfigDict(frozen=True)

    domain_url: str
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    auth_method: str = "oauth"
    oci_config_file: str = "~/.oci/config"
    oci_profile: str = "DEFAULT"
    oci_federation_token_file: str = ""
    ca_bundle: str | None = None
    max_requests_per_second: float = 10.0
    timeout_seconds: float = 30.0

    @property
    def verify(self) -> bool | str:
        """TLS verification is always on; a CA bundle only changes which roots are trusted."""
        return self.ca_bundle or True


def from_config(config: Mapping[str, Any], environ: Mapping[str, str] | None = None,
                connection: str | None = None, provider: str | None = None) -> ConnectionSettings:
    """Settings from the stack config the engine sent to configure(), falling back to the environment; with
    `connection`, the named entry of idcs:connections overrides the domain and credentials. `provider` names the
    explicit provider whose arguments `config` is (its errors name them)."""
    env = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for field, (key, var) in KEYS.items():
        value = config.get(key)
        if value in (None, ""):
            value = env.get(var)
        if value not in (None, ""):
            found[field] = value
    if connection:
        found.update(_named_connection(config, connection))
    if found.get("auth_method", "oauth") not in AUTH_METHODS:
        raise ConfigurationError(f"idcs:authMethod {shown(found['auth_method'])} is not one of "
                                 f"{', '.join(AUTH_METHODS)}", key=KEYS["auth_method"][0])
    needed = ["domain_url", *NEEDED.get(found.get("auth_method", "oauth"), ())]
    missing = [f for f in needed if f not in found]
    if missing and connection:
        raise ConfigurationError(key=CONNECTIONS_KEY, message=
            f"connection {shown(connection)} lacks " + ", ".join(f"{CONNECTIONS_KEY}.{connection}.{_camel(f)}"
                                                              for f in missing))
    if missing and provider:
        raise ConfigurationError(key=KEYS[missing[0]][0], message=explicit_lacks(
            provider, [KEYS[f][0] for f in missing]))
    if missing:
        wanted = "; ".join(f"{KEYS[f][0]} (or ${KEYS[f][1]})" for f in missing)
        hint = _typo_hint(config, [KEYS[f][0] for f in missing])
        raise ConfigurationError(key=KEYS[missing[0]][0], message=
            f"missing IDCS connection settings: {wanted}{hint}. Set them with `pulumi config set idcs:domainUrl "
            "https://idcs-....identity.oraclecloud.com`, `pulumi config set idcs:clientId ...` and "
            "`pulumi config set --secret idcs:clientSecret ...`, or export the environment variables")
    url_key = f"{CONNECTIONS_KEY}.{connection}.domainUrl" if connection else KEYS["domain_url"][0]
    found["domain_url"] = normalise_domain_url(str(found["domain_url"]), url_key)
    if "max_requests_per_second" in found:
        try:
            rate = float(found["max_requests_per_second"])
        except ValueError:
            rate = 0.0
        if not rate > 0:
            raise ConfigurationError(
                f"idcs:maxRequestsPerSecond must be a positive number, not {shown(found['max_requests_per_second'])}",
                key=KEYS["max_requests_per_second"][0])
        found["max_requests_per_second"] = rate
    return ConnectionSettings(**found)


class MosaicSettings(BaseModel):
    """Transmit Mosaic's API host and the management app that may read and edit clients."""

    model_config = ConfigDict(frozen=True)

    base_url: str
    client_id: str
    client_secret: SecretStr
    ca_bundle: str | None = None
    timeout_seconds: float = 30.0

    @property
    def verify(self) -> bool | str:
        return self.ca_bundle or True


def explicit_lacks(provider: str, keys: list[str]) -> str:
    """Why an explicit provider cannot reach a service: the arguments it lacks."""
    names = ", ".join(key.split(":", 1)[1] for key in keys)
    return (f"provider {shown(provider)} lacks {names}: an explicit provider's arguments are its whole configuration "
            "(it reads neither the stack's idcs: config nor the environment, so that nothing meant for another "
            "domain reaches this one). Give them to the provider")


def mosaic_settings(config: Mapping[str, Any], environ: Mapping[str, str] | None = None,
                    provider: str | None = None) -> MosaicSettings:
    """The management app's settings from the stack config, then the environment; refused naming the key."""
    env = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for field, (key, var) in MOSAIC_KEYS.items():
        value = config.get(key) or (config.get(LEGACY_MOSAIC_BASE_URL) if field == "base_url" else None)
        value = value or env.get(var)
        if value not in (None, ""):
            found[field] = str(value)
    missing = [f for f in MOSAIC_KEYS if f not in found]
    if missing and provider:
        raise ConfigurationError(explicit_lacks(provider, [MOSAIC_KEYS[f][0] for f in missing]),
                                 key=MOSAIC_KEYS[missing[0]][0])
    if missing:
        wanted = "; ".join(f"{MOSAIC_KEYS[f][0]} (or ${MOSAIC_KEYS[f][1]})" for f in missing)
        wanted += _typo_hint(config, [MOSAIC_KEYS[f][0] for f in missing])
        raise ConfigurationError(
            f"missing Transmit Mosaic settings: {wanted}: the API host (e.g. https://api.transmitsecurity.io) and a "
            "management app allowed apps:read, apps:edit and apps:create (`pulumi config set --secret "
            "idcs:mosaicClientSecret ...`)", key=MOSAIC_KEYS[missing[0]][0])
    problem = endpoint_problem(found["base_url"], "https://api.transmitsecurity.io")
    if problem:
        raise ConfigurationError(f"{MOSAIC_KEYS['base_url'][0]} {problem}", key=MOSAIC_KEYS["base_url"][0])
    found["base_url"] = mosaic_host(found["base_url"])
    return MosaicSettings(**found, ca_bundle=_value(config, env, *MOSAIC_CA_BUNDLE) or None)


def config_problems(config: Mapping[str, Any], environ: Mapping[str, str] | None = None,
                    provider: str | None = None) -> list[tuple[str, str]]:
    """(key, reason) for each setting that is given but unusable: what the plugin's CheckConfig refuses at preview.
    Settings that are simply absent are not judged here: only resources that need them fail, naming the key."""
    found = [(given, f"{given} is not a setting of this provider: did you mean {known}? Move the value with "
              f"`pulumi config rm {given}` and `pulumi config set {known} ...`")
             for given, known in misspelt_keys(config).items()]
    given = {k for k in (*(key for key, _ in KEYS.values()), CONNECTIONS_KEY) if config.get(k) not in (None, "")}
    url_key = KEYS["domain_url"][0]
    if url_key in given:
        try:
            normalise_domain_url(str(config[url_key]))
        except ConfigurationError as e:
            found.append((url_key, str(e)))
    if not found and given & {url_key, KEYS["client_id"][0], KEYS["client_secret"][0]}:
        try:
            from_config(config, environ, provider=provider)
        except ConfigurationError as e:
            found.append((e.key or KEYS["domain_url"][0], str(e)))
    for name in connection_names(config):
        try:
            from_config(config, environ, connection=name, provider=provider)
        except ConfigurationError as e:
            found.append((CONNECTIONS_KEY, str(e)))
    if config.get(CONNECTIONS_KEY) not in (None, "") and not connection_names(config):
        found.append((CONNECTIONS_KEY, f"{CONNECTIONS_KEY} is not an object of named connections"))
    return found


def restore_skipped(config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> bool:
    """Whether idcs:skipRestore (or $IDCS_SKIP_RESTORE) says deletes must not restore anything."""
    value = _value(config, os.environ if environ is None else environ, *SKIP_RESTORE)
    return str(value or "").strip().lower() in ("true", "1", "yes")


def _value(config: Mapping[str, Any], env: Mapping[str, str], key: str, var: str) -> Any:
    """A setting from the stack config, else from the environment; None when neither gives one."""
    value = config.get(key)
    return value if value not in (None, "") else (env.get(var) or None)


def connection_names(config: Mapping[str, Any]) -> list[str]:
    """The names of the idcs:connections entries (none when the key is missing or unreadable)."""
    raw = config.get(CONNECTIONS_KEY)
    try:
        table = json.loads(raw) if isinstance(raw, str) else (raw or {})
    except json.JSONDecodeError:
        return []
    return sorted(table) if isinstance(table, dict) else []


def mosaic_host(url: str) -> str:
    """The Mosaic API host a base URL names. Transmit's OpenAPI documents give their server as
    `https://api.transmitsecurity.io/cis` (docs/mosaic-api.md), but the token endpoint is at the host's root
    (`/oidc/token`): a URL copied from them, ending in /cis or /cis/v1, means its host."""
    url = url.strip().rstrip("/")
    return re.sub(r"/cis(/v1)?$", "", url, flags=re.IGNORECASE)


def endpoint_problem(url: str, example: str) -> str | None:
    """Why url cannot be used to send credentials to, or None: https, or plain http to loopback only."""
    parts = urlsplit(url.strip())
    try:
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        return f"{shown(url)} has a port that is not a number"
    if parts.scheme.lower() not in ("https", "http") or not parts.hostname:
        return f"{shown(url)} is not a URL like {example}"
    if "@" in parts.netloc:
        return (f"{parts.scheme}://…@{parts.hostname} carries credentials in the URL: they would be sent as HTTP "
                "Basic auth and kept in plain text in the stack config. Remove them (and use idcs:clientId and "
                "a secret idcs:clientSecret)")
    if parts.scheme.lower() == "http" and not _is_loopback(parts.hostname):
        return (f"{shown(url)} uses plain http for a non-loopback host: use https (plain http is only allowed for a "
                "local emulator on 127.0.0.1, ::1 or localhost)")
    return None


def _named_connection(config: Mapping[str, Any], name: str) -> dict[str, Any]:
    raw = config.get(CONNECTIONS_KEY)
    try:
        table = json.loads(raw) if isinstance(raw, str) else (raw or {})
    except json.JSONDecodeError:
        raise ConfigurationError(f"{CONNECTIONS_KEY} is not a JSON object of named connections") from None
    entry = table.get(name) if isinstance(table, dict) else None
    if not isinstance(entry, dict):
        raise ConfigurationError(
            f"no connection {shown(name)}: set {CONNECTIONS_KEY}.{name}.domainUrl, .clientId and (with --secret) "
            f".clientSecret, e.g. `pulumi config set --path {CONNECTIONS_KEY}.{name}.domainUrl https://...`")
    return {field: entry[_camel(field)] for field in KEYS if entry.get(_camel(field)) not in (None, "")}


def _camel(field: str) -> str:
    head, *rest = field.split("_")
    return head + "".join(w.capitalize() for w in rest)


def normalise_domain_url(url: str, key: str = "idcs:domainUrl") -> str:
    """The canonical spelling of a domain's base URL, so that spellings of one domain compare equal: scheme and
    host in lower case, no default port, no trailing slash. Credentials, a path, a query or a fragment are
    refused, and plain http only reaches loopback."""
    problem = endpoint_problem(url, "https://idcs-0123456789abcdef.identity.oraclecloud.com")
    if problem:
        raise ConfigurationError(f"{key} {problem}", key=key)
    parts = urlsplit(url.strip())
    if parts.query or parts.fragment or parts.path.strip("/") or url.strip().endswith(("?", "#")):
        base = f"{parts.scheme}://{parts.netloc}"
        raise ConfigurationError(
            f"{key} {shown(url)} must be the domain's base URL only, with no path, query or fragment: write "
            f"{shown(base)} (the provider adds /admin/v1/Apps and /oauth2/v1/token itself)", key=key)
    scheme, host = parts.scheme.lower(), str(parts.hostname)
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None and parts.port != {"https": 443, "http": 80}[scheme]:
        netloc += f":{parts.port}"
    return f"{scheme}://{netloc}"


def same_domain_url(a: str | None, b: str | None) -> bool:
    """Whether two domain URLs are spellings of one URL: canonical forms equal, loopback names (localhost,
    127.x, ::1) taken as one host. An unreadable URL equals nothing."""
    try:
        return a is not None and b is not None and _domain_key(a) == _domain_key(b)
    except ConfigurationError:
        return False


def _domain_key(url: str) -> str:
    parts = urlsplit(normalise_domain_url(url))
    host = "loopback" if _is_loopback(str(parts.hostname)) else str(parts.hostname)
    return f"{parts.scheme}://{host}:{parts.port or ''}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

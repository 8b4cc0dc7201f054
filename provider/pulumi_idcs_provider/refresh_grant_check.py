"""The dynamic provider behind `pulumi_idcs.RefreshGrantCheck`: prove a refresh grant works, live.

Refresh tokens rotate, so the newest one is kept in state (a secret output) and used next time; a seed token
that the program changes wins. Exchanges run on create, when inputs change, when the last check failed, and
when the last success is older than `recheckAfter`; otherwise diff reports no change, so a
`--expect-no-changes` gate stays green.

A dynamic provider cannot return partial state with an error, and a rotated token must never be lost. So when
the exchange succeeds but the expectation fails, the new token is saved and the failure is recorded in the
`failure` output; the SDK class turns that into an error of the program, which fails `pulumi up`.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any, Literal

from pulumi.output import Unknown
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from .context import Context
from .definition import Wire, flagged, prop
from .diff import Diff
from .durations import describe
from .dynamic_door import DynamicAdapter
from .errors import ConfigurationError
from .implementation import Checked, Created, Read, Updated
from .settings import endpoint_problem
from .spelling import shown
from .stack_config import FLAVOR_HOSTS, StackSettings
from .token_exchange import Exchange, TokenAnswer, exchange
from .transport import Transport
from .validation import NAME_KEY, Failure, validate_known

FLAVORS = ("idcs", "mosaic", "oauth2")
BASE_URL = ("Domain or Mosaic base URL; defaults to idcs:domainUrl (idcs) or idcs:mosaicBaseUrl (mosaic), else "
            "$IDCS_DOMAIN_URL or $MOSAIC_BASE_URL.")


class RefreshGrantCheckInputs(Wire):
    flavor: Literal["idcs", "mosaic", "oauth2"] = prop('"idcs", "mosaic" or "oauth2" (with tokenUrl).',
                                                       required=True)
    client_id: str = prop("The OAuth client whose refresh grant is checked.", required=True)
    client_secret: str | None = prop("Its secret (required for mosaic; left out for a public client).", secret=True)
    refresh_token: str = prop("The seed refresh token, from one user login with offline_access.", secret=True,
                              required=True)
    scope: str | None = prop(
        "Scope to ask for on refresh (IDCS: the resource app's audience + scope, plus offline_access).")
    base_url: str | None = prop(BASE_URL)
    token_url: str | None = prop("Token endpoint, for flavor oauth2 only.")
    expect_access_token_expiry: int | None = prop(
        "Fail when the new access token lives longer (seconds or a duration). In IDCS expires_in comes from the "
        "resource app: tie this to that app's AppTokenExpiry.", duration=True)
    recheck_after: int | None = prop(
        "Run the exchange again when the last success is older than this (seconds or a duration).", duration=True)

    @field_validator("flavor", mode="before")
    @classmethod
    def _flavor(cls, v: object) -> object:
        if v not in FLAVORS:
            raise PydanticCustomError("idcs", '{value} is not a flavor: use "idcs", "mosaic" or "oauth2" (with '
                                      "tokenUrl)", {"value": shown(v)})
        return v

    @field_validator("client_id", "refresh_token", mode="before")
    @classmethod
    def _non_empty(cls, v: object) -> object:
        if not isinstance(v, str) or not v.strip():
            raise PydanticCustomError("idcs", "must be non-empty text")
        return v

    @field_validator("base_url", "token_url", mode="before")
    @classmethod
    def _safe_url(cls, v: object) -> object:
        if v is None:
            return v
        problem = endpoint_problem(str(v), "https://idcs-0123.identity.oraclecloud.com")
        if problem:
            raise PydanticCustomError("idcs", "{problem}", {"problem": problem})
        return str(v).rstrip("/")


class RefreshGrantCheckOutputs(Wire):
    flavor: str = prop("The flavor of the exchange: idcs, mosaic or oauth2.", required=True)
    client_id: str = prop("The client whose refresh grant is checked.", required=True)
    scope: str | None = prop("Scope granted by the last exchange.", computed=True)
    base_url: str | None = prop(BASE_URL)
    token_url: str | None = prop("The token endpoint, for flavor oauth2.")
    expect_access_token_expiry: int | None = prop("The longest access-token lifetime accepted, in seconds.")
    recheck_after: int | None = prop("How old the last success may be before the exchange runs again, in seconds.")
    endpoint: str = prop("The token endpoint (or Mosaic base URL) called.", required=True)
    checked_at: str = prop("When the last exchange ran (UTC, ISO 8601).", required=True, computed=True)
    expires_in: int | None = prop("expires_in of the access token the last exchange returned.", computed=True)
    token_type: str | None = prop("token_type of the last exchange's answer.", computed=True)
    refresh_token_rotated: bool = prop("Whether the last exchange returned a new refresh token.", required=True,
                                       computed=True)
    refresh_token: str = prop("The newest refresh token, used by the next check.", secret=True, required=True,
                              computed=True)
    failure: str | None = prop("Why the last answer broke an expectation (absent when it passed).", fails_run=True,
                               computed=True)
    checked_inputs: dict[str, Any] = prop("The non-secret inputs of the last exchange, to tell when they change.",
                                          required=True)
    input_fingerprints: dict[str, str] = prop(
        "SHA-256 fingerprints of the secret inputs (never their plaintext).", secret=True, required=True)


SECRET_INPUTS = flagged(RefreshGrantCheckInputs, "secret")
#: The outputs only the token server's answer tells (unknown at preview).
ANSWERED = flagged(RefreshGrantCheckOutputs, "computed")


def _check(news: Mapping[str, Any], settings: StackSettings) -> tuple[dict[str, Any], list[Failure]]:
    """RefreshGrantCheck's inputs checked: each property, then what each flavor needs."""
    raw = {k: v for k, v in news.items() if not k.startswith("__")}
    parsed, checked, failures = validate_known(RefreshGrantCheckInputs, raw)
    if parsed is None:
        return checked, failures
    unknown = {k for k, v in raw.items() if isinstance(v, Unknown)}
    flavor = parsed.flavor
    if flavor == "oauth2" and not parsed.token_url and "tokenUrl" not in unknown:
        failures.append(Failure(property="tokenUrl", reason='flavor "oauth2" needs tokenUrl: the token endpoint to '
                                                           "call"))
    if flavor != "oauth2" and parsed.token_url:
        failures.append(Failure(property="tokenUrl", reason=f'tokenUrl is for flavor "oauth2"; for "{flavor}" set '
                                                           "baseUrl"))
    if flavor == "mosaic" and not parsed.client_secret and "clientSecret" not in unknown:
        failures.append(Failure(property="clientSecret",
                                reason="Mosaic needs the client secret to get a client access token"))
    if flavor != "oauth2" and not parsed.base_url and "baseUrl" not in unknown:
        (key, var), _ = FLAVOR_HOSTS[flavor]
        value, _ca = settings.flavor_host(flavor)
        problem = endpoint_problem(value, "https://...") if value else f"neither baseUrl nor {key} (${var}) is set"
        if problem:
            failures.append(Failure(property="baseUrl",
                                    reason=f"{problem}: set baseUrl, or `pulumi config set {key} ...`"))
    return checked, failures


def fingerprints(props: Mapping[str, Any]) -> dict[str, str]:
    """Fingerprints of the secret inputs: compared across runs, never the plaintext (and stored as a secret)."""
    return {k: hashlib.sha256(str(props.get(k) or "").encode()).hexdigest()[:32] for k in SECRET_INPUTS}


def _endpoint(ctx: Context, inputs: RefreshGrantCheckInputs) -> tuple[str, bool | str]:
    """(the URL to call, the TLS trust for it): the flavor's own CA bundle, or the system roots for oauth2."""
    if inputs.flavor == "oauth2":
        return str(inputs.token_url), True
    base, ca_bundle = ctx.settings.flavor_host(inputs.flavor)
    base = inputs.base_url or base
    return (base + "/oauth2/v1/token" if inputs.flavor == "idcs" else base), ca_bundle or True


def _transports(ctx: Context, flavor: str, verify: bool | str) -> Callable[[str], Transport]:
    """Where an exchange sends each request: through the configured connection's transport when the URL is on its
    host (IDCS's admin connection, or Mosaic's management app), so that exchanges share its pacing; else through
    the context's one transport of the URL's host."""
    own: Transport | None = None
    try:
        own = ctx.idcs().transport if flavor == "idcs" else ctx.mosaic().transport if flavor == "mosaic" else None
    except ConfigurationError:
        pass  # a check-only stack: no connection configured
    if own is not None and own.verify != verify:
        own = None

    def transport(url: str) -> Transport:
        return own if own is not None and url.startswith(own.base_url + "/") else ctx.exchange_transport(url, verify)
    return transport


def _run(ctx: Context, inputs: RefreshGrantCheckInputs, refresh_token: str) -> dict[str, Any]:
    """One exchange; the outputs to store, the failure of an expectation among them."""
    endpoint, verify = _endpoint(ctx, inputs)
    answer: TokenAnswer = exchange(Exchange(
        flavor=inputs.flavor, client_id=inputs.client_id, client_secret=inputs.client_secret,
        refresh_token=refresh_token, url=endpoint, scope=inputs.scope, verify=verify,
        transports=_transports(ctx, inputs.flavor, verify)))
    newest = answer.refresh_token or refresh_token
    plain = _plain(inputs)
    outs: dict[str, Any] = {
        **plain, "checkedInputs": plain, "endpoint": endpoint,
        "checkedAt": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "expiresIn": answer.expires_in, "tokenType": answer.token_type,
        "scope": answer.scope or inputs.scope,
        "refreshTokenRotated": answer.refresh_token is not None and answer.refresh_token != refresh_token,
        "refreshToken": newest,
        "failure": _expectation_failure(inputs, answer),
    }
    return {k: v for k, v in outs.items() if v is not None}


def _expectation_failure(inputs: RefreshGrantCheckInputs, answer: TokenAnswer) -> str | None:
    expected = inputs.expect_access_token_expiry
    if expected is None:
        return None
    who = f"refresh grant check for client {shown(inputs.client_id)} ({inputs.flavor})"
    if answer.expires_in is None:
        return f"{who}: the token server did not say expires_in, so expectAccessTokenExpiry cannot be verified"
    if answer.expires_in > expected:
        return (f"{who}: the new access token lives {describe(answer.expires_in)}, longer than the expected "
                f"{describe(expected)} (expectAccessTokenExpiry). In IDCS expires_in comes from the resource app "
                "(the app whose scope was requested): check that app's accessTokenExpiry")
    return None


def check(ctx: Context, _olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
    checked, failures = _check(news, ctx.settings)
    seed, name = news.get("refreshToken"), str(news.get(NAME_KEY) or "")
    if isinstance(seed, str) and seed and (other := ctx.owners.share(("refresh seed", fingerprints(news)[
            "refreshToken"]), name)):
        first, second = sorted((other, name))
        failures.append(Failure(property="refreshToken", reason=(
            f"{shown(first)} and {shown(second)} are seeded with the same refresh token: refresh tokens rotate, so "
            "the first exchange spends it and the other fails with invalid_grant on every run. Give each check a "
            "seed of its own, from its own login")))
    if name:
        checked[NAME_KEY] = name  # so that the other operations' messages name the check
    return Checked(checked, list(failures))


def diff(ctx: Context, _id: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
    """Changed inputs (the engine's diff names them), or the exchange due again: after a failed check, or when the
    last success is older than recheckAfter. Nothing is read: the check's state says it all."""
    if any(isinstance(v, Unknown) for k, v in news.items() if not k.startswith("__")):
        return Diff(unknown=True)
    inputs = RefreshGrantCheckInputs.model_validate(news)
    if _plain(inputs) != olds.get("checkedInputs") or fingerprints(news) != olds.get("inputFingerprints"):
        return Diff(inputs_changed=True)
    if olds.get("failure"):
        return Diff(reruns=("checkedAt",), warnings=("the last check failed: the exchange runs again",))
    if _due(olds):
        return Diff(reruns=("checkedAt",), warnings=(
            f"the last success ({olds.get('checkedAt')}) is older than recheckAfter: the exchange runs again",))
    return Diff()


def create(ctx: Context, props: Mapping[str, Any], preview: bool = False) -> Created:
    inputs = RefreshGrantCheckInputs.model_validate(props)
    if preview:
        return Created("", _planned(ctx, inputs, props))
    outs = _run(ctx, inputs, inputs.refresh_token)
    return Created(uuid.uuid4().hex, {**outs, "inputFingerprints": fingerprints(props)})


def update(ctx: Context, _id: str, olds: Mapping[str, Any], news: Mapping[str, Any],
           preview: bool = False) -> Updated:
    inputs = RefreshGrantCheckInputs.model_validate(news)
    if preview:
        return Updated(_planned(ctx, inputs, news))
    seed_changed = fingerprints(news)["refreshToken"] != (olds.get("inputFingerprints") or {}).get("refreshToken")
    token = inputs.refresh_token if seed_changed or not olds.get("refreshToken") else str(olds["refreshToken"])
    outs = _run(ctx, inputs, token)
    return Updated({**outs, "inputFingerprints": fingerprints(news)})


def read(ctx: Context, id_: str, props: Mapping[str, Any]) -> Read:
    """A refresh reads nothing: running the exchange would spend the token outside an update."""
    return Read(id_, dict(props))


def delete(ctx: Context, _id: str, _props: Mapping[str, Any]) -> None:
    """Nothing to undo."""


class RefreshGrantCheckProvider(DynamicAdapter):
    """The dynamic door's adapter; pickled by reference into state, like AppTokenExpiryProvider."""


def _planned(ctx: Context, inputs: RefreshGrantCheckInputs, props: Mapping[str, Any]) -> dict[str, Any]:
    """What an exchange would store, known before it runs: the inputs, the endpoint and the fingerprints; what the
    token server answers is unknown until then."""
    plain = _plain(inputs)
    outs: dict[str, Any] = {**plain, "checkedInputs": plain, "endpoint": _endpoint(ctx, inputs)[0],
                            "inputFingerprints": fingerprints(props)}
    outs.update({k: Unknown() for k in ANSWERED})  # type: ignore[no-untyped-call]
    return outs


def _plain(inputs: RefreshGrantCheckInputs) -> dict[str, Any]:
    """The inputs that are not secret, as stored to tell later whether they changed."""
    return inputs.model_dump(by_alias=True, exclude_none=True, exclude={"client_secret", "refresh_token"})


def _due(olds: Mapping[str, Any]) -> bool:
    """Whether the last success is older than recheckAfter."""
    every, at = olds.get("recheckAfter"), olds.get("checkedAt")
    if not every or not at:
        return False
    checked = datetime.strptime(str(at), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return (datetime.now(timezone.utc) - checked).total_seconds() >= float(every)

"""`RefreshGrantCheck`: a live refresh-token exchange that fails the deployment when the grant is broken."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource
from pulumi_idcs_provider.refresh_grant_check import RefreshGrantCheckProvider

from .app_token_expiry import Expiry

#: Every output, by wire name.
OUTPUTS = ("flavor", "clientId", "scope", "baseUrl", "tokenUrl", "expectAccessTokenExpiry", "recheckAfter",
           "endpoint", "checkedAt", "expiresIn", "tokenType", "refreshTokenRotated", "refreshToken", "failure",
           "checkedInputs", "inputFingerprints")
#: Stored encrypted whatever the program passed in.
SECRET_OUTPUTS = ["refreshToken", "clientSecret", "inputFingerprints"]
_INPUT_NAMES = {"flavor": "flavor", "client_id": "clientId", "client_secret": "clientSecret",
                "refresh_token": "refreshToken", "scope": "scope", "base_url": "baseUrl", "token_url": "tokenUrl",
                "expect_access_token_expiry": "expectAccessTokenExpiry", "recheck_after": "recheckAfter"}


class RefreshGrantCheckError(pulumi.RunError):
    """The exchange worked (its new refresh token is saved) but the answer broke an expectation. A RunError: the
    CLI shows its message alone, with no traceback (the expectation failed, not the program)."""


class RefreshGrantCheck(Resource, module="idcs", name="RefreshGrantCheck"):
    """Trades the client's refresh token for a new access token, on create, when an input changes, after a
    failed check, and when the last success is older than `recheck_after`.

    `expect_access_token_expiry` fails the check when the new access token lives longer. In IDCS `expires_in`
    comes from the *resource* app (the app whose scope is requested), so tie it to that app's AppTokenExpiry.
    """

    def __init__(self, resource_name: str, *, flavor: pulumi.Input[str], client_id: pulumi.Input[str],
                 refresh_token: pulumi.Input[str], client_secret: pulumi.Input[str] | None = None,
                 scope: pulumi.Input[str] | None = None, base_url: pulumi.Input[str] | None = None,
                 token_url: pulumi.Input[str] | None = None,
                 expect_access_token_expiry: pulumi.Input[Expiry] | None = None,
                 recheck_after: pulumi.Input[Expiry] | None = None,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        given = locals()
        props: dict[str, Any] = dict.fromkeys(OUTPUTS)
        props.update({wire: given[py] for py, wire in _INPUT_NAMES.items() if given[py] is not None})
        for wire in ("clientSecret", "refreshToken"):  # stored encrypted even when passed as plain strings
            if props.get(wire) is not None:
                props[wire] = pulumi.Output.secret(props[wire])
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=SECRET_OUTPUTS))
        super().__init__(RefreshGrantCheckProvider(), resource_name, props, opts)
        self.failure.apply(_raise_if_failed)

    @property
    def checked_at(self) -> pulumi.Output[str]:
        """When the last exchange ran (UTC, ISO 8601)."""
        return self.__dict__["checkedAt"]  # type: ignore[no-any-return]

    @property
    def expires_in(self) -> pulumi.Output[int | None]:
        """Lifetime in seconds of the access token the last exchange returned."""
        return self.__dict__["expiresIn"]  # type: ignore[no-any-return]

    @property
    def token_type(self) -> pulumi.Output[str | None]:
        return self.__dict__["tokenType"]  # type: ignore[no-any-return]

    @property
    def scope(self) -> pulumi.Output[str | None]:
        """The scope granted by the last exchange (or the one asked for, if the server did not say)."""
        return self.__dict__["scope"]  # type: ignore[no-any-return]

    @property
    def refresh_token_rotated(self) -> pulumi.Output[bool]:
        """Whether the last exchange returned a new refresh token (it is kept in `refresh_token`)."""
        return self.__dict__["refreshTokenRotated"]  # type: ignore[no-any-return]

    @property
    def refresh_token(self) -> pulumi.Output[str]:
        """The newest refresh token, used by the next check (a secret)."""
        return self.__dict__["refreshToken"]  # type: ignore[no-any-return]

    @property
    def endpoint(self) -> pulumi.Output[str]:
        """The token endpoint (or Mosaic base URL) called."""
        return self.__dict__["endpoint"]  # type: ignore[no-any-return]

    @property
    def failure(self) -> pulumi.Output[str | None]:
        """Why the last exchange's answer broke an expectation, or None."""
        return self.__dict__["failure"]  # type: ignore[no-any-return]


def _raise_if_failed(failure: str | None) -> None:
    if failure:
        raise RefreshGrantCheckError(failure)

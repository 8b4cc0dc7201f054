"""`AppTokenExpiry`: the token lifetimes of one existing IDCS app, managed from a Pulumi program."""

from __future__ import annotations

from typing import Any, overload

import pulumi
from pulumi.dynamic import Resource
from pulumi_idcs_provider.app_token_expiry import AppTokenExpiryProvider
from pulumi_idcs_provider.models import NAME_KEY

#: Seconds, or a duration: "90s", "15m", "1h", "7d", "2w", "1h30m", "PT1H", "P7D".
Expiry = int | str

#: Every output, by wire name (the state and schema.json use these names).
OUTPUTS = (
    "appId", "appName", "appDisplayName", "identifiedBy", "renamedTo", "accessTokenExpiry", "refreshTokenExpiry",
    "originalAccessTokenExpiry", "originalRefreshTokenExpiry", "domainUrl", "onDelete", "connection",
)


@pulumi.input_type
class AppTokenExpiryArgs:
    """Inputs of AppTokenExpiry: exactly one of app_id / app_name / app_display_name, and one or both expiries."""

    def __init__(self, *, app_id: pulumi.Input[str] | None = None, app_name: pulumi.Input[str] | None = None,
                 app_display_name: pulumi.Input[str] | None = None,
                 access_token_expiry: pulumi.Input[Expiry] | None = None,
                 refresh_token_expiry: pulumi.Input[Expiry] | None = None,
                 on_delete: pulumi.Input[str] | None = None, connection: pulumi.Input[str] | None = None) -> None:
        for name, value in (("app_id", app_id), ("app_name", app_name), ("app_display_name", app_display_name),
                            ("access_token_expiry", access_token_expiry),
                            ("refresh_token_expiry", refresh_token_expiry), ("on_delete", on_delete),
                            ("connection", connection)):
            if value is not None:
                pulumi.set(self, name, value)

    @property
    @pulumi.getter(name="appId")
    def app_id(self) -> pulumi.Input[str] | None:
        """The app's id (the 32-character id in its console URL)."""
        return pulumi.get(self, "app_id")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="appName")
    def app_name(self) -> pulumi.Input[str] | None:
        """The app's `name`, which IDCS also uses as its OAuth client id."""
        return pulumi.get(self, "app_name")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="appDisplayName")
    def app_display_name(self) -> pulumi.Input[str] | None:
        """The app's display name, as the console shows it (unique in a domain)."""
        return pulumi.get(self, "app_display_name")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="accessTokenExpiry")
    def access_token_expiry(self) -> pulumi.Input[Expiry] | None:
        """Lifetime of access tokens issued for this app as a resource: 60 s to 1 year. Left out: not managed."""
        return pulumi.get(self, "access_token_expiry")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="refreshTokenExpiry")
    def refresh_token_expiry(self) -> pulumi.Input[Expiry] | None:
        """Lifetime of refresh tokens issued for this app as a resource; at least the access expiry."""
        return pulumi.get(self, "refresh_token_expiry")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="onDelete")
    def on_delete(self) -> pulumi.Input[str] | None:
        """"retain" (default) leaves the values on delete; "restore" puts back the values found at adoption."""
        return pulumi.get(self, "on_delete")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="connection")
    def connection(self) -> pulumi.Input[str] | None:
        """A named entry of the `idcs:connections` stack config, for an app in another identity domain."""
        return pulumi.get(self, "connection")  # type: ignore[no-any-return]

    def to_wire(self) -> dict[str, Any]:
        """camelCase inputs as the provider and schema.json name them."""
        return {wire: getattr(self, py) for py, wire in _INPUT_NAMES.items() if getattr(self, py) is not None}


_INPUT_NAMES = {"app_id": "appId", "app_name": "appName", "app_display_name": "appDisplayName",
                "access_token_expiry": "accessTokenExpiry", "refresh_token_expiry": "refreshTokenExpiry",
                "on_delete": "onDelete", "connection": "connection"}


def _owner_name(resource_name: str, opts: pulumi.ResourceOptions | None) -> str:
    """The resource's name, prefixed with its parent's when it has one: two components may each hold a "mobile"."""
    parent_name = getattr(opts.parent, "_name", None) if opts and opts.parent else None
    return f"{parent_name}/{resource_name}" if parent_name else resource_name


class AppTokenExpiry(Resource, module="idcs", name="AppTokenExpiry"):
    """Adopts an existing IDCS app and manages its accessTokenExpiry / refreshTokenExpiry, nothing else.

    Creating this resource never creates an app, and deleting it never deletes one: on delete the values are
    left as they are (`on_delete="retain"`) or put back as found (`on_delete="restore"`).
    """

    @overload
    def __init__(self, resource_name: str, args: AppTokenExpiryArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(self, resource_name: str, *, app_id: pulumi.Input[str] | None = None,
                 app_name: pulumi.Input[str] | None = None, app_display_name: pulumi.Input[str] | None = None,
                 access_token_expiry: pulumi.Input[Expiry] | None = None,
                 refresh_token_expiry: pulumi.Input[Expiry] | None = None,
                 on_delete: pulumi.Input[str] | None = "retain", connection: pulumi.Input[str] | None = None,
                 opts: pulumi.ResourceOptions | None = None) -> None: ...

    def __init__(self, resource_name: str, args: AppTokenExpiryArgs | None = None,
                 opts: pulumi.ResourceOptions | None = None, **kwargs: Any) -> None:
        if args is not None and kwargs:
            raise TypeError("give either an AppTokenExpiryArgs or keyword arguments, not both")
        args = args or AppTokenExpiryArgs(**{"on_delete": "retain", **kwargs})
        props: dict[str, Any] = dict.fromkeys(OUTPUTS)
        props.update(args.to_wire())
        props[NAME_KEY] = _owner_name(resource_name, opts)  # the provider names both resources on one app
        super().__init__(AppTokenExpiryProvider(), resource_name, props, opts)

    @property
    def app_id(self) -> pulumi.Output[str]:
        """The adopted app's id (also the resource's id)."""
        return self.__dict__["appId"]  # type: ignore[no-any-return]

    @property
    def app_name(self) -> pulumi.Output[str]:
        """The adopted app's `name` (OAuth client id)."""
        return self.__dict__["appName"]  # type: ignore[no-any-return]

    @property
    def app_display_name(self) -> pulumi.Output[str]:
        return self.__dict__["appDisplayName"]  # type: ignore[no-any-return]

    @property
    def identified_by(self) -> pulumi.Output[str]:
        """Which identifier the program used: "appId", "appName" or "appDisplayName"."""
        return self.__dict__["identifiedBy"]  # type: ignore[no-any-return]

    @property
    def renamed_to(self) -> pulumi.Output[str | None]:
        """The app's live name when the identifier the program wrote no longer names it (renamed in the console)."""
        return self.__dict__["renamedTo"]  # type: ignore[no-any-return]

    @property
    def access_token_expiry(self) -> pulumi.Output[int | None]:
        """Live accessTokenExpiry in whole seconds; None when not managed."""
        return self.__dict__["accessTokenExpiry"]  # type: ignore[no-any-return]

    @property
    def refresh_token_expiry(self) -> pulumi.Output[int | None]:
        """Live refreshTokenExpiry in whole seconds; None when not managed."""
        return self.__dict__["refreshTokenExpiry"]  # type: ignore[no-any-return]

    @property
    def original_access_token_expiry(self) -> pulumi.Output[int | None]:
        """accessTokenExpiry as found when the app was adopted (what "restore" puts back)."""
        return self.__dict__["originalAccessTokenExpiry"]  # type: ignore[no-any-return]

    @property
    def original_refresh_token_expiry(self) -> pulumi.Output[int | None]:
        """refreshTokenExpiry as found when the app was adopted (what "restore" puts back)."""
        return self.__dict__["originalRefreshTokenExpiry"]  # type: ignore[no-any-return]

    @property
    def domain_url(self) -> pulumi.Output[str]:
        """The identity domain the app lives in."""
        return self.__dict__["domainUrl"]  # type: ignore[no-any-return]

    @property
    def on_delete(self) -> pulumi.Output[str]:
        return self.__dict__["onDelete"]  # type: ignore[no-any-return]

    @property
    def connection(self) -> pulumi.Output[str | None]:
        """The named connection used, or None for the stack's idcs:* settings."""
        return self.__dict__["connection"]  # type: ignore[no-any-return]

"""Each resource's type token under both front doors, written once: the plugin's (schema.json) and the dynamic
door's (the Python SDK registers `pulumi-python:dynamic/<module>:<Name>`). The plugin, the policy pack, the gate
and `pulumi import`'s owner check all read them from here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceType:
    name: str        # AppTokenExpiry
    module: str      # the schema module: index, mosaic

    @property
    def plugin(self) -> str:
        return f"idcs:{self.module}:{self.name}"

    @property
    def dynamic(self) -> str:
        return f"pulumi-python:dynamic/idcs:{self.name}"

    @property
    def tokens(self) -> frozenset[str]:
        """Both doors' tokens: what the policy pack and the gate match."""
        return frozenset({self.plugin, self.dynamic})


def kind_of(type_token: str) -> str:
    """AppTokenExpiry from either door's token: idcs:index:AppTokenExpiry or
    pulumi-python:dynamic/idcs:AppTokenExpiry."""
    return type_token.rsplit(":", 1)[-1].rsplit("/", 1)[-1]


def original_of(wire: str) -> str:
    """The output that keeps a managed lifetime's value found at adoption: accessTokenTtl -> originalAccessTokenTtl."""
    return "original" + wire[0].upper() + wire[1:]


APP = ResourceType("AppTokenExpiry", "index")
CHECK = ResourceType("RefreshGrantCheck", "index")
MOSAIC = ResourceType("ClientTokenTimeouts", "mosaic")
MOSAIC_RESOURCE = ResourceType("ResourceTokenTimeouts", "mosaic")
ALL = (APP, CHECK, MOSAIC, MOSAIC_RESOURCE)

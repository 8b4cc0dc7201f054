"""The explicit context every resource implementation runs against: built when a provider is configured.

It holds what the resources of one deployment share: the resolved settings, one client per connection (its
transport, pace and token), the refresh exchanges' transports, the connection pool, and the ownership table. Each
front door holds its own: the plugin's servicer one per process, the dynamic door one per process too (its
provider classes are pickled into state and must stay attribute-free: `dynamic_door.context()`). Tests build as
many as they like.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from .client import IdcsClient, transport_for
from .mosaic_client import MosaicClient
from .ownership import Owners
from .settings import ConnectionSettings, MosaicSettings
from .stack_config import StackSettings
from .transport import Notice, Transport


def pooled_session() -> requests.Session:
    """A Session whose connections are pooled across every resource, thread and host of a context."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=8)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class Context:
    """Settings, clients and ownership of one configured provider. Thread-safe: the engine runs resources
    concurrently."""

    def __init__(self, config: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None,
                 notice: Notice | None = None) -> None:
        """`notice`: where a transport tells the user of a slow-down (the front door's log; Python's by default)."""
        self.notice = notice
        #: The ids of the apps the stack manages in a domain (by its URL), where a front door can tell: read in
        #: batches of just those rather than by listing the domain (the plugin sets it from the stack's checkpoint).
        self.stack_apps: Callable[[str], list[str]] = lambda _domain_url: []
        self._lock = threading.Lock()
        self.session = pooled_session()
        self.owners = Owners()
        self._idcs: dict[ConnectionSettings, IdcsClient] = {}
        self._mosaic: dict[MosaicSettings, MosaicClient] = {}
        self._exchanges: dict[tuple[str, bool | str], Transport] = {}
        self.settings = StackSettings(config or {}, os.environ if environ is None else environ)

    def configure(self, config: Mapping[str, Any], environ: Mapping[str, str] | None = None,
                  provider: str | None = None) -> None:
        """A new configuration (resolved again at first use); clients of unchanged settings and the ownership
        table are kept, since the deployment goes on. `provider` names an explicit provider, whose arguments are
        its whole configuration (its `environ` is empty)."""
        settings = StackSettings(config, environ, provider)
        with self._lock:
            self.settings = settings

    def idcs(self, connection: str | None = None) -> IdcsClient:
        """The client of the stack's domain, or of a named connection of idcs:connections."""
        return self.idcs_for(self.settings.connection(connection))

    def idcs_for(self, settings: ConnectionSettings) -> IdcsClient:
        """The one client of these settings (secret and timeout included): its token and pace are shared."""
        with self._lock:
            if settings not in self._idcs:
                self._idcs[settings] = IdcsClient(settings, transport_for(settings, self.session, self.notice),
                                                  stack_apps=lambda: self.stack_apps(settings.domain_url))
            return self._idcs[settings]

    def mosaic(self) -> MosaicClient:
        """The client of the Mosaic management app the settings name."""
        settings = self.settings.mosaic()
        with self._lock:
            if settings not in self._mosaic:
                self._mosaic[settings] = MosaicClient(settings, self.session, notice=self.notice)
            return self._mosaic[settings]

    def exchange_transport(self, url: str, verify: bool | str) -> Transport:
        """The one transport of a refresh exchange's host (scheme, host and port) with this TLS trust."""
        parts = urlsplit(url)
        key = (f"{parts.scheme}://{parts.netloc}", verify)
        with self._lock:
            if key not in self._exchanges:
                self._exchanges[key] = Transport(key[0], verify=verify, session=self.session, notice=self.notice)
            return self._exchanges[key]

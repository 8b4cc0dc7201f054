"""The dynamic front door: one `pulumi.dynamic.ResourceProvider` adapter, mechanical, over each implementation.

Upstream's dynamic provider server pickles each resource's provider object into state (`__provider`) and
unpickles it for every call, so the objects must stay attribute-free and their classes must never move (each
resource module keeps its `<Name>Provider` subclass). The context they run against is therefore the one piece of
module-level state in the package: one per provider process, configured by `configure()`.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from . import ignoring
from .context import Context
from .diff import Diff
from .errors import IdcsError
from .stack_config import config_of
from .validation import NAME_KEY

if TYPE_CHECKING:
    from .implementation import Implementation

_WARNED: set[str] = set()


def _warn(line: str) -> None:
    """A warning on the provider's stderr, which the engine shows (this door has no other log), once per run."""
    if line not in _WARNED:
        _WARNED.add(line)
        print(line, file=sys.stderr, flush=True)


_CONTEXT = Context(notice=lambda message: _warn(f"warning: {message}"))


@contextmanager
def _our_message_alone() -> Iterator[None]:
    """Our errors reach the CLI as their message: newer SDKs' dynamic server reports a whole traceback, whose
    source lines (an Authorization header being built, say) a user at 2 a.m. should not have to read past."""
    try:
        yield
    except IdcsError as e:
        raise IdcsError(str(e)) from None


class _MessageAlone:
    """Upstream's dynamic provider server answers every exception with `traceback.format_exc()`: a user's mistake
    reached the CLI as a Python traceback. In that server, this stands in for its `traceback` module, so that our
    own errors (IdcsError: what the user or the service got wrong) are answered with their message alone, and any
    other exception still with its whole traceback."""

    def __getattr__(self, name: str) -> Any:
        return getattr(traceback, name)

    @staticmethod
    def format_exc(*args: Any, **kwargs: Any) -> str:
        error = sys.exc_info()[1]
        return str(error) if isinstance(error, IdcsError) else traceback.format_exc(*args, **kwargs)


def _in_the_dynamic_server() -> None:
    """Installed once, when this door is loaded by upstream's dynamic provider server (`python -m
    pulumi.dynamic`); elsewhere nothing changes. If upstream stops using `traceback.format_exc`, errors simply
    keep their traceback (tests/engine/test_engine_mistakes.py would say so)."""
    server = sys.modules.get("__main__")
    spec = getattr(server, "__spec__", None)
    if server is not None and getattr(spec, "name", "") == "pulumi.dynamic.__main__" and \
            getattr(server, "traceback", None) is traceback:
        server.traceback = _MessageAlone()  # type: ignore[attr-defined]


_in_the_dynamic_server()


def context() -> Context:
    """The dynamic door's context (tests of this door read it)."""
    return _CONTEXT


class DynamicAdapter(ResourceProvider):
    """Each call handed, unchanged and with the door's context, to the implementation: the module the subclass
    is defined in (so that instances stay attribute-free)."""

    # Nothing secret is ever in the instance: keep the blob readable (and small) in state.
    serialize_as_secret_always = False

    @property
    def implementation(self) -> Implementation:
        """The implementation the catalog registers for this class (read when called: the resource modules that
        subclass this door are imported by the catalog)."""
        from .catalog import BY_DYNAMIC_PROVIDER
        return BY_DYNAMIC_PROVIDER[type(self)].implementation

    def configure(self, req: ConfigureRequest) -> None:
        _CONTEXT.configure(config_of(req))

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        with _our_message_alone():
            checked = self.implementation.check(_CONTEXT, olds, news)
        return CheckResult(checked.inputs, [CheckFailure(f.property, f.reason) for f in checked.failures])

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        with _our_message_alone():
            diff = self.implementation.diff(_CONTEXT, id_, olds, news)
        for message in (*diff.drift_warnings(olds), *diff.warnings):  # the drifted property, named
            _warn(f"warning: {news.get(NAME_KEY) or id_}: {message}")
        result = _as_dynamic(diff)
        if result.changes is False and ignoring.record_changes(olds, news):
            return DiffResult(changes=True)  # only ignore_changes changed: the state must learn it, for the delete
        return result

    def create(self, props: dict[str, Any]) -> CreateResult:
        with _our_message_alone():
            created = self.implementation.create(_CONTEXT, props)
        return CreateResult(created.id, created.outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with _our_message_alone():
            found = self.implementation.read(_CONTEXT, id_, props)
        return ReadResult(found.id, found.outs, found.inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        with _our_message_alone():
            return UpdateResult(self.implementation.update(_CONTEXT, id_, olds, news).outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with _our_message_alone():
            self.implementation.delete(_CONTEXT, id_, props)


def _as_dynamic(diff: Diff) -> DiffResult:
    """A diff as the dynamic protocol carries it: replaces, or whether anything changes (None: the engine diffs
    the old and new inputs itself, which shows each property the program changed)."""
    if diff.replaces:
        return DiffResult(changes=True, replaces=list(diff.replaces))
    if diff.unknown or diff.inputs_changed:
        return DiffResult(changes=None)
    return DiffResult(changes=diff.changes)

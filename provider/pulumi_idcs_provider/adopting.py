"""What every adopting resource's check does, written once: the inputs checked, then, for a new resource whose
inputs are all known, what create would refuse (the app or client read, the configuration used), refused now."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi.output import Unknown

from .ignoring import IGNORE_KEY
from .implementation import Checked
from .validation import NAME_KEY, Failure

Inputs = dict[str, Any]


def check(olds: Mapping[str, Any], news: Mapping[str, Any],
          inputs_of: Callable[[Mapping[str, Any]], tuple[Inputs, list[Failure]]],
          preflight: Callable[[Inputs], list[Failure]]) -> Checked:
    checked, failures = inputs_of(news)
    for hidden in (NAME_KEY, IGNORE_KEY):  # passed by the SDK, kept for the operations
        if news.get(hidden) is not None:
            checked[hidden] = news[hidden]
    is_new = not any(not k.startswith("__") for k in olds)
    if is_new and not failures and not any(isinstance(v, Unknown) for v in checked.values()):
        failures = preflight(checked)  # a new resource: what create would refuse, refused at preview
    return Checked(checked, list(failures))

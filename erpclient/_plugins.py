"""Taking a limiter, recorder, token store or repeat guard in the form the async client awaits."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

A = TypeVar("A")


def as_async(
    plugin: Any, method: str, adapter: Callable[[Any], A], default: Callable[[], Any]
) -> A:
    """An async plugin as given; a sync one (or the default, when none is given) wrapped in its
    adapter, which calls it inline."""
    if plugin is None:
        plugin = default()
    if inspect.iscoroutinefunction(getattr(plugin, method)):
        return cast(A, plugin)
    return adapter(plugin)

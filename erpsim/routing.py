"""A small method + path router. Financials paths match case-insensitively, as the real API does."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_PARAM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Route:
    api: str
    method: str
    template: str
    handler: Callable[..., Any]
    pattern: re.Pattern[str]
    # A request body limit of its own (uploads), else the sandbox's.
    max_body: int | None = None


@dataclass(frozen=True)
class Match:
    route: Route
    params: dict[str, str]


class MethodNotAllowed(Exception):
    def __init__(self, api: str, allowed: list[str]) -> None:
        super().__init__(api)
        self.api = api
        self.allowed = allowed


class Router:
    def __init__(self) -> None:
        self._buckets: dict[str, list[Route]] = {}

    def add(
        self,
        api: str,
        method: str,
        template: str,
        handler: Callable[..., Any],
        *,
        ignore_case: bool = False,
        max_body: int | None = None,
    ) -> None:
        regex = "^" + _PARAM.sub(lambda m: f"(?P<{m.group(1)}>[^/]+)", template) + "/?$"
        pattern = re.compile(regex, re.IGNORECASE if ignore_case else 0)
        route = Route(api, method, template, handler, pattern, max_body)
        self._buckets.setdefault(_bucket_of(template), []).append(route)

    def routes(self) -> list[Route]:
        return [route for bucket in self._buckets.values() for route in bucket]

    def match(self, method: str, path: str) -> Match | None:
        """The route for this request; raises MethodNotAllowed if only the method is wrong."""
        candidates = self._buckets.get(_bucket_of(path), ())
        allowed: list[str] = []
        api = ""
        for route in candidates:
            found = route.pattern.match(path)
            if found is None:
                continue
            if route.method == method:
                return Match(route, found.groupdict())
            allowed.append(route.method)
            api = route.api
        if allowed:
            raise MethodNotAllowed(api, sorted(set(allowed)))
        return None


def _bucket_of(path: str) -> str:
    # The first two segments pick a short list of candidates, so matching stays cheap.
    parts = path.lower().lstrip("/").split("/", 2)
    return "/".join(parts[:2])

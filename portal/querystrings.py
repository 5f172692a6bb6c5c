"""Query-string helpers for pages that filter, sort and paginate."""

from __future__ import annotations

from django.http import HttpRequest


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string minus ``names`` (e.g. "page", for pagination links)."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()

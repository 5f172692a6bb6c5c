"""The URLs of a page of rows for the cost of one ``reverse`` per URL name.

Reversing each row's link on its own cost more than the rest of the row (a hundred rows on the
usage dashboard, fifty on the tenants list). A URL whose one argument is an integer id is the
same text around that id for every row: it is reversed once per process with a probe id, and
each row's id goes where the probe was.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# An id no URL pattern carries in its fixed text.
_PROBE = "2147483123"


@functools.lru_cache(maxsize=256)
def _shape(name: str, prefix: str, urlconf: str) -> tuple[str, str]:
    url = reverse(name, args=[int(_PROBE)], urlconf=urlconf)
    head, probe, tail = url.rpartition(_PROBE)
    if not probe:
        raise ValueError(f"{name} does not carry its argument in its path: {url}")
    return head, tail


def pk_url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a URL whose one argument is an integer (``<int:pk>``)."""
    head, tail = _shape(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return f"{head}{int(pk)}{tail}"

"""The htmx plumbing every app's views share (tenants and usage today, operations next).

- ``HtmxHttpRequest``: the request type views annotate with, so ``request.htmx`` is typed.
- ``page_or_partial``: one template serves the whole page and, for an htmx request that swaps a
  part of it, the named partial (``"page.html#results"``, django-template-partials).
- ``safe_next``: where to go back to after a POST, only ever on this site.
- ``apply_errors``: a service's ``ValidationError`` shown on the form's fields.
- ``saved``: a POSTed form that is valid and whose service call took it (else the errors show).
- ``query_with`` / ``query_without``: the current filters carried into sort, page and export
  links.
- ``sort_headers``: the column headers of a sortable table (see ``portal/_sort_header.html``).
- ``with_client_event``: tell the page something happened (django-htmx's ``HX-Trigger``).

Templates: ``portal/_pagination.html``, ``portal/_sort_header.html`` and
``portal/_filter_form.html`` are the matching includes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import trigger_client_event
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def page_or_partial(request: HttpRequest, template: str, partial: str) -> str:
    """The named partial for an htmx request that swaps part of the page, else the page.

    A boosted request (a whole-page navigation done by htmx) gets the page. The caller checks
    permissions before this: the client choosing a partial never skips a check."""
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        return f"{template}#{partial}"
    return template


def safe_next(request: HttpRequest, default: str) -> str:
    """A ``next`` (POST, else GET) that points at this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: field errors on their fields (or the
    form when the form has no such field), plain ones on the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


def saved(request: HttpRequest, form: forms.BaseForm, save: Callable[[dict], Any]) -> bool:
    """True when ``request`` POSTed ``form``, it is valid and ``save(form.cleaned_data)`` (the
    service call) raised no ``ValidationError``; otherwise the errors are on the form::

        if saved(request, form, lambda data: services.thing_update(actor=..., **data)):
            messages.success(request, "Saved.")
            return redirect(...)
        return render(request, "thing.html", {"form": form})
    """
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as error:
        apply_errors(form, error)
        return False
    return True


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string minus ``names`` (e.g. "page", for pagination links)."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


# What moves through a list rather than narrowing it.
LIST_CONTROLS = frozenset({"page", "per_page", "sort"})


def filters_in_use(form: forms.Form) -> bool:
    """Whether a list's filter form narrows the list: a value in any field but the page, the
    page size and the sort. An empty list then says "nothing matches these filters" and offers
    to clear them, instead of "nothing yet" (and the other way round)."""
    if not form.is_bound:
        return False
    data = form.data
    for name in form.fields:
        if name in LIST_CONTROLS:
            continue
        key = form.add_prefix(name)
        values = data.getlist(key) if hasattr(data, "getlist") else [data.get(key)]
        if any(str(value).strip() for value in values if value is not None):
            return True
    return False


def query_with(request: HttpRequest, **changes: str) -> str:
    """The current query string with ``changes``; a new sort or filter starts on page one."""
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@dataclass(frozen=True)
class Column:
    """A sortable column: its sort key, its header, and which way a first click sorts."""

    key: str
    label: str
    numeric: bool = False
    first_descending: bool = False
    # The key itself orders the column's values high to low ("problems": most problems first),
    # so screen readers hear "descending" for it.
    key_sorts_descending: bool = False


@dataclass(frozen=True)
class SortHeader:
    key: str
    label: str
    numeric: bool
    aria_sort: str
    query: str


def sort_headers(
    request: HttpRequest,
    columns: Iterable[Column],
    *,
    sort: str,
    descending: bool,
    encode: Callable[[str, bool], dict[str, str]],
) -> list[SortHeader]:
    """Headers whose links keep the filters: clicking the sorted column flips it, another column
    starts its own way round. ``encode(key, descending)`` gives the page's sort parameters."""
    headers = []
    for column in columns:
        active = column.key == sort
        flip = not descending if active else column.first_descending
        high_to_low = descending != column.key_sorts_descending
        aria = ("descending" if high_to_low else "ascending") if active else "none"
        headers.append(
            SortHeader(
                key=column.key,
                label=column.label,
                numeric=column.numeric,
                aria_sort=aria,
                query=query_with(request, **encode(column.key, flip)),
            )
        )
    return headers


def with_client_event(response: HttpResponse, name: str, detail: Any = None) -> HttpResponse:
    """``response`` with an htmx client event (``HX-Trigger``) the page listens for."""
    return trigger_client_event(response, name, {} if detail is None else detail)

"""The usage pages: the dashboard, one company's page, the CSV export and /metrics."""

from __future__ import annotations

import csv
import hmac
from collections.abc import Iterator
from datetime import UTC, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET, require_POST
from prometheus_client import CONTENT_TYPE_LATEST

from portal.htmx import Column, HtmxHttpRequest, page_or_partial, query_without, sort_headers
from portal.roles import OPERATE, VIEW

from . import charts, conf, metrics, overview, selectors, services, snapshots
from .forms import DashboardFilterForm, ExportForm, ReserveForm
from .models import MeteredCompany

PAGE_SIZE = 100
EXPORT_DEFAULT_DAYS = 7
# A new column sorts the biggest first, except the name and when the budget runs out.
COLUMNS = (
    Column("name", "Company"),
    Column("client_type", "Client", first_descending=True),
    Column("usage", "This hour", numeric=True, first_descending=True),
    Column("remaining", "Remaining", numeric=True, first_descending=True),
    Column("throttled_hour", "429s 1 h", numeric=True, first_descending=True),
    Column("throttled_day", "429s 24 h", numeric=True, first_descending=True),
    Column("runs_out", "Runs out"),
)
# What the export keeps of the dashboard's choices (which companies; not the sort).
DASHBOARD_FILTERS = ("client", "q", "above", "throttled", "test")


def _usage_sort(key: str, descending: bool) -> dict[str, str]:
    return {"sort": key, "dir": "desc" if descending else "asc"}


@require_GET
@permission_required(VIEW, raise_exception=True)
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET or None, client_ids=overview.client_ids())
    filters = form.filters()
    snapshot = snapshots.current(filters)
    rows = overview.narrow(snapshot.rows, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "summary": snapshot.summary,
        "headers": sort_headers(
            request,
            COLUMNS,
            sort=filters.sort,
            descending=filters.descending,
            encode=_usage_sort,
        ),
        "query": query_without(request, "page"),
        "export_query": _export_query(request),
        "page_query": request.GET.urlencode(),
        "refresh_seconds": conf.get("USAGE_DASHBOARD_REFRESH_SECONDS"),
        "alert_percent": round(conf.get("USAGE_ALERT_SHARE") * 100),
        "as_of": snapshot.taken_at,
    }
    return render(request, page_or_partial(request, "usage/dashboard.html", "results"), context)


def _export_query(request: HtmxHttpRequest) -> str:
    query = request.GET.copy()
    for name in list(query):
        if name not in DASHBOARD_FILTERS:
            query.pop(name)
    return query.urlencode()


def _tenant_url(company: MeteredCompany) -> str | None:
    if company.tenant_pk is None:
        return None
    try:
        return reverse("tenants:detail", args=[company.tenant_pk])
    except NoReverseMatch:
        return None


@require_GET
@permission_required(VIEW, raise_exception=True)
def company(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(MeteredCompany, pk=pk)
    return render(
        request,
        "usage/company.html",
        _company_context(
            company,
            ReserveForm(
                initial={
                    "reserve_percent": round(company.background_reserve * 100)
                    if company.background_reserve is not None
                    else None
                }
            ),
        ),
    )


def _company_context(company: MeteredCompany, reserve_form: ReserveForm) -> dict:
    default_percent = round(conf.reserve_for(company.client_type) * 100)
    reserve_field = reserve_form.fields["reserve_percent"]
    reserve_field.widget.attrs["placeholder"] = str(default_percent)
    reserve_field.help_text = f"Empty: the {company.client_type} default ({default_percent} %)."
    hours = 48
    rows = selectors.company_hours(company, hours=hours)
    budget = selectors.budget_state(client_id=company.client_id, tenant_id=company.tenant_id)
    series = charts.hourly_series(rows, selectors.hours_back(hours), hours)
    return {
        "company": company,
        "budget": budget,
        "chart": charts.stacked_chart(series, budget.limit),
        "families": selectors.company_families(company),
        "throttled_calls": selectors.recent_throttled_calls(company),
        "latest": selectors.latest_ratelimit(
            client_id=company.client_id, tenant_id=company.tenant_id
        ),
        "tenant_url": _tenant_url(company),
        "chart_zone": timezone.localtime().strftime("%Z"),
        "reserve_form": reserve_form,
        "default_reserve_percent": default_percent,
        "call_log_days": conf.get("USAGE_CALL_LOG_DAYS"),
        "totals": {
            "calls": sum(row.calls for row in rows),
            "throttled": sum(row.rate_limited for row in rows),
        },
    }


@require_POST
@permission_required(OPERATE, raise_exception=True)
def company_reserve(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(MeteredCompany, pk=pk)
    form = ReserveForm(request.POST)
    if form.is_valid():
        try:
            services.metered_company_set_reserve(
                actor=request.user, company=company, reserve=form.reserve()
            )
        except ValidationError as error:
            form.add_error("reserve_percent", error.messages)
        else:
            messages.success(request, f"The staff reserve of {company.label} is saved.")
            return redirect("usage:company", pk=company.pk)
    return render(request, "usage/company.html", _company_context(company, form), status=400)


@require_GET
@permission_required(VIEW, raise_exception=True)
def export(request: HtmxHttpRequest) -> HttpResponse:
    """The CSV, or the form: opened from the dashboard it chooses the companies the dashboard
    showed (its filters come along) and the last 7 days."""
    if not {"start", "end", "companies"} & set(request.GET):
        return render(
            request, "usage/export.html", {"form": ExportForm(initial=_export_initial(request))}
        )
    form = ExportForm(request.GET)
    if form.is_valid():
        first, last = form.period()
        rows = selectors.export_rows(companies=form.chosen(), first_hour=first, last_hour=last)
        response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
        name = f"erp-usage-{form.cleaned_data['start']:%Y%m%d}-{form.cleaned_data['end']:%Y%m%d}"
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    return render(request, "usage/export.html", {"form": form}, status=400)


def _export_initial(request: HtmxHttpRequest) -> dict:
    end = timezone.now().astimezone(UTC).date()
    initial: dict = {"start": end - timedelta(days=EXPORT_DEFAULT_DAYS - 1), "end": end}
    filters_form = DashboardFilterForm(request.GET, client_ids=overview.client_ids())
    filters = filters_form.filters()
    if any(request.GET.get(name) for name in DASHBOARD_FILTERS):
        rows = overview.narrow(overview.company_rows(filters), filters)
        initial["companies"] = [row.pk for row in rows]
    return initial


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_HEADER = [
    "hour_utc",
    "client_id",
    "tenant_id",
    "company_id",
    "company",
    "client_type",
    "hourly_limit",
    "calls",
    "status_2xx",
    "status_3xx",
    "status_4xx",
    "status_5xx",
    "no_response",
    "rate_limited_429",
    "interactive",
    "background",
    "avg_duration_ms",
    "erp_limit",
    "erp_remaining",
]


def _cell(value: object) -> object:
    # A company name starting with = + - @ must not become a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_lines(rows) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for row in rows:
        company = row.company
        yield writer.writerow(
            [
                _cell(value)
                for value in (
                    row.hour.strftime("%Y-%m-%dT%H:00Z"),
                    company.client_id,
                    company.tenant_id,
                    company.company_id or "",
                    company.label,
                    company.client_type,
                    company.hourly_limit,
                    row.calls,
                    row.status_2xx,
                    row.status_3xx,
                    row.status_4xx,
                    row.status_5xx,
                    row.no_response,
                    row.rate_limited,
                    row.interactive,
                    row.background,
                    round(row.duration_ms_total / row.calls, 1) if row.calls else "",
                    "" if row.last_limit is None else row.last_limit,
                    "" if row.last_remaining is None else row.last_remaining,
                )
            ]
        )


@require_GET
@login_not_required
@never_cache
@sensitive_variables("expected", "token", "header")
def metrics_view(request: HtmxHttpRequest) -> HttpResponse:
    """Prometheus scrapes with ``Authorization: Bearer <METRICS_TOKEN>``; no session needed."""
    expected = conf.get("USAGE_METRICS_TOKEN")
    if not expected:
        return HttpResponse(
            "Metrics are turned off: set METRICS_TOKEN to a long random value and give it to "
            "Prometheus as a bearer token.\n",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    # Bytes, not str: compare_digest refuses a str with characters outside ASCII.
    given = token.strip().encode("utf-8", "surrogateescape")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given, expected.encode("utf-8")):
        response = HttpResponse(
            "A valid bearer token is required.\n",
            status=401,
            content_type="text/plain; charset=utf-8",
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics.render(), content_type=CONTENT_TYPE_LATEST)

"""The ``usage_dashboard`` scenario of ``bench/pages.py``: the usage dashboard with 5,000
companies and 30 days of hourly rollups, on PostgreSQL.

    python -m bench.pages usage_dashboard --database-url postgres://postgres@127.0.0.1:5432/bench

It builds (once; later runs reuse it) 5,000 metered companies, 30 days of hourly rollups for each
(3.6 million rows), this hour's budget windows and a sprinkling of 429s, then measures the
dashboard as a signed-in user: the full page and the htmx refresh the page polls every few
seconds. Baseline in the same run: the same page narrowed to the 50 companies of one API client
(same queries, same code). Goal: under 200 ms at 5,000 companies with the same query count as at
50. The database limiter is measured (``USAGE_REDIS_URL`` is cleared); with Redis the budget
figures come from one pipelined read instead.
"""

from __future__ import annotations

import time

COMPANIES = 5000
DAYS = 30
SMALL_CLIENT = "isv_bench_small"
BIG_CLIENT = "isv_bench_prod"
SMALL_COUNT = 50


def _populate(companies: int, days: int) -> None:
    from django.db import connection

    from usage.models import MeteredCompany

    if MeteredCompany.objects.count() == companies:
        return
    print(f"Building {companies} companies x {days} days of hourly rollups (once)...", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE usage_calllog, usage_hourlyfamilyusage, usage_hourlyusage, "
            "usage_budgetwindow, usage_meteredcompany RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            """
            INSERT INTO usage_meteredcompany (client_id, tenant_id, company_id, name, client_type,
                hourly_limit_override, background_reserve, tenant_pk, active, created_at,
                updated_at, total_calls, total_2xx, total_3xx, total_4xx, total_5xx,
                total_no_response, total_429)
            SELECT CASE WHEN n <= %s THEN %s ELSE %s END,
                   md5(n::text)::uuid::text, 4800000 + n, 'Company ' || lpad(n::text, 5, '0'),
                   CASE WHEN n %% 4 = 0 THEN 'test' ELSE 'production' END,
                   CASE WHEN n %% 4 = 0 THEN 500 ELSE 15000 END,
                   NULL, NULL, true, now(), now(), 0, 0, 0, 0, 0, 0, 0
            FROM generate_series(1, %s) AS n
            """,
            [SMALL_COUNT, SMALL_CLIENT, BIG_CLIENT, companies],
        )
        cursor.execute(
            """
            INSERT INTO usage_hourlyusage (company_id, hour, calls, status_2xx, status_3xx,
                status_4xx, status_5xx, no_response, rate_limited, interactive, background,
                duration_ms_total, last_limit, last_remaining, last_reset_at, last_policy,
                last_seen_at)
            SELECT c.id, h.hour, c.hourly_limit_override / 3, c.hourly_limit_override / 3 - 5,
                   0, 5, 0, 0, CASE WHEN (c.id + h.n) %% 97 = 0 THEN 3 ELSE 0 END,
                   10, c.hourly_limit_override / 3 - 10, 1000.0, c.hourly_limit_override,
                   c.hourly_limit_override - c.hourly_limit_override / 3, NULL, '4-fixed-window',
                   h.hour
            FROM usage_meteredcompany c
            CROSS JOIN (
                SELECT n, date_trunc('hour', now()) - make_interval(hours => n) AS hour
                FROM generate_series(1, %s) AS n
            ) h
            """,
            [days * 24],
        )
        cursor.execute(
            """
            INSERT INTO usage_budgetwindow (client_id, tenant_id, window_end, used, erp_limit,
                erp_remaining, erp_policy, erp_seen_at, blocked_until, alerted_until)
            SELECT client_id, tenant_id,
                   extract(epoch FROM date_trunc('hour', now()) + interval '1 hour'),
                   (id * 37) %% hourly_limit_override, hourly_limit_override,
                   hourly_limit_override - (id * 37) %% hourly_limit_override,
                   '4-fixed-window', extract(epoch FROM now()),
                   CASE WHEN id %% 251 = 0 THEN extract(epoch FROM now()) + 900 END, NULL
            FROM usage_meteredcompany
            """,
            [],
        )
        cursor.execute(
            """
            INSERT INTO usage_calllog (company_id, started_at, method, path_template, family,
                priority, status, duration_ms, attempt, fault_code, error_kind, retry_after,
                request_id, ratelimit_limit, ratelimit_remaining, ratelimit_policy)
            SELECT id, now() - interval '10 minutes', 'GET', '/v1/supplierInvoice',
                   'supplierInvoice', 'background', 429, 20.0, 1, '', 'rate_limited', 600, '',
                   hourly_limit_override, 0, '4-fixed-window'
            FROM usage_meteredcompany WHERE id %% 251 = 0
            """,
            [],
        )
        cursor.execute("ANALYZE")
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def usage_dashboard(bench) -> None:
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        print("usage_dashboard: needs PostgreSQL (--database-url postgres://...); not run")
        return
    settings.USAGE_REDIS_URL = ""
    _populate(COMPANIES, DAYS)
    print(f"usage_dashboard: {COMPANIES:,} companies, {DAYS} days of hourly rollups")
    small = f"/usage/?client={SMALL_CLIENT}"
    baseline = bench.measure(f"baseline: the page for {SMALL_COUNT} companies", small)
    bench.measure(f"baseline: htmx refresh, {SMALL_COUNT} companies", small, htmx=True)
    full = bench.measure(f"full page, {COMPANIES:,} companies", "/usage/")
    refresh = bench.measure(f"htmx refresh, {COMPANIES:,} companies", "/usage/", htmx=True)
    bench.measure("filtered to throttled", "/usage/?throttled=on", htmx=True)
    bench.measure("sorted by when it runs out, page 20", "/usage/?sort=runs_out&page=20")
    queries = {bench.request(small)[1], bench.request("/usage/")[1]}
    worst = max(full, refresh)
    print(f"  ratio {COMPANIES:,} / {SMALL_COUNT} (full page): {full / baseline:5.2f}")
    same = "the same" if len(queries) == 1 else "NOT the same"
    print(f"  queries at {SMALL_COUNT} and {COMPANIES:,} companies: {sorted(queries)} ({same})")
    verdict = "within" if worst < 200 else "OVER"
    print(f"  goal: under 200 ms -> {verdict} (slowest median {worst:.1f} ms)")

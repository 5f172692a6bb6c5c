"""The usage dashboard with 5,000 companies and 30 days of hourly rollups, on PostgreSQL.

    python -m bench.pages_usage [--database-url postgres://postgres@127.0.0.1:5432/bench_usage]
                                [--companies 5000] [--days 30] [--requests 15]

Builds (once; later runs reuse it) a scratch database with ``--companies`` metered companies,
``--days`` days of hourly rollups for each (3.6 million rows at the defaults), this hour's budget
windows and a sprinkling of 429s, then asks the running Django for the dashboard as a signed-in
viewer: the full page, and the htmx refresh the page polls every few seconds. Server time is the
time Django takes to answer in this process (no network); the query count comes from Django's
own query log.

Baseline in the same run: the same page narrowed to the 50 companies of one API client (same
queries, same code). Printed: median and 90th percentile per request for each, the ratio, and the
query counts (the goal: under 200 ms at 5,000 companies with the same query count as at 50).
``USAGE_REDIS_URL`` is cleared, so the database limiter is measured; with Redis the budget figures
come from one pipelined read instead.

This is the ``usage_dashboard`` scenario; ``bench/pages.py`` can run it by name.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_usage"
SMALL_CLIENT = "isv_bench_small"
BIG_CLIENT = "isv_bench_prod"
SMALL_COUNT = 50


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


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
                hourly_limit, background_reserve, tenant_pk, active, created_at, updated_at,
                total_calls, total_2xx, total_3xx, total_4xx, total_5xx, total_no_response,
                total_429)
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
            SELECT c.id, h.hour, c.hourly_limit / 3, c.hourly_limit / 3 - 5, 0, 5, 0, 0,
                   CASE WHEN (c.id + h.n) %% 97 = 0 THEN 3 ELSE 0 END,
                   10, c.hourly_limit / 3 - 10, 1000.0, c.hourly_limit,
                   c.hourly_limit - c.hourly_limit / 3, NULL, '4-fixed-window', h.hour
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
                   (id * 37) %% hourly_limit, hourly_limit,
                   hourly_limit - (id * 37) %% hourly_limit,
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
                   hourly_limit, 0, '4-fixed-window'
            FROM usage_meteredcompany WHERE id %% 251 = 0
            """,
            [],
        )
        cursor.execute("ANALYZE")
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def _measure(client, url: str, requests: int, **headers) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        client.get(url, **headers)  # warm caches and connections
    timings = []
    queries = 0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, **headers)
            timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries = len(captured)
    return timings, queries


def usage_dashboard(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--companies", type=int, default=5000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--requests", type=int, default=15)
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        raise SystemExit("This scenario measures PostgreSQL: give --database-url postgres://...")

    _ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.USAGE_REDIS_URL = ""
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    _populate(args.companies, args.days)

    from django.contrib.auth.models import Group

    from portal.models import User
    from portal.roles import Role

    user, _ = User.objects.get_or_create(email="bench-viewer@isv.example")
    user.groups.set([Group.objects.get(name=Role.VIEWER.value)])
    client = Client()
    client.force_login(user)

    htmx = {"HTTP_HX_REQUEST": "true"}
    runs = {
        "full page, 5,000": _measure(client, "/usage/", args.requests),
        "htmx refresh, 5,000": _measure(client, "/usage/", args.requests, **htmx),
        "full page, 50 (baseline)": _measure(
            client, f"/usage/?client={SMALL_CLIENT}", args.requests
        ),
        "htmx refresh, 50 (baseline)": _measure(
            client, f"/usage/?client={SMALL_CLIENT}", args.requests, **htmx
        ),
    }
    print(
        f"Usage dashboard on PostgreSQL: {args.companies} companies, {args.days} days of hourly "
        f"rollups, {args.requests} requests each (server time in this process)"
    )
    for label, (timings, queries) in runs.items():
        timings.sort()
        p90 = timings[int(len(timings) * 0.9) - 1]
        print(
            f"  {label:30s} median {statistics.median(timings):7.1f} ms   p90 {p90:7.1f} ms"
            f"   {queries} queries"
        )
    big = statistics.median(runs["full page, 5,000"][0])
    small = statistics.median(runs["full page, 50 (baseline)"][0])
    same_queries = runs["full page, 5,000"][1] == runs["full page, 50 (baseline)"][1]
    print(f"  ratio 5,000 / 50 (full page): {big / small:.1f}")
    print(
        f"  goals: under 200 ms: {'met' if big < 200 else 'NOT met'}; "
        f"constant query count: {'met' if same_queries else 'NOT met'}"
    )


if __name__ == "__main__":
    usage_dashboard(sys.argv[1:])

"""Server time and query counts of the portal's heaviest pages, on a big database.

    python -m bench.pages [scenario ...] [--database-url sqlite:///var/bench-pages.sqlite3]
                          [--rounds 15]

Scenarios (all when none is named):

- ``tenants_list``: 10,000 tenants (a tenth with open issues), the tenants list at 25, 50 and 100
  rows per page, filtered by problem kind, searched and sorted. The baseline, in the same process,
  is the same page filtered to no rows: the fixed cost of the page. Goal: under 200 ms, and a
  query count that does not grow with the page size.
- ``usage_dashboard`` (PostgreSQL only): 5,000 metered companies with 30 days of hourly rollups,
  the usage dashboard and its htmx refresh against the same page for 50 companies (see
  ``bench/pages_usage.py``). Goal: under 200 ms with the same query count.
- ``api_console``: the API console's operation list (all 517 operations of both specs, and a
  search as an htmx partial) and the form of the largest operations, against the same page
  listing none (see ``bench/pages_console.py``). Goal: under 100 ms.
- ``order_form``: the sales order form's htmx round trips with 1, 50 and 200 lines (see
  ``bench/pages_orders.py``). Goal: under 100 ms at 50 lines, a query count flat in the lines.
- ``staff_pages``: every page of the load test (bench/load_staff.py) over the 2,000 tenants
  bench/load.py builds, each checked once (see ``bench/pages_staff.py``). Goal: under 25 ms.

Adding a scenario: write ``def my_page(bench: Bench) -> None`` that seeds what it needs (once;
check before creating) and calls ``bench.measure(...)``, then add it to ``SCENARIOS``.

Each page is requested through Django's test client (the whole middleware stack, templates
included) by a signed-in admin; printed is the median, the fastest and the slowest of
``--rounds`` requests after a warm-up (on a shared machine the fastest is the steadiest figure),
and the number of SQL queries of one request.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bench.pages_console import api_console
from bench.pages_orders import order_form
from bench.pages_staff import staff_pages
from bench.pages_usage import usage_dashboard

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 200.0


class Bench:
    """Signs in once and measures pages."""

    def __init__(self, rounds: int) -> None:
        from django.test import Client

        from portal.models import User
        from portal.roles import Role
        from tests.factories import make_user

        self.rounds = rounds
        user = User.objects.filter(email="bench-admin@isv.example").first()
        if user is None:
            user = make_user(Role.ADMIN, email="bench-admin@isv.example")
        self.client = Client()
        self.client.force_login(user)

    def request(self, path: str, *, htmx: bool = False) -> tuple[float, int]:
        """(milliseconds, queries) of one GET (an htmx one asks for the partial)."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = self.client.get(path, headers={"HX-Request": "true"} if htmx else {})
            elapsed = (time.perf_counter() - started) * 1000.0
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        return elapsed, len(queries)

    def measure(self, label: str, path: str, *, htmx: bool = False) -> float:
        self.request(path, htmx=htmx)  # warm-up: template loading, first connection
        times, queries = [], 0
        for _ in range(self.rounds):
            elapsed, queries = self.request(path, htmx=htmx)
            times.append(elapsed)
        median = statistics.median(times)
        print(
            f"  {label:<44} {median:7.1f} ms median  {min(times):7.1f} ms min  "
            f"{max(times):7.1f} ms max  {queries:3d} queries"
        )
        return median


# --- scenarios ----------------------------------------------------------------------------------


def _seed_tenants(count: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from tenants.catalogue import CATALOGUE, IssueKind
    from tenants.models import ApiClient, Customer, HealthIssue, Tenant, TenantStatus

    if Tenant.objects.count() >= count:
        return
    rng = random.Random(7)
    now = timezone.now()
    with transaction.atomic():
        clients = [
            ApiClient.objects.get_or_create(
                client_id=f"isv_bench_{kind}",
                defaults={"name": f"Bench {kind}", "client_secret": "bench", "client_type": kind},
            )[0]
            for kind in ("test", "production")
        ]
        customers = Customer.objects.bulk_create(
            Customer(name=f"Bench Customer {n:04d}") for n in range(count // 4)
        )
        statuses = [TenantStatus.ACTIVE] * 8 + [TenantStatus.ONBOARDING, TenantStatus.SUSPENDED]
        tenants = Tenant.objects.bulk_create(
            Tenant(
                tenant_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                company_id=8_000_000 + n,
                name=f"Company {n:05d} {rng.choice(['AS', 'AB', 'Oy', 'ApS'])}",
                customer=customers[n % len(customers)],
                api_client=clients[n % 2],
                status=rng.choice(statuses),
                last_checked_at=now - timedelta(minutes=rng.randint(1, 120)),
                last_check_ok=True,
            )
            for n in range(count)
        )
        kinds = list(IssueKind)
        issues = []
        for tenant in rng.sample(tenants, count // 10):
            for kind in rng.sample(kinds, rng.randint(1, 2)):
                problem = CATALOGUE[kind]
                issues.append(
                    HealthIssue(
                        tenant=tenant,
                        kind=kind,
                        owner=problem.owner,
                        title=problem.title,
                        remediation=problem.remediation,
                        customer_message=problem.customer_message,
                        first_seen_at=now,
                        last_seen_at=now,
                    )
                )
        HealthIssue.objects.bulk_create(issues)
        for tenant in {issue.tenant for issue in issues}:
            tenant.open_issue_count = sum(1 for i in issues if i.tenant is tenant)
            tenant.last_check_ok = False
        Tenant.objects.bulk_update(
            [t for t in tenants if t.open_issue_count], ["open_issue_count", "last_check_ok"]
        )


def tenants_list(bench: Bench) -> None:
    count = 10_000
    _seed_tenants(count)
    print(f"tenants_list: {count:,} tenants, a tenth with open issues")
    baseline = bench.measure("baseline: the page with no matching rows", "/tenants/?q=no-such")
    worst = 0.0
    query_counts = set()
    for size in (25, 50, 100):
        elapsed = bench.measure(f"{size} rows per page", f"/tenants/?per_page={size}")
        query_counts.add(bench.request(f"/tenants/?per_page={size}")[1])
        worst = max(worst, elapsed)
    for label, path in (
        ("filtered by problem kind", "/tenants/?kind=no_license&per_page=100"),
        ("filtered by who must act", "/tenants/?owner=customer_admin&per_page=100"),
        ("searched", "/tenants/?q=Company%2004&per_page=100"),
        ("sorted by problems, page 40", "/tenants/?sort=problems&page=40&per_page=100"),
    ):
        worst = max(worst, bench.measure(label, path))
    worst = max(
        worst,
        bench.measure(
            "htmx live filter (results only)", "/tenants/?status=active&per_page=100", htmx=True
        ),
    )
    print(f"  ratio 100 rows / baseline: {worst / baseline:5.2f} (slowest case)")
    same = "the same" if len(query_counts) == 1 else "NOT the same"
    print(f"  queries at 25, 50 and 100 rows: {sorted(query_counts)} ({same})")
    verdict = "within" if worst < GOAL_MS else "OVER"
    print(f"  goal: under {GOAL_MS:.0f} ms -> {verdict} (slowest median {worst:.1f} ms)")


SCENARIOS: dict[str, Callable[[Bench], None]] = {
    "tenants_list": tenants_list,
    "usage_dashboard": usage_dashboard,
    "api_console": api_console,
    "order_form": order_form,
    "staff_pages": staff_pages,
}


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # The test profile: no debug toolbar or query log, the development keys.
    os.environ.setdefault("DJANGO_ENV", "test")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", choices=[[], *SCENARIOS], default=[])
    parser.add_argument(
        "--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench-pages.sqlite3'}"
    )
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    setup_django(args.database_url)
    bench = Bench(args.rounds)
    print(f"load average {os.getloadavg()[0]:.2f}")
    for name in args.scenarios or list(SCENARIOS):
        SCENARIOS[name](bench)


if __name__ == "__main__":
    main()

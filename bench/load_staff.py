"""The locustfile of bench/load.py: staff at the console, signed in, going over the pages they
use. Run by bench/load.py (``locust -f bench/load_staff.py --headless ...``), not on its own.

Besides the console's pages: Background job pages (one opened, and the htmx poll of a job still
waiting for the ERP) and the sales-order form's customer and item lookups (htmx, as an operator
types, in a few companies; the sandbox serves every company's customers and items).

Each simulated person has a session of their own, made by bench/load.py before the run (signing
in is PBKDF2 work the pages under test never do). Locust plays the TLS terminator in front of
gunicorn: each request says ``X-Forwarded-Proto: https`` and ``X-Forwarded-For: <the person's
own address>`` (the portal runs with one trusted proxy), and carries the session cookie as a
browser would over TLS.
"""

from __future__ import annotations

import itertools
import os
import random
from urllib.parse import urlencode

from locust import FastHttpUser, between, task

from bench.staff_world import CUSTOMER_QUERIES, ITEM_QUERIES


def _listed(name: str) -> list[str]:
    return [item for item in os.environ.get(name, "").split(",") if item]


SESSIONS = _listed("LOAD_SESSIONS")
# The order form is an operator's: its lookups go with an operator's session.
OPERATOR_SESSIONS = _listed("LOAD_OPERATOR_SESSIONS")
TENANT_PKS = [int(pk) for pk in _listed("LOAD_TENANT_PKS")]
# Background jobs still waiting for the ERP: their pages poll (bench/staff_world.py).
WAITING_JOB_PKS = [int(pk) for pk in _listed("LOAD_WAITING_JOB_PKS")]
JOB_PKS = [int(pk) for pk in _listed("LOAD_JOB_PKS")]
LOOKUP_TENANT_PKS = [int(pk) for pk in _listed("LOAD_LOOKUP_TENANT_PKS")]
FILTERS = [
    "?status=active",
    "?q=Fault+Company+1",
    "?status=active&per_page=100",
    "?kind=no_license",
]
_numbers = itertools.count()


class Staff(FastHttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        number = next(_numbers)
        self.browser = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": f"10.0.{number // 250}.{number % 250}",
            "Cookie": f"sessionid={SESSIONS[number % len(SESSIONS)]}",
        }
        self.operator = {
            **self.browser,
            "Cookie": f"sessionid={OPERATOR_SESSIONS[number % len(OPERATOR_SESSIONS)]}",
        }

    def get(self, path: str, name: str, *, as_operator: bool = False, **headers: str) -> None:
        who = self.operator if as_operator else self.browser
        with self.client.get(
            path, headers={**who, **headers}, name=name, catch_response=True
        ) as response:
            # A redirect (to the sign-in page) is a failure here, not a page.
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")

    @task(3)
    def dashboard(self) -> None:
        self.get("/", "dashboard")

    @task(3)
    def tenants_list(self) -> None:
        self.get("/tenants/", "tenants list")

    @task(2)
    def tenants_filtered(self) -> None:
        self.get(f"/tenants/{random.choice(FILTERS)}", "tenants list, filtered")

    @task(4)
    def tenant_page(self) -> None:
        self.get(f"/tenants/{random.choice(TENANT_PKS)}/", "tenant page")

    @task(2)
    def usage_dashboard(self) -> None:
        self.get("/usage/", "usage dashboard")

    @task(4)
    def usage_refresh(self) -> None:
        # The dashboard's htmx refresh every 5 s while it is open.
        self.get("/usage/", "usage refresh (htmx)", **{"HX-Request": "true"})

    @task(2)
    def issues_inbox(self) -> None:
        self.get("/tenants/issues/", "issues inbox")

    @task(2)
    def operations_index(self) -> None:
        self.get("/operations/", "operations index")

    @task(1)
    def job_page(self) -> None:
        self.get(f"/operations/jobs/{random.choice(JOB_PKS)}/", "job page")

    @task(3)
    def job_polling(self) -> None:
        # A job page asks again every second (htmx) until the job has ended.
        path = f"/operations/jobs/{random.choice(WAITING_JOB_PKS)}/"
        self.get(path, "job page polling (htmx)", **{"HX-Request": "true"})

    @task(2)
    def customer_lookup(self) -> None:
        # The sales-order form's customer field, as the operator types.
        tenant = random.choice(LOOKUP_TENANT_PKS)
        query = urlencode({"customer_id": random.choice(CUSTOMER_QUERIES)})
        path = f"/operations/tenants/{tenant}/orders/customers/?{query}"
        self.get(path, "order form: customer lookup", as_operator=True, **{"HX-Request": "true"})

    @task(2)
    def item_lookup(self) -> None:
        # A line's item field of the same form.
        tenant = random.choice(LOOKUP_TENANT_PKS)
        query = urlencode({"lines-0-inventory_id": random.choice(ITEM_QUERIES)})
        path = f"/operations/tenants/{tenant}/orders/items/?{query}"
        self.get(path, "order form: item lookup", as_operator=True, **{"HX-Request": "true"})

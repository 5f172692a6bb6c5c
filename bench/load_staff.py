"""The locustfile of bench/load.py: staff at the console, signed in, going over the pages they
use. Run by bench/load.py (``locust -f bench/load_staff.py --headless ...``), not on its own.

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

from locust import FastHttpUser, between, task

SESSIONS = [key for key in os.environ.get("LOAD_SESSIONS", "").split(",") if key]
TENANT_PKS = [int(pk) for pk in os.environ.get("LOAD_TENANT_PKS", "").split(",") if pk]
# Extra pages that exist only once the operations parts are merged (name=path, comma-separated).
EXTRA_PAGES = [p.split("=", 1) for p in os.environ.get("LOAD_EXTRA_PAGES", "").split(",") if p]
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

    def get(self, path: str, name: str, **headers: str) -> None:
        with self.client.get(
            path, headers={**self.browser, **headers}, name=name, catch_response=True
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

    @task(2)
    def extra_pages(self) -> None:
        if EXTRA_PAGES:
            name, path = random.choice(EXTRA_PAGES)
            self.get(path, name)

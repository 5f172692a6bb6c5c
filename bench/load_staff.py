"""The locustfile of bench/load.py: staff at the console, signed in, going over the pages they
use. Run by bench/load.py (``locust -f bench/load_staff.py --headless ...``), not on its own.

Locust plays the TLS terminator in front of gunicorn: each request says ``X-Forwarded-Proto:
https`` and ``X-Forwarded-For: <the user's own address>`` (the portal runs with one trusted proxy),
so the production profile's HTTPS-only cookies and per-address sign-in limits behave as behind a
real load balancer.
"""

from __future__ import annotations

import itertools
import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "demo-portal-2026")
EMAILS = os.environ.get("LOAD_EMAILS", "viewer@demo.example,operator@demo.example").split(",")
TENANT_PKS = [int(pk) for pk in os.environ.get("LOAD_TENANT_PKS", "").split(",") if pk]
# Extra pages that exist only once the operations parts are merged (name=path, comma-separated).
EXTRA_PAGES = [p.split("=", 1) for p in os.environ.get("LOAD_EXTRA_PAGES", "").split(",") if p]
_numbers = itertools.count(1)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Staff(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        number = next(_numbers)
        self.client.headers.update(
            {
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": f"10.0.{number // 250}.{number % 250}",
            }
        )
        page = self.client.get("/accounts/login/", name="sign in (form)")
        token = CSRF.search(page.text).group(1)
        self._plain_cookies()
        self.client.post(
            "/accounts/login/",
            data={
                "login": EMAILS[number % len(EMAILS)],
                "password": PASSWORD,
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign in",
        )
        self._plain_cookies()

    def _plain_cookies(self) -> None:
        # The portal's cookies are HTTPS-only; between locust and gunicorn (the terminator's side)
        # the connection is plain HTTP, where a client keeps them as the browser would over TLS.
        for cookie in self.client.cookies:
            cookie.secure = False

    def _tenant(self) -> int:
        return random.choice(TENANT_PKS)

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    @task(3)
    def tenants_list(self) -> None:
        self.client.get("/tenants/", name="tenants list")

    @task(2)
    def tenants_filtered(self) -> None:
        query = random.choice(
            [
                "?status=active",
                "?q=Fault+Company+1",
                "?status=active&per_page=100",
                "?kind=no_license",
            ]
        )
        self.client.get(f"/tenants/{query}", name="tenants list, filtered")

    @task(4)
    def tenant_page(self) -> None:
        self.client.get(f"/tenants/{self._tenant()}/", name="tenant page")

    @task(2)
    def usage_dashboard(self) -> None:
        self.client.get("/usage/", name="usage dashboard")

    @task(4)
    def usage_refresh(self) -> None:
        # The dashboard's htmx refresh every 5 s while it is open.
        self.client.get("/usage/", headers={"HX-Request": "true"}, name="usage refresh (htmx)")

    @task(2)
    def issues_inbox(self) -> None:
        self.client.get("/tenants/issues/", name="issues inbox")

    @task(2)
    def operations_index(self) -> None:
        self.client.get("/operations/", name="operations index")

    @task(2)
    def extra_pages(self) -> None:
        if EXTRA_PAGES:
            name, path = random.choice(EXTRA_PAGES)
            self.client.get(path, name=name)

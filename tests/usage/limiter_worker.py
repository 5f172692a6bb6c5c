"""A separate process pushing one company's budget through the shared limiter.

python -m tests.usage.limiter_worker setup|run --backend database|redis --redis-url URL
    --prefix P --tenant T --limit N --calls N --start EPOCH

``setup`` registers the company; ``run`` waits for the common start time, asks the limiter
``--calls`` times and prints how many calls it let through. The database comes from the
environment (DATABASE_URL), like any portal process.
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["setup", "run"])
    parser.add_argument("--backend", choices=["database", "redis"], required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--prefix", default="usage-test:")
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--start", type=float, default=0.0)
    args = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    settings.USAGE_REDIS_URL = args.redis_url if args.backend == "redis" else ""
    settings.USAGE_REDIS_PREFIX = args.prefix

    if args.mode == "setup":
        from usage.services import metered_company_sync

        metered_company_sync(
            client_id="isv_concurrency",
            tenant_id=args.tenant,
            company_id=1,
            name="Concurrency AS",
            client_type="production",
            hourly_limit=args.limit,
            tenant_pk=None,
            active=True,
        )
        return

    from erpclient import LimitAction, LimitRequest, Priority
    from usage.limiter import get_limiter

    limiter = get_limiter()
    request = LimitRequest(
        client_id="isv_concurrency",
        tenant_id=args.tenant,
        company_id=None,
        priority=Priority.INTERACTIVE,
        method="GET",
        path_template="/v1/customer",
    )
    limiter.state("isv_concurrency", args.tenant)  # connect before the start line
    while time.time() < args.start:
        time.sleep(0.005)
    went = sum(limiter.acquire(request).action is LimitAction.GO for _ in range(args.calls))
    print(went, flush=True)


if __name__ == "__main__":
    main()

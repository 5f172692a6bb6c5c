"""A separate process pushing one company's budget through the shared limiter.

python -m tests.usage.limiter_worker --backend database|redis --redis-url URL --prefix P
    --tenant T --limit N --calls N --first N

Each worker registers the company (client ``CLIENT_ID``; the sync is idempotent, so the workers
may all do it), connects, says "ready" and
waits for a line on standard input (the parent's start signal, sent once every worker is ready);
then asks the limiter for ``--first`` calls, says "first" and waits for the next line (so every
worker is known to be in the race before the rest starts); then asks for the rest of its
``--calls`` and prints how many calls it let through in all. No clock decides when anything
starts. The database comes from the environment (DATABASE_URL), like any portal process.
"""

from __future__ import annotations

import argparse
import sys

CLIENT_ID = "isv_concurrency"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["database", "redis"], required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--prefix", default="usage-test:")
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--first", type=int, default=0)
    args = parser.parse_args()

    # Django and the portal's modules load only after the arguments are read.
    import django
    from django.conf import settings

    django.setup()
    settings.USAGE_REDIS_URL = args.redis_url if args.backend == "redis" else ""
    settings.USAGE_REDIS_PREFIX = args.prefix

    from erpclient import LimitAction, LimitRequest, Priority
    from usage.limiter import get_limiter
    from usage.services import metered_company_sync

    metered_company_sync(
        client_id=CLIENT_ID,
        tenant_id=args.tenant,
        company_id=1,
        name="Concurrency AS",
        client_type="production",
        hourly_limit=args.limit,
        tenant_pk=None,
        active=True,
    )

    limiter = get_limiter()
    request = LimitRequest(
        client_id=CLIENT_ID,
        tenant_id=args.tenant,
        company_id=None,
        priority=Priority.INTERACTIVE,
        method="GET",
        path_template="/v1/customer",
    )
    limiter.state(CLIENT_ID, args.tenant)  # connect before the start line

    def ask(times: int) -> int:
        return sum(limiter.acquire(request).action is LimitAction.GO for _ in range(times))

    print("ready", flush=True)
    sys.stdin.readline()
    went = ask(args.first)
    print("first", flush=True)
    sys.stdin.readline()
    went += ask(args.calls - args.first)
    print(went, flush=True)


if __name__ == "__main__":
    main()

"""A separate portal process sending one ERP request through the shared repeat guard.

python -m tests.tenants.repeat_guard_worker SANDBOX_URL CLIENT_ID SECRET TENANT_ID NUMBER TRIES

Sends ``supplier_invoices.get(NUMBER)`` TRIES times (no retries) with the portal's repeat guard,
on whatever cache the environment configures (CACHE_URL), and prints one outcome per try: the
error class name, or ``ok``.
"""

from __future__ import annotations

import sys


def main() -> None:
    url, client_id, secret, tenant_id, number, tries = sys.argv[1:7]

    import django

    django.setup()

    from erpclient import ErpClient, ErpError
    from tenants.repeat_guard import get_repeat_guard

    client = ErpClient.sandbox(
        url,
        client_id=client_id,
        client_secret=secret,
        tenant_id=tenant_id,
        repeat_guard=get_repeat_guard(),
        max_retries=0,
    )
    outcomes = []
    for _ in range(int(tries)):
        try:
            client.supplier_invoices.get(number, "Invoice")
            outcomes.append("ok")
        except ErpError as error:
            outcomes.append(type(error).__name__)
    client.close()
    print(" ".join(outcomes))


if __name__ == "__main__":
    main()

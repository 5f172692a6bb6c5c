"""Per-process cache of what the limiter and recorder need to know about a metered company.

Looking a company up on every ERP call would cost a query each time; the figures change rarely
(``metered_company_sync`` clears the cache in its own process, others pick changes up within
``TTL_SECONDS``). A sweep reads a whole batch's companies at once with ``preload``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from . import conf
from .models import ClientType, MeteredCompany

TTL_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class CompanyConfig:
    pk: int | None
    limit: int
    reserve: float
    client_type: str
    # False when metering stopped (retired, offboarded) or nobody registered the company.
    active: bool = False


_cache: dict[tuple[str, str], tuple[float, CompanyConfig]] = {}
_lock = threading.Lock()


def _unknown() -> CompanyConfig:
    # Not registered yet (for example while onboarding checks a new tenant): assume the smaller
    # test-client budget, so an unknown company can never overrun a real one.
    return CompanyConfig(
        pk=None,
        limit=conf.hourly_limit_for(ClientType.TEST),
        reserve=conf.reserve_for(ClientType.TEST),
        client_type="",
    )


def _config_of(company: MeteredCompany) -> CompanyConfig:
    return CompanyConfig(
        pk=company.pk,
        limit=company.hourly_limit,
        reserve=company.effective_reserve,
        client_type=company.client_type,
        active=company.active,
    )


def config_for(client_id: str, tenant_id: str) -> CompanyConfig:
    key = (client_id, tenant_id)
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    company = MeteredCompany.objects.filter(client_id=client_id, tenant_id=tenant_id).first()
    config = _config_of(company) if company is not None else _unknown()
    with _lock:
        _cache[key] = (now + TTL_SECONDS, config)
    return config


def preload(keys: Iterable[tuple[str, str]]) -> None:
    """Read the companies of many (client id, tenant id) pairs in one query and cache them as
    ``config_for`` would: a sweep batch then makes no query per company."""
    wanted = set(keys)
    if not wanted:
        return
    found = {
        (company.client_id, company.tenant_id): _config_of(company)
        for company in MeteredCompany.objects.filter(
            client_id__in={client_id for client_id, _ in wanted},
            tenant_id__in={tenant_id for _, tenant_id in wanted},
        )
    }
    expires = time.monotonic() + TTL_SECONDS
    with _lock:
        for key in wanted:
            _cache[key] = (expires, found.get(key) or _unknown())


def company_pk_for(
    client_id: str, tenant_id: str, *, company_id: str | None, limit: int | None
) -> int:
    """The MeteredCompany pk for a call's ledger rows, registering an inactive placeholder the
    first time a (client, tenant) pair is seen that nobody registered (the ledger keeps every
    attempt; the tenants app fills in the rest with ``metered_company_sync``)."""
    config = config_for(client_id, tenant_id)
    if config.pk is not None:
        return config.pk
    client_type = (
        ClientType.TEST
        if limit is not None and limit <= conf.hourly_limit_for(ClientType.TEST)
        else ClientType.PRODUCTION
    )
    defaults = {
        "client_type": client_type,
        # The ERP's own figure when it gave one; else the type's default, read when needed.
        "hourly_limit_override": limit or None,
        "company_id": int(company_id) if company_id and company_id.isdigit() else None,
        "active": False,
    }
    try:
        with transaction.atomic():
            company, _ = MeteredCompany.objects.get_or_create(
                client_id=client_id, tenant_id=tenant_id, defaults=defaults
            )
    except IntegrityError:
        company = MeteredCompany.objects.get(client_id=client_id, tenant_id=tenant_id)
    forget(client_id, tenant_id)
    return company.pk


def forget(client_id: str | None = None, tenant_id: str | None = None) -> None:
    with _lock:
        if client_id is None:
            _cache.clear()
        else:
            _cache.pop((client_id, tenant_id or ""), None)

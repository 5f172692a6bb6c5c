"""The last read of a supplier document, kept a few seconds so reloading its page costs no ERP
call.

A document's page reads it from the ERP. The client library refuses to send the same request
more than a few times a minute (the ERP punishes repeats, erpclient/repeat_guard.py), so without a
copy a few reloads, or a few refused uploads (each shows the page again), would leave the page
showing "Not sent" to everyone for a minute. The copy lives ``OPERATIONS_DOCUMENT_READ_SECONDS``
and goes as soon as the portal learns the document changed: an ERP event on it
(``forget_on_event``), a background job on it saved at any step (``forget_on_job``), or a write
the portal sent itself (``forget``). A read that found no such document is kept as long as the
repeat guard remembers the failure (``_kept_seconds``); any other failed read is not kept.

When the client keeps a read back (the same request five times in a minute, or the budget), the
page shows the last read that found the document (``LAST_READ_SECONDS``), which no change drops,
and says it was not read again and why (``Read.held_back``) instead of a page of "Not sent".

A page of the lists (``page``) is kept the same way, by operations/list_reads.py; what drops a
document's copy drops every kept page of its kind's lists too. A payment's job or event drops
every kept invoice of the tenant as well as the invoice lists: it changes the invoices it pays.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from erpclient.pagination import PageData
from erpclient.repeat_guard import FAILED_REQUEST_WINDOW_SECONDS
from tenants.models import Tenant

from .. import list_reads
from ..jobs.models import BackgroundJob
from ..refresh import Kind, refresher
from . import selectors

logger = logging.getLogger(__name__)

PREFIX = "operations:document-read:"


# What a payment changes without naming it: the balance and status of the invoices it pays.
PAID_INVOICES = "paid-invoices"

# The last read that found a document stays as long as the repeat guard can refuse to read it
# again (two failures in five minutes): shown, marked as older, when a read is kept back.
LAST_READ_SECONDS = int(FAILED_REQUEST_WINDOW_SECONDS)


def _digest(number: str) -> str:
    # By number alone: an ERP event may name "Invoice/100012" or only "100012". The document
    # type is kept in the value and checked on the way out.
    return hashlib.blake2b(str(number).encode(), digest_size=12).hexdigest()


def _key(tenant_pk: int, kind: str, number: str) -> str:
    key = f"{PREFIX}{tenant_pk}:{kind}:{_digest(number)}"
    if kind == Kind.SUPPLIER_INVOICE:
        # A payment's job or event drops every kept invoice of the tenant: which ones it pays
        # is not known without a read (_paid_invoices_changed).
        key += f":{list_reads.generation(tenant_pk, PAID_INVOICES)}"
    return key


def document(tenant: Tenant, kind, document_type: str, number: str) -> selectors.Read:
    """The document as the ERP had it moments ago if the portal read it then, else read now;
    when the client keeps the read back (repeat guard, budget), the portal's last read of it,
    saying so (``held_back``)."""
    try:
        key = _key(tenant.pk, kind.kind, number)
        kept = cache.get(key)
    except Exception:  # the cache is down: read the ERP, as without a copy, and keep nothing
        key = kept = None
    if kept is not None and kept[0] == document_type:
        _, read, seconds = kept
        return dataclasses.replace(read, cost=None, copy_seconds=seconds)
    read = selectors.document(tenant, kind.resource, document_type, number)
    if key is None:
        return read
    last = _last_key(tenant.pk, kind.kind, number)
    if not read.sent:
        older = _last_read(last, document_type)
        return _held_back(older, read) if older is not None else read
    seconds = _kept_seconds(read)
    try:
        if seconds:
            cache.set(key, (document_type, read, seconds), seconds)
        if read.result is not None:
            cache.set(last, (document_type, read), LAST_READ_SECONDS)
    except Exception:  # the next page reads the ERP again
        logger.warning("The read of %s %s could not be kept", document_type, number)
    return read


def _last_key(tenant_pk: int, kind: str, number: str) -> str:
    # Not dropped by a change (forget): it is shown only as an older read, saying so.
    return f"{PREFIX}last:{tenant_pk}:{kind}:{_digest(number)}"


def _last_read(key: str, document_type: str) -> selectors.Read | None:
    """The last read of the document that found it, if the portal still has it."""
    try:
        kept = cache.get(key)
    except Exception:
        return None
    if kept is None or kept[0] != document_type:
        return None
    return kept[1]


def _held_back(read: selectors.Read, refusal: selectors.Read) -> selectors.Read:
    return dataclasses.replace(read, cost=None, copy_seconds=0, held_back=refusal.error)


def _kept_seconds(read: selectors.Read) -> int:
    """How long a read is kept: a found document briefly; "no such document" as long as the
    repeat guard counts the failure, because asking again within that time is refused (a third
    look at a wrong number would show "Not sent" instead of "not found"). 0: not kept."""
    if read.status == 200 and read.result is not None:
        return settings.OPERATIONS_DOCUMENT_READ_SECONDS
    if read.status == 404:
        return int(FAILED_REQUEST_WINDOW_SECONDS)
    return 0


def page(tenant: Tenant, kind, filters: dict[str, Any], page_number: int) -> selectors.Read:
    """A page of the list as the ERP had it moments ago if the portal read it then, else read
    now (operations/list_reads.py)."""
    key, kept = list_reads.kept(tenant.pk, kind.kind, {"filters": filters, "page": page_number})
    if kept is not None:
        return dataclasses.replace(
            kept, cost=None, copy_seconds=settings.OPERATIONS_DOCUMENT_READ_SECONDS
        )
    read = selectors.page(tenant, kind.resource, filters, page_number)
    if read.status == 200 and read.result is not None:
        list_reads.keep(key, _without_client(read))
    return read


def _without_client(read: selectors.Read) -> selectors.Read:
    """The read as kept: a page holds the ERP client that fetches the next one; its data is
    what a page of the list shows."""
    page = read.result
    data = PageData(
        items=page.items,
        page_number=page.page_number,
        page_size=page.page_size,
        total_count=page.total_count,
        has_next=page.has_next,
        ratelimit=page.ratelimit,
    )
    return dataclasses.replace(read, result=data)


def forget(tenant_pk: int, kind: str, number: str) -> None:
    """The document changed (or is about to): its next page, and the next view of any list of
    its kind, read the ERP, now and once the current transaction commits."""

    def delete() -> None:
        list_reads.lists_changed(tenant_pk, kind)
        try:
            cache.delete(_key(tenant_pk, str(kind), str(number)))
        except Exception:  # the copy expires after OPERATIONS_DOCUMENT_READ_SECONDS
            logger.warning("The kept read of document %s could not be dropped", number)

    delete()
    transaction.on_commit(delete)


def _number_of(document_id: str) -> str:
    return str(document_id).rsplit("/", 1)[-1]


@refresher(Kind.SUPPLIER_INVOICE)
def forget_invoice_on_event(tenant: Tenant, document_id: str) -> None:
    forget(tenant.pk, Kind.SUPPLIER_INVOICE, _number_of(document_id))


@refresher(Kind.SUPPLIER_PAYMENT)
def forget_payment_on_event(tenant: Tenant, document_id: str) -> None:
    forget(tenant.pk, Kind.SUPPLIER_PAYMENT, _number_of(document_id))
    _paid_invoices_changed(tenant.pk)


@receiver(post_save, sender=BackgroundJob)
def forget_on_job(sender, instance: BackgroundJob, **kwargs) -> None:
    """A job on the document was queued, advanced or ended: what it did shows on the next page."""
    forget(instance.tenant_id, instance.document_kind, instance.document_number)
    if instance.document_kind == Kind.SUPPLIER_PAYMENT:
        _paid_invoices_changed(instance.tenant_id)


def _paid_invoices_changed(tenant_pk: int) -> None:
    """A payment changes the balance and status of the invoices it pays, which it does not name
    without a read: the invoice lists and every invoice's page read the ERP again."""

    def drop() -> None:
        list_reads.lists_changed(tenant_pk, Kind.SUPPLIER_INVOICE)
        list_reads.move_on(tenant_pk, PAID_INVOICES)

    drop()
    transaction.on_commit(drop)

"""A sales order the portal sent (or is sending) to the ERP, and each tenant's own numbers.

A ``PortalOrder`` row is written *before* the ERP is asked (outcome ``pending``), carrying the
form's token in a unique column: a second submit of the same rendered form finds that row and
shows its result instead of sending again. The result and the audit row are written afterwards,
in a second transaction; the ERP call is never inside a transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tenants.models import Tenant

ORDER_ID_MAX = 15  # NewSalesOrderCommand.orderId maxLength
# A create (with the client's retries) is over well before this; a row still pending is stale.
STALE_PENDING_SECONDS = 300


class Outcome(models.TextChoices):
    PENDING = "pending", "Sending"
    CREATED = "created", "Created"
    REJECTED = "rejected", "Refused by the ERP"
    UNKNOWN = "unknown", "Unknown: the ERP did not answer"


# An order number is taken while an order with it may exist in the ERP.
NUMBER_HOLDING = (Outcome.PENDING, Outcome.CREATED, Outcome.UNKNOWN)


class PortalOrder(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="portal_orders")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.UUIDField(unique=True, help_text="The rendered form this order came from.")
    order_type = models.CharField(max_length=2)
    # Our own number (manual numbering), else "" and the ERP numbers the order.
    own_number = models.CharField(max_length=ORDER_ID_MAX, blank=True)
    # The order's id in the ERP once known (our own number, or the ERP's from Location).
    erp_order_id = models.CharField(max_length=ORDER_ID_MAX, blank=True)
    customer_id = models.CharField(max_length=30)
    customer_name = models.CharField(max_length=255, blank=True)
    lines_count = models.PositiveIntegerField()
    command = models.JSONField(help_text="The NewSalesOrderCommand exactly as sent.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    # In words: why it was refused, or what is not known; the ERP's codes beside.
    outcome_detail = models.TextField(blank=True)
    error_codes = models.JSONField(default=list, blank=True)
    erp_status = models.PositiveSmallIntegerField(null=True, blank=True)
    request_id = models.CharField(max_length=100, blank=True)
    # How the outcome became known: the create's answer, or a GET after a lost answer.
    settled_by = models.CharField(max_length=20, blank=True)
    etag = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("tenant", "order_type", "own_number"),
                condition=~Q(own_number="") & Q(outcome__in=NUMBER_HOLDING),
                name="portal_order_own_number_once",
            )
        ]
        indexes = [models.Index(fields=("tenant", "-created_at"))]

    def __str__(self) -> str:
        return f"{self.order_type} {self.erp_order_id or self.own_number or '(no number yet)'}"

    @property
    def number(self) -> str:
        return self.erp_order_id or self.own_number

    def is_stale_pending(self, now=None) -> bool:
        """Still pending long after any ERP call would have ended: the portal stopped while
        sending (a killed worker), so the outcome is unknown and may be checked."""
        from django.utils import timezone

        now = now or timezone.now()
        return (
            self.outcome == Outcome.PENDING
            and (now - self.created_at).total_seconds() > STALE_PENDING_SECONDS
        )


class OrderNumberSequence(models.Model):
    """A tenant's own order numbers: ``prefix`` then a zero-padded counter ("WEB-000042")."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=8, default="WEB-")
    next_number = models.PositiveBigIntegerField(default=1)
    width = models.PositiveSmallIntegerField(default=6)

    def __str__(self) -> str:
        return f"{self.prefix}… next {self.next_number}"

    def format(self, number: int) -> str:
        return f"{self.prefix}{number:0{self.width}d}"

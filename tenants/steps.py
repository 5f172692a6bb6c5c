"""The steps of a tenant check and their statuses: names stored in ``CheckRun.steps`` and used
by the catalogue (which step clears which problem). Data only, so every module can import it."""

from __future__ import annotations

from django.db import models


class Step(models.TextChoices):
    TOKEN = "token", "Token from Visma Connect"
    CONTEXT = "context", "Company context"
    FINANCIALS = "financials", "Financials API read"
    SALESORDERS = "salesorders", "SalesOrders v3 scopes"
    RATELIMIT = "ratelimit", "Hourly budget"


class StepStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


ONBOARDING_STEPS = (Step.TOKEN, Step.CONTEXT, Step.FINANCIALS, Step.SALESORDERS)
HEALTH_STEPS = (*ONBOARDING_STEPS, Step.RATELIMIT)
# The steps that talk to the ERP; a check "passes" when all of these pass.
ERP_STEPS = ONBOARDING_STEPS

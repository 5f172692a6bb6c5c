"""Writing the audit log.

Services call ``audit.record`` inside the same transaction as their change.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models, transaction

from . import audit_words
from .models import AuditEvent, User
from .request_context import current_ip

# Keys that would let a secret slip into the log. A service that needs to say "the secret changed"
# records e.g. {"changed": ["client_secret"]} — a value, not a key.
_SECRET_KEY = re.compile(r"secret|password|passwd|token|api[_-]?key|credential|otp|recovery", re.I)


class SecretInAuditDetails(ValueError):
    pass


class UnknownAuditAction(ValueError):
    pass


def _check_no_secrets(details: Any, path: str = "details") -> None:
    if isinstance(details, dict):
        for key, value in details.items():
            if _SECRET_KEY.search(str(key)):
                raise SecretInAuditDetails(
                    f"{path}.{key} looks like a secret; audit details must never hold one."
                )
            _check_no_secrets(value, f"{path}.{key}")
    elif isinstance(details, list | tuple):
        for index, value in enumerate(details):
            _check_no_secrets(value, f"{path}[{index}]")


def record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    target_label: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Must run inside the caller's transaction."""
    if not audit_words.is_known(action):
        raise UnknownAuditAction(
            f"{action!r} has no words in portal/audit_words.py; add it there before recording it."
        )
    details = details or {}
    _check_no_secrets(details)
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
        target_label = target_label or str(target)[:255]
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"audit.record({action!r}) must run inside the change's transaction.")
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor.email if actor is not None and actor.is_authenticated else "system",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label,
        details=details,
        ip_address=current_ip.get(),
    )

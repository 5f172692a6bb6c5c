"""One token per rendered form, so that a form sent twice (a double click, the back button, a
duplicated tab) is carried out once.

The page puts ``issue(...)`` in a hidden field. The service that acts reads it back with
``read(...)`` and stores the token's id in a unique column of the row it writes first (the
pending order, the queued job), inside its first transaction. A second submit of the same form
collides on that column: the service returns the row the first submit wrote, and the page shows
its result instead of acting again (Struts 2's token-session behaviour, operations-facts §5).

The token is signed with the user, the kind of form and its scope (say a tenant), so it cannot be
forged, reused by another user or moved to another tenant, and it expires.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError

SALT = "portal.form-token"


def max_age_seconds() -> int:
    return int(getattr(settings, "PORTAL_FORM_TOKEN_MAX_AGE_SECONDS", 24 * 3600))


def issue(*, user, kind: str, scope: str = "") -> str:
    """A new token for one rendering of a form of ``kind`` for ``user`` (within ``scope``)."""
    return signing.dumps(
        {"u": user.pk, "k": kind, "s": str(scope), "n": uuid.uuid4().hex}, salt=SALT
    )


def read(value: str, *, user, kind: str, scope: str = "") -> uuid.UUID:
    """The token's id, or a ``ValidationError`` that tells the person what to do."""
    try:
        data = signing.loads(value or "", salt=SALT, max_age=max_age_seconds())
    except signing.SignatureExpired as error:
        hours = max_age_seconds() // 3600
        raise ValidationError(
            f"This form was opened more than {hours} hours ago. Reload the page and check the "
            "values again; nothing was sent.",
            code="form_expired",
        ) from error
    except signing.BadSignature as error:
        raise _foreign() from error
    if not isinstance(data, dict) or (data.get("u"), data.get("k"), data.get("s")) != (
        user.pk,
        kind,
        str(scope),
    ):
        raise _foreign()
    try:
        return uuid.UUID(hex=str(data.get("n")))
    except ValueError as error:
        raise _foreign() from error


def _foreign() -> ValidationError:
    return ValidationError(
        "This form cannot be sent: it was not opened by you on this page. Reload the page; "
        "nothing was sent.",
        code="form_foreign",
    )

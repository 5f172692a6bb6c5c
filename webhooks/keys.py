"""What verifies a delivery, read from the database: signing keys and Statuspage URL tokens.

Decrypted keys are cached by their ciphertext (decrypting is the costly part of a request); a key
retired or added takes effect on the next request, since the key list itself is read every time.
"""

from __future__ import annotations

import functools

from django.utils import timezone

from .models import InboundDelivery, SigningKey, StatuspageToken
from .verification import matching_key, token_sha256


@functools.lru_cache(maxsize=512)
def _plaintext(ciphertext: str) -> str:
    from portal.fields import decrypt

    return decrypt(ciphertext)


def signing_key_for(body: bytes, signature: str, delivery: InboundDelivery) -> SigningKey | None:
    """The active key that signed ``body``: the named subscription's keys first, then every
    other active key (a subscription whose dispatcher id nobody entered)."""
    if not signature:
        return None
    active = list(
        SigningKey.objects.filter(active=True).select_related("subscription").order_by("-pk")
    )
    named = delivery.subscription_id
    active.sort(key=lambda key: key.subscription.dispatcher_id != named or not named)
    by_id = {key.pk: key for key in active}
    found = matching_key(
        body, signature, ((key.pk, _plaintext(key.secret.ciphertext)) for key in active)
    )
    return by_id.get(found) if found is not None else None


def statuspage_token_for(token: str) -> StatuspageToken | None:
    if not token:
        return None
    found = StatuspageToken.objects.filter(token_sha256=token_sha256(token), active=True).first()
    if found is not None:
        StatuspageToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found

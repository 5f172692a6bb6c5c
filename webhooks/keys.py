"""What verifies a delivery, read from the database: signing keys and Statuspage URL tokens.

The active signing keys are kept in each process for ``WEBHOOKS_KEY_CACHE_SECONDS`` (the inbox's
hot path then makes one database write and no read); a key added or retired in this process is
seen at once, in the others within that time. Decrypted keys are cached by their ciphertext.
"""

from __future__ import annotations

import functools
import threading
import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import SigningKey, StatuspageToken
from .verification import matching_key, token_sha256


@functools.lru_cache(maxsize=512)
def _plaintext(ciphertext: str) -> str:
    from portal.fields import decrypt

    return decrypt(ciphertext)


_cache_lock = threading.Lock()
_cached: tuple[float, list[SigningKey]] | None = None


def _active_keys() -> list[SigningKey]:
    global _cached
    now = time.monotonic()
    with _cache_lock:
        if _cached is not None and _cached[0] > now:
            return _cached[1]
    active = list(
        SigningKey.objects.filter(active=True).select_related("subscription").order_by("-pk")
    )
    with _cache_lock:
        _cached = (now + settings.WEBHOOKS_KEY_CACHE_SECONDS, active)
    return active


@receiver(post_save, sender=SigningKey)
@receiver(post_delete, sender=SigningKey)
def forget_keys(**kwargs) -> None:
    """A key changed (here, or by a service of this process): read them again next time."""
    global _cached
    with _cache_lock:
        _cached = None


def signing_key_for(body: bytes, signature: str, subscription_id: str) -> SigningKey | None:
    """The active key that signed ``body``: the keys of the subscription the dispatcher named
    first, then every other active key (a subscription whose dispatcher id nobody entered)."""
    if not signature:
        return None
    active = list(_active_keys())
    active.sort(
        key=lambda key: key.subscription.dispatcher_id != subscription_id or not subscription_id
    )
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
